//! The interactive login: the authorization-code flow with PKCE.
//!
//! The authorize URL is printed on its own line (and opened in a browser when there is one);
//! the redirect is caught on a loopback listener when the redirect URI is loopback, otherwise
//! the person pastes the URL they were sent to.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use url::Url;

use crate::auth::callback::{Callback, wait_for_code};
use crate::auth::oauth::{OAuthClient, authorize_url, random_token};
use crate::auth::token::Token;
use crate::error::{Error, Result};
use crate::protocol;
use crate::secret::Secret;

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
    let (code, approver) = match listener {
        Some(listener) => {
            let path = redirect_uri.path().to_owned();
            let (code, approver) = within(timeout, wait_for_code(listener, path, state)).await?;
            (code, Some(approver))
        }
        None => {
            eprintln!("Then paste here the address the browser was sent to (or just the code):");
            (within(timeout, read_pasted_code(&state)).await?, None)
        }
    };
    tracing::info!("login approved; exchanging the code for a token");
    let token = client.exchange_code(&code, &verifier, &redirect_uri).await;
    if let Some(approver) = approver {
        approver.tell(&token).await;
    }
    token
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
    uri.scheme() == "http" && protocol::is_loopback(uri)
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
