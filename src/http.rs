//! The HTTP client every request goes through: bounded in time, and its errors never carry a URL.

use std::time::Duration;

use crate::error::{Error, Result};

/// How long one HTTP request may take, connection included.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client with glimbot's timeouts.
pub(crate) fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("glimbot/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Http(e.without_url().to_string()))
}

/// Sends a request; `doing` names the operation in a timeout error ("requesting a token").
///
/// URLs are left out of errors because a socket URL can carry a token in its query.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    doing: &'static str,
) -> Result<reqwest::Response> {
    request.send().await.map_err(|e| {
        if e.is_timeout() {
            Error::Timeout(doing)
        } else {
            Error::Http(e.without_url().to_string())
        }
    })
}
