//! OAuth state: registered applications, authorization codes and issued tokens.
//!
//! This file holds the tables, their lookups and changes, and what a token lets a request do.

mod rows;

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use rand::Rng;

use crate::sim::rows::User;
use crate::sim::world::World;
use rows::App;
pub(crate) use rows::{CODE_TTL_SECS, Code, GrantType, TokenRow};

/// Who a request acts as, and what it may do.
#[derive(Debug, Clone, Default)]
pub(crate) struct Access {
    /// The token's user; `None` for `Client-ID` access.
    pub(crate) user_id: Option<u64>,
    scopes: Vec<String>,
}

impl Access {
    /// Anonymous, read-only access (a `Client-ID` header or socket).
    pub(crate) fn anonymous() -> Self {
        Self::default()
    }

    /// The user, when the token has the scope.
    pub(crate) fn user_with(&self, scope: &str) -> Option<u64> {
        self.user_id
            .filter(|_| self.scopes.iter().any(|s| s == scope))
    }
}

/// Applications, codes and tokens.
#[derive(Debug, Default)]
pub(crate) struct Grants {
    pub(crate) apps: Vec<App>,
    codes: HashMap<String, Code>,
    tokens: Vec<TokenRow>,
    by_access: HashMap<String, usize>,
    by_refresh: HashMap<String, usize>,
    pub(crate) token_ttl_secs: i64,
}

/// Unix time in seconds.
pub(crate) fn unix_now() -> i64 {
    Utc::now().timestamp()
}

fn random_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Grants {
    pub(crate) fn new(world: &World, users: &[User]) -> Self {
        let apps = world
            .apps
            .iter()
            .map(|seed| App {
                client_id: seed.client_id.clone(),
                client_secret: seed.client_secret.clone(),
                owner_id: users
                    .iter()
                    .find(|u| u.username.eq_ignore_ascii_case(&seed.owner))
                    .map_or(0, |u| u.id),
                redirect_uris: seed.redirect_uris.clone(),
                grant_types: match &seed.grant_types {
                    Some(names) => names.iter().filter_map(|n| GrantType::parse(n)).collect(),
                    None => GrantType::ALL.to_vec(),
                },
            })
            .collect();
        Self {
            apps,
            token_ttl_secs: 86_400,
            ..Self::default()
        }
    }

    pub(crate) fn app(&self, client_id: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.client_id == client_id)
    }

    pub(crate) fn issue_code(&mut self, code: Code) -> String {
        let value = random_secret();
        self.codes.insert(value.clone(), code);
        value
    }

    /// Takes a code out of circulation; a code is good for one attempt only.
    pub(crate) fn take_code(&mut self, code: &str) -> Option<Code> {
        self.codes
            .remove(code)
            .filter(|c| unix_now() < c.expires_at)
    }

    pub(crate) fn issue_token(&mut self, client_id: &str, user_id: u64, scope: &str) -> TokenRow {
        let now = unix_now();
        let row = TokenRow {
            access_token: random_secret(),
            refresh_token: random_secret(),
            client_id: client_id.to_owned(),
            user_id,
            scope: scope.to_owned(),
            inserted_at: now,
            expires_at: now + self.token_ttl_secs,
            revoked: false,
        };
        let i = self.tokens.len();
        self.by_access.insert(row.access_token.clone(), i);
        self.by_refresh.insert(row.refresh_token.clone(), i);
        self.tokens.push(row.clone());
        row
    }

    /// The row a still-usable refresh token of this client belongs to.
    pub(crate) fn refreshable(&self, refresh_token: &str, client_id: &str) -> Option<&TokenRow> {
        let row = &self.tokens[*self.by_refresh.get(refresh_token)?];
        (row.client_id == client_id && row.refresh_is_valid(unix_now())).then_some(row)
    }

    /// The row of an access or refresh token, whatever its state.
    pub(crate) fn find(&self, token: &str) -> Option<&TokenRow> {
        let i = self
            .by_access
            .get(token)
            .or_else(|| self.by_refresh.get(token))?;
        Some(&self.tokens[*i])
    }

    /// What a bearer token may do, if it is active.
    pub(crate) fn authenticate(&self, access_token: &str) -> Option<Access> {
        let row = &self.tokens[*self.by_access.get(access_token)?];
        row.is_active(unix_now()).then(|| Access {
            user_id: Some(row.user_id),
            scopes: row.scope.split_whitespace().map(str::to_owned).collect(),
        })
    }

    /// Revokes the row of an access or refresh token (both of its tokens).
    pub(crate) fn revoke(&mut self, token: &str) {
        if let Some(&i) = self
            .by_access
            .get(token)
            .or_else(|| self.by_refresh.get(token))
        {
            self.tokens[i].revoked = true;
        }
    }

    /// Makes every access token expire now; refresh tokens stay usable.
    pub(crate) fn expire_all(&mut self) {
        let now = unix_now();
        for row in &mut self.tokens {
            row.expires_at = row.expires_at.min(now);
        }
    }

    /// Revokes every token.
    pub(crate) fn revoke_all(&mut self) {
        for row in &mut self.tokens {
            row.revoked = true;
        }
    }
}
