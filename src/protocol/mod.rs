//! Glimesh's protocol facts: the paths of its endpoints, the OAuth scopes it knows, the error
//! texts it answers with, and the Phoenix frame codec of its socket ([`frame`]).
//!
//! Both sides speak from here: glimbot's client joins these paths to the configured base URL
//! and recognises these texts, and the emulator serves and answers with the same ones, so the
//! two cannot drift apart.
//!
//! ```
//! use glimbot::protocol::{GRAPH_PATH, SCOPES};
//!
//! assert_eq!(GRAPH_PATH, "/api/graph");
//! assert!(SCOPES.contains(&"chat"));
//! ```

pub mod frame;

use url::Url;

/// GraphQL over HTTP: `POST` (or `GET` for queries) with the token in `Authorization`.
pub const GRAPH_PATH: &str = "/api/graph";
/// The Phoenix socket that carries Absinthe subscriptions (`?vsn=2.0.0&token=…`).
pub const SOCKET_PATH: &str = "/api/graph/websocket";
/// The OAuth authorize page a person approves a login on.
pub const AUTHORIZE_PATH: &str = "/oauth/authorize";
/// The OAuth token endpoint: every grant type, form-encoded.
pub const TOKEN_PATH: &str = "/api/oauth/token";
/// The OAuth revocation endpoint (RFC 7009): 200 with an empty body, even for unknown tokens.
pub const REVOKE_PATH: &str = "/api/oauth/revoke";
/// The OAuth introspection endpoint (RFC 7662).
pub const INTROSPECT_PATH: &str = "/api/oauth/introspect";

/// Whether `url`'s host is this machine (`127.0.0.1`, `localhost` or `[::1]`): only there may
/// a redirect URI use plain http, and on any port (RFC 8252, sections 7.3 and 8.3).
pub fn is_loopback(url: &Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

/// Every OAuth scope Glimesh knows.
pub const SCOPES: [&str; 6] = [
    "public",
    "email",
    "chat",
    "streamkey",
    "follow",
    "stream_info",
];
/// The scope that lets an account send chat messages and moderate.
pub const CHAT_SCOPE: &str = "chat";

/// The 401 answer of `/api/graph` to a request without a usable `Authorization` header.
pub const NOT_LOGGED_IN: &str = "You must be logged in to access the api";
/// The 401 answer of `/api/graph` to a bearer token that is unknown, expired or revoked.
pub const INVALID_ACCESS_TOKEN: &str = "Given access token is invalid, revoked, or expired.";
/// The GraphQL error of a lookup that found nothing (also an id that is not a number).
pub const NOT_FOUND: &str = "Could not find resource";
/// The GraphQL error of a missing scope or permission.
pub const UNAUTHORIZED: &str = "unauthorized";
/// Absinthe's error for a document over its token limit.
pub const TOO_MANY_TOKENS: &str = "Token limit exceeded";
/// The longest chat message Glimesh accepts, in graphemes (`validate_length(:message, max: 255)`).
pub const MAX_MESSAGE_GRAPHEMES: usize = 255;
/// The highest complexity Glimesh runs over HTTP.
pub const MAX_COMPLEXITY: usize = 500;

/// Absinthe's error for an HTTP query above [`MAX_COMPLEXITY`], naming the operation if it
/// has a name.
pub fn too_complex(operation: Option<&str>, complexity: usize) -> String {
    let operation = match operation {
        Some(name) => format!("Operation {name}"),
        None => "Operation".to_owned(),
    };
    format!(
        "{operation} is too complex: complexity is {complexity} and maximum is {MAX_COMPLEXITY}"
    )
}

/// The OAuth error code of a login the person (or the provider) refused.
pub const ACCESS_DENIED: &str = "access_denied";
/// The OAuth error code of a code or refresh token that is invalid, revoked or expired.
pub const INVALID_GRANT: &str = "invalid_grant";
/// The OAuth error code of an unknown client or a wrong secret or redirect URI.
pub const INVALID_CLIENT: &str = "invalid_client";
/// The OAuth error code of a request that lacks or garbles a parameter.
pub const INVALID_REQUEST: &str = "invalid_request";
/// The OAuth error code of scopes the provider does not know or grant.
pub const INVALID_SCOPE: &str = "invalid_scope";
/// The OAuth error code of a grant type the client may not use.
pub const UNSUPPORTED_GRANT_TYPE: &str = "unsupported_grant_type";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_loopback() {
        let loopback = |text: &str| Url::parse(text).is_ok_and(|url| is_loopback(&url));
        for this_machine in [
            "http://127.0.0.1:8910/cb",
            "http://LOCALHOST/cb",
            "http://[::1]/",
        ] {
            assert!(loopback(this_machine), "{this_machine}");
        }
        for elsewhere in [
            "http://127.0.0.2/",
            "http://localhost.example.org/",
            "http://[::2]/",
        ] {
            assert!(!loopback(elsewhere), "{elsewhere}");
        }
    }
}
