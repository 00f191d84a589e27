//! The flood source: a helper process that plays a Glimesh instance just well enough for a bot
//! to start, then writes chat-message pushes as fast as the socket takes them, so that what is
//! measured is the client.
//!
//! Each socket gets the replies to its join and subscriptions, then `events` pushes with ids
//! 1, 2, 3, … spread round-robin over the chat topics of `channels` channels, concatenated into
//! large buffers. After that it reads (and drops) what the client sends until it closes. The
//! flood never reads the client's frames, and answers no heartbeat: clients keep theirs longer
//! than a run.

mod frames;
mod http;

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};

use crate::helper::{self, Helper};
pub(crate) use frames::{TOPICS_PER_CHANNEL, subscription_id};
pub(crate) use http::channel_name;

/// The helper role that runs a flood.
pub(crate) const ROLE: &str = "flood";
/// Pushes are written in buffers of at least this size.
const WRITE_SIZE: usize = 256 * 1024;

/// What a flood sends on every socket.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    pub(crate) channels: usize,
    pub(crate) events: u64,
}

/// A running flood process.
pub(crate) struct Flood {
    spec: Spec,
    port: u16,
    _process: Helper,
}

impl Flood {
    pub(crate) fn start(spec: Spec) -> Self {
        let args = [spec.channels.to_string(), spec.events.to_string()];
        let mut process = Helper::spawn(ROLE, &args);
        helper::pin_flood(process.id());
        let port = process.line().parse().expect("the flood's port");
        Self {
            spec,
            port,
            _process: process,
        }
    }

    pub(crate) fn spec(&self) -> Spec {
        self.spec
    }

    /// The instance's base URL, for a bot's configuration.
    pub(crate) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The socket's URL, for a bare reader.
    pub(crate) fn socket_url(&self) -> String {
        format!("ws://127.0.0.1:{}/api/graph/websocket?vsn=2.0.0", self.port)
    }
}

/// The size of the pushes' text frames around the middle of a run (7-digit ids).
pub(crate) fn push_bytes() -> usize {
    frames::Push::new(0).len(7)
}

/// The flood process: `--role flood CHANNELS EVENTS`. Prints its port, serves until the parent
/// closes its stdin.
pub(crate) fn serve(args: &[String]) {
    let number = |i: usize| -> u64 {
        args.get(i)
            .and_then(|a| a.parse().ok())
            .expect("flood arguments: CHANNELS EVENTS")
    };
    let spec = Spec {
        channels: number(0) as usize,
        events: number(1),
    };
    helper::exit_with_parent();
    crate::measure::current_thread_runtime().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the flood");
        let port = listener.local_addr().expect("the flood's address").port();
        helper::answer(&port.to_string());
        let pushes: Arc<[frames::Push]> = (0..spec.channels)
            .map(|channel| frames::Push::new(channel * TOPICS_PER_CHANNEL))
            .collect();
        loop {
            let (stream, _) = listener.accept().await.expect("accepting a client");
            let _ = stream.set_nodelay(true);
            tokio::spawn(connection(stream, spec, Arc::clone(&pushes)));
        }
    });
}

/// One client connection: GraphQL requests until it upgrades to a socket.
async fn connection(mut stream: TcpStream, spec: Spec, pushes: Arc<[frames::Push]>) {
    let mut buffer = Vec::new();
    while let Ok(Some(request)) = http::read_request(&mut stream, &mut buffer).await {
        let answer = match request {
            http::Request::Graph(body) => http::graph_response(&body),
            http::Request::Other => http::not_found(),
            http::Request::Upgrade(key) => {
                if stream
                    .write_all(&http::upgrade_response(&key))
                    .await
                    .is_ok()
                {
                    socket(stream, spec, &pushes).await;
                }
                return;
            }
        };
        if stream.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// The socket: the flood, while what the client sends is read and dropped.
async fn socket(stream: TcpStream, spec: Spec, pushes: &[frames::Push]) {
    let (mut from_client, mut to_client) = stream.into_split();
    let drain = tokio::spawn(async move {
        let mut sink = vec![0; 64 * 1024];
        while from_client.read(&mut sink).await.is_ok_and(|n| n > 0) {}
    });
    // A client that stops reading early ends the flood with an error; that is its right. One
    // that has read everything is left open until it closes: a closed socket would make a bot
    // reconnect.
    if write_pushes(&mut to_client, spec, pushes).await.is_ok() {
        let _ = drain.await;
    } else {
        drain.abort();
    }
}

async fn write_pushes(
    out: &mut OwnedWriteHalf,
    spec: Spec,
    pushes: &[frames::Push],
) -> std::io::Result<()> {
    let mut buffer = frames::replies(spec.channels);
    buffer.reserve(WRITE_SIZE + 1024);
    for id in 1..=spec.events {
        pushes[(id - 1) as usize % pushes.len()].write(&mut buffer, id);
        if buffer.len() >= WRITE_SIZE {
            out.write_all(&buffer).await?;
            buffer.clear();
        }
    }
    out.write_all(&buffer).await
}
