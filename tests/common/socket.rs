//! A bare client of the emulator's socket: connect, send a frame, read the next one.

use futures_util::{SinkExt, StreamExt};
use glimbot::sim::Sim;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::WAIT;

/// A subscription to a channel's chat, with the fields a bot reads.
pub const CHAT_SUBSCRIPTION: &str =
    "subscription($id: ID) { chatMessage(channelId: $id) { id message user { username } } }";

/// A socket to the emulator.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The emulator's socket URL with `query`.
pub fn socket_url(sim: &Sim, query: &str) -> String {
    format!(
        "{}/api/graph/websocket?{query}",
        sim.url().replacen("http", "ws", 1)
    )
}

/// A socket to the emulator, opened with `query`.
pub async fn connect(sim: &Sim, query: &str) -> Socket {
    tokio_tungstenite::connect_async(socket_url(sim, query))
        .await
        .unwrap()
        .0
}

/// Sends `frame` as a text frame.
pub async fn send(socket: &mut Socket, frame: Value) {
    socket.send(Message::text(frame.to_string())).await.unwrap();
}

/// The next text frame, as JSON.
pub async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(WAIT, socket.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// A V2 socket of the seeded application (no user), joined to the control channel.
pub async fn joined_as_the_app(sim: &Sim) -> Socket {
    let query = format!("vsn=2.0.0&client_id={}", sim.info().client_id);
    let mut socket = connect(sim, &query).await;
    send(
        &mut socket,
        json!(["1", "1", "__absinthe__:control", "phx_join", {}]),
    )
    .await;
    next(&mut socket).await;
    socket
}

/// Whether the server closes the socket (or drops the connection) before `WAIT` runs out.
pub async fn closes(socket: &mut Socket) -> bool {
    loop {
        match tokio::time::timeout(WAIT, socket.next()).await {
            Err(_) => return false,
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => {}
        }
    }
}
