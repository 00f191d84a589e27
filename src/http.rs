//! The HTTP client every request goes through: bounded in time and in size, and its errors
//! never carry a URL.

use std::time::Duration;

use crate::error::{Error, Result};

/// How long one HTTP request may take, connection and body included.
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
        .map_err(|e| Error::http_caused("", e.without_url()))
}

/// Sends a request; `doing` names the operation in a timeout error ("requesting a token").
///
/// URLs are left out of errors because a socket URL can carry a token in its query.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    doing: &'static str,
) -> Result<reqwest::Response> {
    request.send().await.map_err(|e| failure(e, doing))
}

/// The body of `response`, refused once it passes `limit` bytes; `what` names it in that error
/// ("the API's answer").
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    what: &'static str,
) -> Result<Vec<u8>> {
    let too_large = || Error::TooLarge { what, limit };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| failure(e, "reading an answer"))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn failure(error: reqwest::Error, doing: &'static str) -> Error {
    if error.is_timeout() {
        Error::Timeout(doing)
    } else {
        Error::http_caused("", error.without_url())
    }
}
