//! The OAuth provider: `/oauth/authorize` (consent page), `/api/oauth/token`, `/revoke` and
//! `/introspect`, answering as Glimesh's provider does.

mod consent;
pub(crate) mod errors;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::DateTime;
use serde_json::json;
use sha2::{Digest, Sha256};
use url::Url;

use crate::protocol::SCOPES;
use crate::sim::Shared;
use crate::sim::grants::{CODE_TTL_SECS, Code, GrantType, TokenRow, unix_now};
use errors::OAuthError;

/// Request parameters, merged from wherever the client put them.
type Params = HashMap<String, String>;

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).map(String::as_str)
}

/// Whether every scope of a space-separated list is one Glimesh knows.
fn scopes_are_known(scope: &str) -> bool {
    scope.split_whitespace().all(|s| SCOPES.contains(&s))
}

/// `GET /oauth/authorize`: the consent page, or at once a code when the emulator auto-approves.
pub(crate) async fn authorize_page(
    State(sim): State<Arc<Shared>>,
    Query(params): Query<Params>,
) -> Response {
    sim.store.lock().stats.authorize_requests += 1;
    let request = match check_authorize(&sim, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    match sim.auto_approve {
        Some(user_id) => approve(&sim, &request, user_id),
        None => {
            let users: Vec<(u64, String)> = {
                let state = sim.store.lock();
                state
                    .users
                    .iter()
                    .map(|u| (u.id, u.username.clone()))
                    .collect()
            };
            Html(consent::page(&params, &users)).into_response()
        }
    }
}

/// `POST /oauth/authorize`: the consent form's answer, `action=authorize` or `action=deny`.
pub(crate) async fn authorize_answer(
    State(sim): State<Arc<Shared>>,
    axum::Form(params): axum::Form<Params>,
) -> Response {
    sim.store.lock().stats.authorize_requests += 1;
    let request = match check_authorize(&sim, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    if param(&params, "action") != Some("authorize") {
        return redirect_error(&request.redirect_uri, &OAuthError::access_denied());
    }
    let user_id = param(&params, "user_id").and_then(|id| id.parse().ok());
    let known = user_id.filter(|&id| sim.store.lock().user(id).is_some());
    match known {
        Some(user_id) => approve(&sim, &request, user_id),
        None => error_page(StatusCode::BAD_REQUEST, "Pick the account to sign in as."),
    }
}

/// An authorize request that passed the checks.
struct AuthorizeRequest {
    client_id: String,
    redirect_uri: Url,
    scope: String,
    state: Option<String>,
    code_challenge: Option<(String, String)>,
}

fn check_authorize(sim: &Shared, params: &Params) -> Result<AuthorizeRequest, Response> {
    let Some(client_id) = param(params, "client_id") else {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "Missing client_id from the request.",
        ));
    };
    let redirect = param(params, "redirect_uri").unwrap_or_default();
    let allowed = sim
        .store
        .lock()
        .grants
        .app(client_id)
        .is_some_and(|app| app.allows_redirect(redirect));
    let redirect_uri = match Url::parse(redirect) {
        Ok(url) if allowed => url,
        _ => {
            return Err(error_page(
                StatusCode::UNAUTHORIZED,
                "Invalid client_id or redirect_uri.",
            ));
        }
    };
    if param(params, "response_type") != Some("code") {
        let refusal = OAuthError::missing(&["response_type"]);
        return Err(redirect_error(&redirect_uri, &refusal));
    }
    let scope = param(params, "scope").unwrap_or_default();
    if !scopes_are_known(scope) {
        return Err(redirect_error(&redirect_uri, &OAuthError::bad_scope()));
    }
    let challenge = param(params, "code_challenge").filter(|c| !c.is_empty());
    let method = param(params, "code_challenge_method").unwrap_or("plain");
    if sim.pkce && challenge.is_none() {
        return Err(redirect_error(&redirect_uri, &OAuthError::pkce_missing()));
    }
    if challenge.is_some() && !matches!(method, "plain" | "S256") {
        return Err(redirect_error(
            &redirect_uri,
            &OAuthError::bad_code_challenge(),
        ));
    }
    Ok(AuthorizeRequest {
        client_id: client_id.to_owned(),
        redirect_uri,
        scope: scope.split_whitespace().collect::<Vec<_>>().join(" "),
        state: param(params, "state")
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        code_challenge: challenge.map(|c| (c.to_owned(), method.to_owned())),
    })
}

fn approve(sim: &Shared, request: &AuthorizeRequest, user_id: u64) -> Response {
    let code = sim.store.lock().grants.issue_code(Code {
        client_id: request.client_id.clone(),
        user_id,
        redirect_uri: request.redirect_uri.to_string(),
        scope: request.scope.clone(),
        code_challenge: request.code_challenge.clone(),
        expires_at: unix_now() + CODE_TTL_SECS,
    });
    let mut url = request.redirect_uri.clone();
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("code", &code);
        query.append_pair("expires_in", &CODE_TTL_SECS.to_string());
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
    }
    found(&url)
}

/// Phoenix's `redirect(external: …)`: a 302.
fn found(url: &Url) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, url.as_str())]).into_response()
}

/// Glimesh's error redirect: `?error=…&error_description=…`, without `state`.
fn redirect_error(redirect_uri: &Url, refusal: &OAuthError) -> Response {
    let mut url = redirect_uri.clone();
    url.query_pairs_mut()
        .append_pair("error", refusal.error)
        .append_pair("error_description", &refusal.description);
    found(&url)
}

fn error_page(status: StatusCode, text: &str) -> Response {
    (status, Html(consent::error_page(text))).into_response()
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

/// `POST /api/oauth/token`.
pub(crate) async fn token(
    State(sim): State<Arc<Shared>>,
    Query(query): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = merged_params(query, &headers, &body);
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
pub(crate) async fn revoke(
    State(sim): State<Arc<Shared>>,
    Query(query): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = merged_params(query, &headers, &body);
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
pub(crate) async fn introspect(
    State(sim): State<Arc<Shared>>,
    Query(query): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = merged_params(query, &headers, &body);
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
