//! The interactive login: the authorization-code flow with PKCE.
//!
//! The authorize URL is printed on its own line (and opened in a browser when there is one);
//! the redirect is caught on a loopback listener when the redirect URI is loopback, otherwise
//! the person pastes the URL they were sent to.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use url::Url;

use crate::auth::oauth::{OAuthClient, authorize_url, random_token};
use crate::auth::token::Token;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// How long one connection to the loopback listener may take to send its request.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest redirect request the listener reads.
const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// How the authorize URL reaches the person who logs in.
#[derive(Clone, Default)]
pub enum Browser {
    /// Print the URL and open it in the default browser when there is a display.
    #[default]
    System,
    /// Only print the URL.
    Off,
    /// Hand the URL to this function, which acts as the person at the browser.
    With(Arc<dyn Fn(Url) + Send + Sync>),
}

impl fmt::Debug for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Browser::System => "System",
            Browser::Off => "Off",
            Browser::With(_) => "With(..)",
        })
    }
}

impl Browser {
    fn open(&self, url: &Url) {
        if let Browser::With(open) = self {
            return open(url.clone());
        }
        eprintln!("To log in to Glimesh, open this address in a browser and approve the bot:");
        eprintln!("{url}");
        match self {
            Browser::Off | Browser::With(_) => {}
            Browser::System if has_display() => {
                if let Err(e) = webbrowser::open(url.as_str()) {
                    tracing::debug!(error = %e, "could not open a browser");
                }
            }
            Browser::System => {}
        }
    }
}

/// Whether a graphical browser could show a page; without one, opening would start a text
/// browser in the terminal the bot runs in.
fn has_display() -> bool {
    if cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd"
    )) {
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    } else {
        true
    }
}

/// Runs the code flow to the end: a new token, or why not.
pub(crate) async fn login(
    client: &OAuthClient,
    browser: &Browser,
    timeout: Duration,
) -> Result<Token> {
    let state = random_token();
    let verifier = random_token();
    let mut redirect_uri = client.app().redirect_uri.clone();
    let listener = match is_loopback(&redirect_uri) {
        true => Some(bind(&mut redirect_uri).await?),
        false => None,
    };
    browser.open(&authorize_url(
        client.app(),
        &redirect_uri,
        &state,
        &verifier,
    )?);
    let code = match listener {
        Some(listener) => {
            let path = redirect_uri.path().to_owned();
            within(timeout, wait_for_code(listener, path, state)).await?
        }
        None => {
            eprintln!("Then paste here the address the browser was sent to (or just the code):");
            within(timeout, read_pasted_code(&state)).await?
        }
    };
    tracing::info!("login approved; exchanging the code for a token");
    client.exchange_code(&code, &verifier, &redirect_uri).await
}

async fn within<T>(limit: Duration, work: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(limit, work).await.map_err(|_| {
        Error::Login(format!(
            "no login within {} s; run the bot again to retry",
            limit.as_secs()
        ))
    })?
}

fn is_loopback(uri: &Url) -> bool {
    uri.scheme() == "http" && matches!(uri.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

/// Listens where the redirect URI points; port 0 becomes the port the system picked.
async fn bind(uri: &mut Url) -> Result<TcpListener> {
    let host = match uri.host_str() {
        Some("[::1]") => "::1",
        Some("localhost") | None => "127.0.0.1",
        Some(host) => host,
    };
    let port = uri.port_or_known_default().unwrap_or(80);
    let listener = TcpListener::bind((host, port)).await.map_err(|e| {
        Error::Login(format!(
            "cannot listen on {host}:{port} for the login redirect ({e}); \
             free that port or pick another in glimesh.redirect_uri (and register it with the app)"
        ))
    })?;
    if port == 0 {
        let port = listener
            .local_addr()
            .map_err(|e| Error::Login(e.to_string()))?
            .port();
        let _ = uri.set_port(Some(port));
    }
    Ok(listener)
}

/// What one request to the loopback listener turned out to be.
#[derive(Debug)]
enum Callback {
    Code(Secret),
    Refused { error: String, description: String },
    WrongState,
    Other,
}

impl Callback {
    fn from_query(url: &Url, state: &Secret) -> Self {
        let get = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let given_state = get("state");
        if let Some(error) = get("error") {
            // Glimesh leaves `state` out of error redirects, so only a wrong one is refused.
            if given_state.is_some_and(|s| s != state.expose()) {
                return Callback::WrongState;
            }
            return Callback::Refused {
                error,
                description: get("error_description").unwrap_or_default(),
            };
        }
        match (get("code"), given_state) {
            (Some(code), Some(given)) if given == state.expose() => {
                Callback::Code(Secret::new(code))
            }
            (Some(_), _) => Callback::WrongState,
            (None, _) => Callback::Other,
        }
    }

    fn page(&self) -> (&'static str, &'static str) {
        match self {
            Callback::Code(_) => ("200 OK", "Logged in. You can close this tab."),
            Callback::Refused { .. } => (
                "200 OK",
                "The login was not approved. You can close this tab.",
            ),
            Callback::WrongState => (
                "400 Bad Request",
                "This login link is not the one the bot is waiting for. Use the newest link it printed.",
            ),
            Callback::Other => ("404 Not Found", "Nothing here."),
        }
    }

    fn into_outcome(self) -> Option<Result<Secret>> {
        match self {
            Callback::Code(code) => Some(Ok(code)),
            Callback::Refused { error, description } if error == "access_denied" => Some(Err(
                Error::Login(format!("the login was denied: {description}")),
            )),
            Callback::Refused { error, description } => {
                Some(Err(Error::OAuth { error, description }))
            }
            Callback::WrongState => {
                tracing::warn!(
                    "refused a login redirect whose state does not match; still waiting"
                );
                None
            }
            Callback::Other => None,
        }
    }
}

/// Serves the loopback listener until a redirect with the right state (or a refusal) arrives.
/// Each connection is served on its own, so a browser's idle pre-connections block nothing.
async fn wait_for_code(listener: TcpListener, path: String, state: Secret) -> Result<Secret> {
    let state = Arc::new(state);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = accepted.map_err(|e| Error::Login(format!("the login listener failed: {e}")))?;
                connections.spawn(serve_callback(stream, path.clone(), Arc::clone(&state)));
            }
            Some(done) = connections.join_next() => {
                if let Ok(Some(outcome)) = done.map(Callback::into_outcome) {
                    return outcome;
                }
            }
        }
    }
}

async fn serve_callback(mut stream: TcpStream, path: String, state: Arc<Secret>) -> Callback {
    let callback = match tokio::time::timeout(REQUEST_READ_TIMEOUT, read_target(&mut stream)).await
    {
        Ok(Some(target)) => {
            match Url::parse("http://localhost").and_then(|base| base.join(&target)) {
                Ok(url) if url.path() == path => Callback::from_query(&url, &state),
                _ => Callback::Other,
            }
        }
        _ => Callback::Other,
    };
    let (status, text) = callback.page();
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>glimbot</title></head><body><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    callback
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

/// Reads pasted lines until one holds a code for this login.
async fn read_pasted_code(state: &Secret) -> Result<Secret> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines
        .next_line()
        .await
        .map_err(|e| Error::Login(e.to_string()))?
    {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Ok(url) = Url::parse(line) else {
            return Ok(Secret::new(line));
        };
        match Callback::from_query(&url, state).into_outcome() {
            Some(outcome) => return outcome,
            None => eprintln!("That address holds no code for this login; paste the newest one."),
        }
    }
    Err(Error::Login(
        "the terminal closed before a code was pasted".into(),
    ))
}
