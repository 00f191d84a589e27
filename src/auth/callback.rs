//! The loopback listener that catches the login redirect, and the page the browser is shown.
//!
//! Only a redirect carrying this login's `state` counts; anything else, whatever it says, is
//! answered and ignored, so no other page can end or steer the login. The browser that brought
//! the code waits for the exchange, so its page tells the real outcome.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use url::Url;

use crate::error::{Error, Result};
use crate::escape::Html;
use crate::protocol::ACCESS_DENIED;
use crate::secret::Secret;

/// How long one connection to the loopback listener may take to send its request, or to take
/// its page.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest redirect request the listener reads.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// How long the listener waits after a failed accept (out of file descriptors, say).
const ACCEPT_PAUSE: Duration = Duration::from_millis(250);

/// What one redirect turned out to be.
#[derive(Debug)]
pub(super) enum Callback {
    Code(Secret),
    Refused { error: String, description: String },
    WrongState,
    Other,
}

impl Callback {
    /// Reads a redirect URL. Without this login's `state` it is `WrongState`, whatever else
    /// it carries: Glimesh leaves `state` out of its error redirects, so a refusal without it
    /// cannot be told from one forged by any local page.
    pub(super) fn from_query(url: &Url, state: &Secret) -> Self {
        let get = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if get("state").as_deref() != Some(state.expose()) {
            return Callback::WrongState;
        }
        if let Some(error) = get("error") {
            let description = get("error_description").unwrap_or_default();
            return Callback::Refused { error, description };
        }
        match get("code") {
            Some(code) => Callback::Code(Secret::new(code)),
            None => Callback::Other,
        }
    }

    /// What the login makes of it: a code, a refusal that ends it, or nothing (keep waiting).
    pub(super) fn into_outcome(self) -> Option<Result<Secret>> {
        match self {
            Callback::Code(code) => Some(Ok(code)),
            Callback::Refused { error, description } if error == ACCESS_DENIED => Some(Err(
                Error::Login(format!("the login was denied: {description}")),
            )),
            Callback::Refused { error, description } => {
                Some(Err(Error::OAuth { error, description }))
            }
            Callback::WrongState => {
                tracing::warn!(
                    "ignored a request to the login address that does not carry this login's \
                     state; still waiting"
                );
                None
            }
            Callback::Other => None,
        }
    }
}

/// The browser that brought the code, waiting to be told how the login ended.
pub(super) struct Approver(TcpStream);

impl Approver {
    /// Shows the browser the outcome of the code exchange.
    pub(super) async fn tell<T>(mut self, outcome: &Result<T>) {
        let page = match outcome {
            Ok(_) => page("200 OK", "Logged in. You can close this tab."),
            Err(error) => page(
                "502 Bad Gateway",
                &format!(
                    "The login failed: {}. Run the bot again to retry.",
                    Html(&error.to_string())
                ),
            ),
        };
        respond(&mut self.0, &page).await;
    }
}

/// Serves the loopback listener until a redirect with this login's state brings a code (or a
/// refusal): returns the code and the browser that brought it. Each connection is served on its own, so a browser's idle pre-connections block
/// nothing; a failed accept (no file descriptor left, say) is waited out, not fatal.
pub(super) async fn wait_for_code(
    listener: TcpListener,
    path: String,
    state: Secret,
) -> Result<(Secret, Approver)> {
    let state = Arc::new(state);
    let mut connections = JoinSet::new();
    let mut accept_failed = false;
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve(stream, path.clone(), Arc::clone(&state)));
                }
                // Said once per login: while descriptors run short, accepts fail by the dozen.
                Err(error) => {
                    if !accept_failed {
                        tracing::warn!(%error, "the login listener cannot take a connection now; still listening");
                    } else {
                        tracing::debug!(%error, "the login listener still cannot take a connection");
                    }
                    accept_failed = true;
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                }
            },
            Some(Ok((callback, browser))) = connections.join_next() => {
                match callback.into_outcome() {
                    Some(Ok(code)) => return Ok((code, Approver(browser))),
                    Some(Err(refusal)) => return Err(refusal),
                    None => {}
                }
            }
        }
    }
}

/// Reads one request and answers it, except a code, whose browser waits for the exchange.
async fn serve(mut stream: TcpStream, path: String, state: Arc<Secret>) -> (Callback, TcpStream) {
    let target = tokio::time::timeout(REQUEST_TIMEOUT, read_target(&mut stream)).await;
    let callback = match target {
        Ok(Some(target)) => {
            match Url::parse("http://localhost").and_then(|base| base.join(&target)) {
                Ok(url) if url.path() == path => Callback::from_query(&url, &state),
                _ => Callback::Other,
            }
        }
        _ => Callback::Other,
    };
    let page = match &callback {
        Callback::Code(_) => return (callback, stream),
        Callback::Refused { error, description } => page(
            "200 OK",
            &format!(
                "The login was not approved ({}: {}). You can close this tab.",
                Html(error),
                Html(description)
            ),
        ),
        Callback::WrongState => page(
            "400 Bad Request",
            "This is not the answer the bot is waiting for, so it was ignored. \
             Use the newest login link the bot printed.",
        ),
        Callback::Other => page("404 Not Found", "Nothing here."),
    };
    respond(&mut stream, &page).await;
    (callback, stream)
}

/// A whole HTTP response holding `text` (already HTML) as a page.
fn page(status: &str, text: &str) -> String {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>glimbot</title></head><body><p>{text}</p></body></html>"
    );
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

async fn respond(stream: &mut TcpStream, response: &str) {
    let sent = async {
        stream.write_all(response.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(REQUEST_TIMEOUT, sent).await;
}

/// The request target of one HTTP request, e.g. `/callback?code=…&state=…`.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while buffer.len() < MAX_REQUEST_BYTES {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buffer) {
            Ok(httparse::Status::Complete(_)) => return request.path.map(str::to_owned),
            Ok(httparse::Status::Partial) => continue,
            Err(_) => return None,
        }
    }
    None
}
