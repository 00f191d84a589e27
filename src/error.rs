//! The one error type of glimbot.

use std::path::PathBuf;

use crate::escape::Escaped;

/// Everything that can go wrong, with variants a caller can match on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is missing or wrong; `key` names it and `message` says the fix.
    #[error("config key `{key}`: {}", Escaped(.message))]
    Config {
        /// The key, e.g. `glimesh.base_url`.
        key: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The OAuth server refused a request (`invalid_grant`, `invalid_client`, …).
    #[error(
        "the OAuth server refused the request: {}: {}",
        Escaped(.error),
        Escaped(.description)
    )]
    OAuth {
        /// The OAuth error code.
        error: String,
        /// The server's description.
        description: String,
    },
    /// The login did not complete: denied, timed out, or the redirect was not valid.
    #[error("login failed: {}", Escaped(.0))]
    Login(String),
    /// The server refused the credentials even after refreshing and logging in again.
    #[error("not authorized: {}", Escaped(.0))]
    Auth(String),
    /// The GraphQL request ran and the server reported errors.
    #[error("GraphQL error: {}", Escaped(&.0.join("; ")))]
    GraphQl(Vec<String>),
    /// An HTTP request failed in transport, or the server answered with an unexpected status
    /// or with a body that does not parse.
    #[error("HTTP: {}", Escaped(.message))]
    Http {
        /// What failed; it ends with the text of `source`, so that one line tells it all.
        message: String,
        /// The transport or parse error underneath, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A server's answer was larger than glimbot reads; `what` names the answer.
    #[error("{what} is larger than {limit} bytes, more than glimbot reads")]
    TooLarge {
        /// The answer, e.g. "the API's answer".
        what: &'static str,
        /// The most bytes read.
        limit: usize,
    },
    /// A network operation did not finish in time.
    #[error("timed out while {0}")]
    Timeout(&'static str),
    /// The websocket failed or the server sent something that is not the protocol.
    #[error("socket: {}", Escaped(.0))]
    Socket(String),
    /// The server refused a subscription it will refuse again (a channel that does not exist,
    /// a document it does not accept): asking again cannot help.
    #[error("the server refused: {}", Escaped(.0))]
    Refused(String),
    /// The bot is shutting down, so the request was dropped; `0` says what did not happen.
    #[error("the bot is stopping: {0}")]
    Stopped(&'static str),
    /// A handler panicked; the bot caught it and carries on.
    #[error("a handler panicked: {}", Escaped(.0))]
    Panic(String),
    /// Reading or writing the token store failed.
    #[error("token store {}: {source}", path.display())]
    TokenStore {
        /// The file involved.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The state store cannot be opened or used; `message` says what is wrong and the fix.
    #[error("state store {}: {}", Escaped(&.path.display().to_string()), Escaped(.message))]
    State {
        /// The state file (`:memory:` for the in-memory store).
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl Error {
    /// Whether trying again later may succeed: transport failures and timeouts are; refusals
    /// (a bad configuration, a revoked grant, a denied login, a refused subscription, a GraphQL
    /// error) and a shutdown are not.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Http { .. } | Error::Timeout(_) | Error::Socket(_)
        )
    }

    /// An [`Error::Http`] with nothing underneath, such as an unexpected status.
    pub(crate) fn http(message: impl Into<String>) -> Self {
        Error::Http {
            message: message.into(),
            source: None,
        }
    }

    /// An [`Error::Http`] caused by `source`; `context` (may be empty) says what was going on.
    pub(crate) fn http_caused(
        context: &str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        let message = match context {
            "" => source.to_string(),
            context => format!("{context}: {source}"),
        };
        Error::Http {
            message,
            source: Some(Box::new(source)),
        }
    }
}

/// `Result` with glimbot's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transport_failures_and_timeouts_are_worth_retrying() {
        let retryable = [
            Error::http("the API answered 503 Service Unavailable"),
            Error::Timeout("requesting a token"),
            Error::Socket("connection reset".into()),
        ];
        let refusals = [
            Error::Refused("no channel 42".into()),
            Error::Stopped("the message was not sent"),
            Error::Login("the login was denied: no".into()),
            Error::OAuth {
                error: crate::protocol::INVALID_GRANT.into(),
                description: "revoked".into(),
            },
            Error::Auth("revoked".into()),
            Error::GraphQl(vec![crate::protocol::NOT_FOUND.into()]),
        ];
        for error in retryable {
            assert!(error.is_retryable(), "{error}");
        }
        for error in refusals {
            assert!(!error.is_retryable(), "{error}");
        }
    }

    #[test]
    fn a_failure_underneath_stays_reachable_as_the_source() {
        let Err(parse) = serde_json::from_str::<u8>("x") else {
            panic!("`x` parsed as a number");
        };
        let error = Error::http_caused("the API answer is not GraphQL JSON", parse);
        assert!(
            error
                .to_string()
                .starts_with("HTTP: the API answer is not GraphQL JSON: "),
            "{error}"
        );
        let source = std::error::Error::source(&error);
        assert!(
            source.is_some_and(|s| s.is::<serde_json::Error>()),
            "{error:?}"
        );

        let store = Error::TokenStore {
            path: "token.json".into(),
            source: std::io::Error::other("disk full"),
        };
        let source = std::error::Error::source(&store);
        assert!(
            source.is_some_and(|s| s.is::<std::io::Error>()),
            "{store:?}"
        );
    }
}
