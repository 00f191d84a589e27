//! `/api/oauth/token`: every grant type, answered as Glimesh's provider does.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use serde_json::json;
use sha2::{Digest, Sha256};
use url::Url;

use crate::sim::Shared;
use crate::sim::grants::{GrantType, TokenRow, unix_now};
use crate::sim::oauth::errors::OAuthError;
use crate::sim::oauth::{Merged, Params, bad_request, param, scopes_are_known};

/// `POST /api/oauth/token`.
pub(crate) async fn token(State(sim): State<Arc<Shared>>, Merged(params): Merged) -> Response {
    if !params.contains_key("client_id") {
        return bad_request();
    }
    match grant(&sim, &params) {
        Ok((grant_type, row)) => {
            let mut state = sim.store.lock();
            state.stats.token_grants += 1;
            *state
                .stats
                .token_grants_by_type
                .entry(grant_type.name().to_owned())
                .or_default() += 1;
            drop(state);
            Json(token_body(&row)).into_response()
        }
        Err(refusal) => refusal.into_response(),
    }
}

fn token_body(row: &TokenRow) -> serde_json::Value {
    let created_at = DateTime::from_timestamp(row.inserted_at, 0)
        .map(|t| t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string());
    json!({
        "access_token": row.access_token,
        "created_at": created_at,
        "expires_in": (row.expires_at - unix_now()).max(0),
        "refresh_token": row.refresh_token,
        "scope": row.scope,
        "token_type": "bearer",
    })
}

fn grant(sim: &Shared, params: &Params) -> Result<(GrantType, TokenRow), OAuthError> {
    let grant_type = param(params, "grant_type").ok_or_else(OAuthError::no_grant_type)?;
    let grant_type = GrantType::parse(grant_type).ok_or_else(OAuthError::unknown_grant_type)?;
    let required: &[&str] = match grant_type {
        GrantType::AuthorizationCode => &["code", "redirect_uri"],
        GrantType::RefreshToken => &["refresh_token"],
        GrantType::ClientCredentials => &["client_secret"],
        GrantType::Password => &["username", "password"],
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|n| !params.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        return Err(OAuthError::missing(&missing));
    }
    let client_id = param(params, "client_id").unwrap_or_default();
    let mut state = sim.store.lock();
    let grants = &mut state.grants;
    let app = grants.app(client_id).cloned();
    let app = match grant_type {
        GrantType::AuthorizationCode => app
            .filter(|a| a.allows_redirect(param(params, "redirect_uri").unwrap_or_default()))
            .ok_or_else(OAuthError::bad_redirect_uri)?,
        // Glimesh apps have public refresh tokens: the secret is not checked for a refresh.
        GrantType::RefreshToken => app.ok_or_else(OAuthError::bad_client_secret)?,
        GrantType::ClientCredentials | GrantType::Password => app
            .filter(|a| Some(a.client_secret.as_str()) == param(params, "client_secret"))
            .ok_or_else(OAuthError::bad_client_secret)?,
    };
    // The emulator has no passwords, so no application may use the password grant.
    if grant_type == GrantType::Password || !app.grant_types.contains(&grant_type) {
        return Err(OAuthError::unsupported_grant_type());
    }
    let requested = param(params, "scope");
    let row = match grant_type {
        GrantType::AuthorizationCode => {
            let code = grants
                .take_code(param(params, "code").unwrap_or_default())
                .filter(|c| {
                    c.client_id == app.client_id
                        && Url::parse(param(params, "redirect_uri").unwrap_or_default())
                            .is_ok_and(|u| u.as_str() == c.redirect_uri)
                })
                .ok_or_else(OAuthError::bad_code)?;
            if sim.pkce || code.code_challenge.is_some() {
                check_verifier(code.code_challenge.as_ref(), param(params, "code_verifier"))?;
            }
            grants.issue_token(&app.client_id, code.user_id, &code.scope)
        }
        GrantType::RefreshToken => {
            let old = grants
                .refreshable(
                    param(params, "refresh_token").unwrap_or_default(),
                    &app.client_id,
                )
                .cloned()
                .ok_or_else(OAuthError::bad_refresh_token)?;
            let scope = match requested {
                Some(scope) => {
                    let granted: Vec<&str> = old.scope.split_whitespace().collect();
                    if !scope.split_whitespace().all(|s| granted.contains(&s)) {
                        return Err(OAuthError::bad_scope());
                    }
                    scope.to_owned()
                }
                None => old.scope.clone(),
            };
            grants.issue_token(&app.client_id, old.user_id, &scope)
        }
        GrantType::ClientCredentials | GrantType::Password => {
            let scope = requested.unwrap_or_default();
            if !scopes_are_known(scope) {
                return Err(OAuthError::bad_scope());
            }
            grants.issue_token(&app.client_id, app.owner_id, scope)
        }
    };
    Ok((grant_type, row))
}

fn check_verifier(
    challenge: Option<&(String, String)>,
    verifier: Option<&str>,
) -> Result<(), OAuthError> {
    let (Some((challenge, method)), Some(verifier)) = (challenge, verifier) else {
        return Err(OAuthError::bad_code_verifier());
    };
    let expected = match method.as_str() {
        "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        _ => verifier.to_owned(),
    };
    if &expected == challenge {
        Ok(())
    } else {
        Err(OAuthError::bad_code_verifier())
    }
}
