//! The OAuth provider: `/oauth/authorize` (consent page), `/api/oauth/token`, `/revoke` and
//! `/introspect`, answering as Glimesh's provider does.

mod authorize;
mod consent;
pub(crate) mod errors;
mod token;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::protocol::SCOPES;
use crate::sim::Shared;
use crate::sim::grants::unix_now;
use errors::OAuthError;

pub(crate) use authorize::{authorize_answer, authorize_page};
pub(crate) use token::token;

/// Request parameters, merged from wherever the client put them.
type Params = HashMap<String, String>;

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).map(String::as_str)
}

/// Whether every scope of a space-separated list is one Glimesh knows.
fn scopes_are_known(scope: &str) -> bool {
    scope.split_whitespace().all(|s| SCOPES.contains(&s))
}

/// The parameters of a token, revoke or introspect request, wherever the client put them.
pub(crate) struct Merged(Params);

impl<S: Send + Sync> FromRequest<S> for Merged {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Query(query) = Query::<Params>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Merged(merged_params(query, &headers, &body)))
    }
}

/// Parameters from the query string, then the form or JSON body (the body wins), then the
/// client credentials of an HTTP Basic header where the parameters lack them.
fn merged_params(query: Params, headers: &HeaderMap, body: &[u8]) -> Params {
    let mut params = query;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(body) {
            for (key, value) in map {
                let text = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                params.insert(key, text);
            }
        }
    } else {
        params.extend(url::form_urlencoded::parse(body).into_owned());
    }
    if let Some((id, secret)) = basic_credentials(headers) {
        params.entry("client_id".to_owned()).or_insert(id);
        params.entry("client_secret".to_owned()).or_insert(secret);
    }
    params
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Phoenix's answer when no controller clause matches (the token action requires `client_id`).
fn bad_request() -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"errors": {"detail": "Bad Request"}})),
    )
        .into_response()
}

/// Authenticates the client of a revoke or introspect request.
fn client_of_request(sim: &Shared, params: &Params) -> Result<(), OAuthError> {
    let missing: Vec<&str> = ["client_id", "token"]
        .into_iter()
        .filter(|n| !params.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        return Err(OAuthError::missing(&missing));
    }
    let state = sim.store.lock();
    let app = state
        .grants
        .app(param(params, "client_id").unwrap_or_default());
    match app {
        Some(app) if Some(app.client_secret.as_str()) == param(params, "client_secret") => Ok(()),
        _ => Err(OAuthError::bad_client_secret()),
    }
}

/// `POST /api/oauth/revoke`: 200 with an empty body, also for unknown tokens.
pub(crate) async fn revoke(State(sim): State<Arc<Shared>>, Merged(params): Merged) -> Response {
    if let Err(refusal) = client_of_request(&sim, &params) {
        return refusal.into_response();
    }
    sim.store
        .lock()
        .grants
        .revoke(param(&params, "token").unwrap_or_default());
    StatusCode::OK.into_response()
}

/// `POST /api/oauth/introspect`.
pub(crate) async fn introspect(State(sim): State<Arc<Shared>>, Merged(params): Merged) -> Response {
    if let Err(refusal) = client_of_request(&sim, &params) {
        return refusal.into_response();
    }
    let state = sim.store.lock();
    let active = state
        .grants
        .find(param(&params, "token").unwrap_or_default())
        .filter(|row| row.is_active(unix_now()));
    let body = match active {
        None => json!({"active": false}),
        Some(row) => json!({
            "active": true,
            "client_id": row.client_id,
            "username": state.user(row.user_id).map(|u| u.username.clone()),
            "scope": row.scope,
            "sub": row.user_id,
            "iss": sim.base_url,
            "exp": row.expires_at,
            "iat": row.inserted_at,
        }),
    };
    Json(body).into_response()
}
