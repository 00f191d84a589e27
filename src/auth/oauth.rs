//! The OAuth client: authorize URLs and token requests, as Glimesh's provider expects them.
//!
//! Secrets travel only in request bodies; `client_id` is always in the body too, because
//! Glimesh's token endpoint requires it there even when the secret comes by HTTP Basic.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{TimeDelta, Utc};
use rand::Rng;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

use crate::auth::token::Token;
use crate::error::{Error, Result};
use crate::http::{read_body, send};
use crate::protocol::{AUTHORIZE_PATH, CHAT_SCOPE, TOKEN_PATH};
use crate::secret::Secret;

/// An OAuth application registered on a Glimesh instance.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    /// The instance, e.g. `https://glimesh.example.org`.
    pub base_url: Url,
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret; the code flow works without it on Glimesh.
    pub client_secret: Option<Secret>,
    /// Where the instance sends the browser after login.
    pub redirect_uri: Url,
    /// The scopes to ask for; `chat` is always added.
    pub scopes: Vec<String>,
}

impl OAuthApp {
    /// The scopes to request, space-separated, `chat` included.
    pub fn scope(&self) -> String {
        let mut scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        if !scopes.contains(&CHAT_SCOPE) {
            scopes.push(CHAT_SCOPE);
        }
        scopes.join(" ")
    }

    fn endpoint(&self, path: &str) -> Result<Url> {
        self.base_url.join(path).map_err(|e| Error::Config {
            key: "glimesh.base_url".into(),
            message: format!("cannot form the {path} URL: {e}"),
        })
    }
}

/// A random URL-safe string with 256 bits of entropy: a `state` or a PKCE verifier.
pub(crate) fn random_token() -> Secret {
    let bytes: [u8; 32] = rand::rng().random();
    Secret::new(URL_SAFE_NO_PAD.encode(bytes))
}

/// The PKCE S256 challenge of a verifier.
pub(crate) fn pkce_challenge(verifier: &Secret) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()))
}

/// The authorize URL for the code flow with PKCE.
pub(crate) fn authorize_url(
    app: &OAuthApp,
    redirect_uri: &Url,
    state: &Secret,
    verifier: &Secret,
) -> Result<Url> {
    let mut url = app.endpoint(AUTHORIZE_PATH)?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &app.client_id)
        .append_pair("redirect_uri", redirect_uri.as_str())
        .append_pair("scope", &app.scope())
        .append_pair("state", state.expose())
        .append_pair("code_challenge", &pkce_challenge(verifier))
        .append_pair("code_challenge_method", "S256");
    Ok(url)
}

/// The most bytes of a token endpoint's answer that are read; real ones are under 1 KiB.
const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;

/// A token response body.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    refresh_token: Option<Secret>,
    expires_in: i64,
    #[serde(default)]
    scope: String,
}

/// An error response body.
#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Token requests to one application's instance.
#[derive(Debug, Clone)]
pub(crate) struct OAuthClient {
    http: reqwest::Client,
    app: OAuthApp,
}

impl OAuthClient {
    pub(crate) fn new(http: reqwest::Client, app: OAuthApp) -> Self {
        Self { http, app }
    }

    pub(crate) fn app(&self) -> &OAuthApp {
        &self.app
    }

    /// Exchanges an authorization code.
    pub(crate) async fn exchange_code(
        &self,
        code: &Secret,
        verifier: &Secret,
        redirect_uri: &Url,
    ) -> Result<Token> {
        self.request(&[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", verifier.expose()),
        ])
        .await
    }

    /// Trades a refresh token for a new pair.
    pub(crate) async fn refresh(&self, refresh_token: &Secret) -> Result<Token> {
        self.request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ])
        .await
    }

    /// A token for the application itself (read-only bots).
    pub(crate) async fn client_credentials(&self) -> Result<Token> {
        let scope = self.app.scope();
        self.request(&[("grant_type", "client_credentials"), ("scope", &scope)])
            .await
    }

    async fn request(&self, grant: &[(&str, &str)]) -> Result<Token> {
        let mut form: Vec<(&str, &str)> = vec![("client_id", &self.app.client_id)];
        if let Some(secret) = &self.app.client_secret {
            form.push(("client_secret", secret.expose()));
        }
        form.extend_from_slice(grant);
        let request = self.http.post(self.app.endpoint(TOKEN_PATH)?).form(&form);
        let response = send(request, "requesting a token").await?;
        let status = response.status();
        let body = read_body(
            response,
            MAX_TOKEN_RESPONSE_BYTES,
            "the token endpoint's answer",
        )
        .await?;
        if status.is_success() {
            let token: TokenResponse = serde_json::from_slice(&body)
                .map_err(|e| Error::http_caused("the token response is not OAuth JSON", e))?;
            return Ok(Token {
                access_token: token.access_token,
                refresh_token: token.refresh_token,
                scope: token.scope,
                expires_at: Utc::now() + TimeDelta::seconds(token.expires_in.max(0)),
            });
        }
        match serde_json::from_slice::<ErrorResponse>(&body) {
            // A server error is a fault to retry, not a verdict on the grant.
            Ok(refusal) if !status.is_server_error() => Err(Error::OAuth {
                error: refusal.error,
                description: refusal.error_description,
            }),
            _ => Err(Error::http(format!("the token endpoint answered {status}"))),
        }
    }
}
