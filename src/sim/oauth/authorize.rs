//! `/oauth/authorize`: the consent page a person approves a login on, and its answer.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use crate::sim::Shared;
use crate::sim::grants::{CODE_TTL_SECS, Code, unix_now};
use crate::sim::oauth::errors::OAuthError;
use crate::sim::oauth::{Params, consent, param, scopes_are_known};

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
