//! The socket's life: connect, serve the connection ([`serve`](super::serve)), and reconnect
//! with backoff for as long as the bot runs.

use std::sync::Arc;
use std::time::Duration;

use tokio_tungstenite::tungstenite;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use url::Url;

use crate::auth::Credentials;
use crate::backoff::Backoff;
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::protocol::SOCKET_PATH;
use crate::socket::delivery::{Deliver, Subscriptions};
use crate::socket::serve::Connection;
use crate::socket::session::Session;

/// How long connecting (TCP, TLS and the upgrade) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the socket behaves.
#[derive(Debug, Clone)]
pub(crate) struct SocketOptions {
    /// The instance's base URL.
    pub(crate) base_url: Url,
    /// How often to send a heartbeat; the server drops sockets silent for 60 s.
    pub(crate) heartbeat: Duration,
    /// Where the socket counts its connections.
    pub(crate) metrics: Metrics,
}

/// How one connection ended.
pub(super) enum Ended {
    Stopped,
    Rejected,
    Lost(String),
    /// The server refused the join or a subscription.
    Refused(String),
}

/// Keeps a socket subscribed to `subscriptions` until `stop` is cancelled, handing what it
/// receives to `out`.
///
/// A refused upgrade replaces the token once; the replacement refused too means the server
/// refuses for another reason, so the socket only waits before trying again.
///
/// # Errors
/// When the server refuses a subscription before every topic was ever subscribed, or the
/// credentials cannot be renewed.
pub(crate) async fn run<S: Subscriptions>(
    options: SocketOptions,
    credentials: Arc<Credentials>,
    subscriptions: Arc<S>,
    mut out: impl Deliver<S::Event>,
    stop: CancellationToken,
) -> Result<()> {
    let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(30));
    let mut url = socket_url(&options.base_url)?;
    let shown = url.clone();
    // Whether every topic was subscribed once: after that, a refusal is not a configuration
    // mistake but the server's trouble, and worth waiting out.
    let mut subscribed_before = false;
    // The token given in place of one the socket refused, until a socket accepts it.
    let mut replacement = None;
    let mut connected_before = false;
    loop {
        let token = match credentials.access_token().await {
            Ok(token) => token,
            Err(e) if e.is_retryable() => {
                tracing::warn!(error = %e, "cannot get a token for the socket; trying again");
                if pause(&stop, backoff.next_delay()).await {
                    return Ok(());
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        url.query_pairs_mut()
            .clear()
            .append_pair("vsn", "2.0.0")
            .append_pair("token", token.expose());
        let ended = tokio::select! {
            _ = stop.cancelled() => Ended::Stopped,
            ended = connect(&url) => match ended {
                Ok(socket) => {
                    tracing::info!(url = %shown, "socket connected");
                    options.metrics.socket_connected();
                    if connected_before {
                        options.metrics.reconnected();
                    }
                    connected_before = true;
                    replacement = None;
                    let mut connection = Connection {
                        session: Session::new(Arc::clone(&subscriptions)),
                        out: &mut out,
                        stop: &stop,
                        options: &options,
                        subscribed: false,
                    };
                    let span = tracing::info_span!("socket", url = %shown);
                    let ended = connection.serve(socket, &mut backoff).instrument(span).await;
                    subscribed_before |= connection.subscribed;
                    options.metrics.socket_lost();
                    ended
                }
                Err(ended) => ended,
            },
        };
        match ended {
            Ended::Stopped => return Ok(()),
            Ended::Rejected if replacement.as_ref() == Some(&token) => {
                tracing::warn!("the socket refused the replaced token too; waiting to try again");
            }
            Ended::Rejected => {
                tracing::warn!("the socket refused the token; replacing it");
                match credentials.rejected(&token).await {
                    Ok(fresh) => replacement = Some(fresh),
                    Err(e) if e.is_retryable() => {
                        tracing::warn!(error = %e, "cannot replace the token yet; trying again");
                    }
                    Err(e) => return Err(e),
                }
            }
            Ended::Lost(reason) => tracing::warn!(%reason, "socket lost; reconnecting"),
            Ended::Refused(reason) if subscribed_before => {
                tracing::warn!(%reason, "the server refused what it accepted before; trying again");
            }
            Ended::Refused(reason) => return Err(Error::Refused(reason)),
        }
        if pause(&stop, backoff.next_delay()).await {
            return Ok(());
        }
    }
}

/// Sleeps, unless stopped first: then returns true.
async fn pause(stop: &CancellationToken, delay: Duration) -> bool {
    tokio::select! {
        _ = stop.cancelled() => true,
        _ = tokio::time::sleep(delay) => false,
    }
}

fn socket_url(base_url: &Url) -> Result<Url> {
    let mut url = base_url.join(SOCKET_PATH).map_err(|e| Error::Config {
        key: "glimesh.base_url".into(),
        message: format!("cannot form the socket URL: {e}"),
    })?;
    let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
    url.set_scheme(scheme).map_err(|()| Error::Config {
        key: "glimesh.base_url".into(),
        message: "use an http or https URL".into(),
    })?;
    Ok(url)
}

pub(super) type WebSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the socket. The URL holds the token, so it never reaches a log or an error.
async fn connect(url: &Url) -> Result<WebSocket, Ended> {
    match tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_tungstenite::connect_async(url.as_str()),
    )
    .await
    {
        Err(_) => Err(Ended::Lost("connecting timed out".into())),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) if response.status() == 403 => {
            Err(Ended::Rejected)
        }
        Ok(Err(tungstenite::Error::Http(response))) => Err(Ended::Lost(format!(
            "the upgrade was answered {}",
            response.status()
        ))),
        Ok(Err(e)) => Err(Ended::Lost(format!("cannot connect: {}", describe(&e)))),
    }
}

/// An error's text without any URL it may carry.
pub(super) fn describe(error: &tungstenite::Error) -> String {
    match error {
        tungstenite::Error::Io(e) => e.to_string(),
        tungstenite::Error::Url(_) => "the socket URL is not valid".into(),
        other => other.to_string(),
    }
}
