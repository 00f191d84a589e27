//! The flood's HTTP side: the few GraphQL queries a bot makes before it listens, answered with
//! canned JSON picked by `operationName`, and the WebSocket upgrade.

use std::io;

use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The bot account's user id; the pushed messages are from someone else.
const BOT_ID: &str = "999999";
/// A channel name is this prefix and the channel's index.
const CHANNEL_PREFIX: &str = "streamer";

/// The streamer name of the channel at this index.
pub(crate) fn channel_name(index: usize) -> String {
    format!("{CHANNEL_PREFIX}{index}")
}

/// What a client asked for.
pub(crate) enum Request {
    /// A GraphQL request, its JSON body.
    Graph(Vec<u8>),
    /// A WebSocket upgrade, its `Sec-WebSocket-Key`.
    Upgrade(String),
    /// Anything else.
    Other,
}

/// The head of a request, once it has fully arrived.
struct Head {
    len: usize,
    body_len: usize,
    request: Request,
}

/// The next request on the connection, or `None` when the client has closed it. `buffer` keeps
/// what arrived beyond this request.
pub(crate) async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<Request>> {
    loop {
        if let Some(head) = parse_head(buffer)?
            && buffer.len() >= head.len + head.body_len
        {
            let body: Vec<u8> = buffer.drain(..head.len + head.body_len).collect();
            return Ok(Some(match head.request {
                Request::Graph(_) => Request::Graph(body[head.len..].to_vec()),
                other => other,
            }));
        }
        let mut chunk = [0; 16 * 1024];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

fn parse_head(buffer: &[u8]) -> io::Result<Option<Head>> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    let status = request
        .parse(buffer)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let httparse::Status::Complete(len) = status else {
        return Ok(None);
    };
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
    };
    let body_len = header("content-length").map_or(Ok(0), |n| {
        n.trim()
            .parse()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    })?;
    let path = request.path.unwrap_or_default();
    let request = match (header("sec-websocket-key"), request.method) {
        (Some(key), _) => Request::Upgrade(key),
        (None, Some("POST")) if path == glimbot::protocol::GRAPH_PATH => Request::Graph(Vec::new()),
        _ => Request::Other,
    };
    Ok(Some(Head {
        len,
        body_len,
        request,
    }))
}

/// The `101 Switching Protocols` answer to an upgrade with this key.
pub(crate) fn upgrade_response(key: &str) -> Vec<u8> {
    let accept =
        tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.trim().as_bytes());
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\
         sec-websocket-accept: {accept}\r\n\r\n"
    )
    .into_bytes()
}

/// The canned answer to a GraphQL request.
pub(crate) fn graph_response(body: &[u8]) -> Vec<u8> {
    response("200 OK", &answer(body).to_string())
}

/// The answer to anything else.
pub(crate) fn not_found() -> Vec<u8> {
    response("404 Not Found", "{}")
}

fn response(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// What Glimesh would answer to the bot's start-up queries, for channels with no messages and
/// no follows yet.
fn answer(body: &[u8]) -> Value {
    let request: Value = serde_json::from_slice(body).unwrap_or_default();
    let operation = request["operationName"].as_str().unwrap_or_default();
    match operation {
        "Myself" => json!({ "data": { "myself": { "id": BOT_ID, "username": "glimbot" } } }),
        "ChannelByStreamer" => {
            let name = request["variables"]["username"]
                .as_str()
                .unwrap_or_default();
            match name.strip_prefix(CHANNEL_PREFIX).map(str::parse::<u64>) {
                Some(Ok(index)) => json!({ "data": { "channel": {
                    "id": (index + 1).to_string(),
                    "title": "Flooded",
                    "streamer": { "id": (index + 1).to_string(), "username": name },
                    "chatMessages": { "edges": [] },
                } } }),
                _ => json!({ "data": { "channel": null } }),
            }
        }
        "RecentChatMessages" => json!({ "data": { "channel": { "chatMessages": {
            "pageInfo": { "hasPreviousPage": false, "startCursor": null },
            "edges": [],
        } } } }),
        "RecentFollowers" => json!({ "data": { "followers": {
            "pageInfo": { "hasPreviousPage": false, "startCursor": null },
            "edges": [],
        } } }),
        _ => {
            json!({ "errors": [{ "message": format!("the flood does not answer {operation:?}") }] })
        }
    }
}
