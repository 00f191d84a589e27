//! The token endpoint's errors, status and text exactly as Glimesh's OAuth provider sends them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::protocol::{
    ACCESS_DENIED, INVALID_CLIENT, INVALID_GRANT, INVALID_REQUEST, INVALID_SCOPE,
    UNSUPPORTED_GRANT_TYPE,
};

/// One `{"error", "error_description"}` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) description: String,
}

fn error(status: StatusCode, error: &'static str, description: impl Into<String>) -> OAuthError {
    OAuthError {
        status,
        error,
        description: description.into(),
    }
}

impl OAuthError {
    pub(crate) fn no_grant_type() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "Request is not a valid OAuth request. Need a grant_type param.",
        )
    }

    pub(crate) fn unknown_grant_type() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "Request body validation failed. #/grant_type do match required pattern \
             /^(client_credentials|password|authorization_code|refresh_token)$/.",
        )
    }

    /// Required parameters that are absent, in the order the provider's schema lists them.
    pub(crate) fn missing(names: &[&str]) -> Self {
        let text = match names {
            [one] => {
                format!("Request body validation failed. Required property {one} is missing at #.")
            }
            many => format!(
                "Request body validation failed. Required properties {} are missing at #.",
                many.join(", ")
            ),
        };
        error(StatusCode::BAD_REQUEST, INVALID_REQUEST, text)
    }

    pub(crate) fn bad_client_secret() -> Self {
        error(
            StatusCode::UNAUTHORIZED,
            INVALID_CLIENT,
            "Invalid client_id or client_secret.",
        )
    }

    pub(crate) fn bad_redirect_uri() -> Self {
        error(
            StatusCode::UNAUTHORIZED,
            INVALID_CLIENT,
            "Invalid client_id or redirect_uri.",
        )
    }

    pub(crate) fn unsupported_grant_type() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            UNSUPPORTED_GRANT_TYPE,
            "Client do not support given grant type.",
        )
    }

    pub(crate) fn bad_code() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            INVALID_GRANT,
            "Given authorization code is invalid, revoked, or expired.",
        )
    }

    pub(crate) fn bad_refresh_token() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            INVALID_GRANT,
            "Given refresh token is invalid, revoked, or expired.",
        )
    }

    pub(crate) fn bad_scope() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            INVALID_SCOPE,
            "Given scopes are unknown or unauthorized.",
        )
    }

    pub(crate) fn pkce_missing() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "PKCE request invalid.",
        )
    }

    pub(crate) fn bad_code_verifier() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "Code verifier is invalid.",
        )
    }

    pub(crate) fn bad_code_challenge() -> Self {
        error(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "Code challenge is invalid.",
        )
    }

    pub(crate) fn access_denied() -> Self {
        error(
            StatusCode::FOUND,
            ACCESS_DENIED,
            "The resource owner or authorization server denied the request.",
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        (self.status, Json(body)).into_response()
    }
}
