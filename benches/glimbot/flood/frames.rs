//! The bytes the flood writes, as unmasked WebSocket text frames (a server's): the replies to
//! the client's join and subscriptions, then `subscription:data` pushes of chat messages.
//!
//! A push is encoded once per topic by glimbot's own frame encoder with a placeholder id, and
//! split there, so writing one is two copies and the digits of its id.

use glimbot::protocol::frame::{self, Vsn};
use serde_json::json;
use serde_json::value::RawValue;

/// Topics a bot subscribes per channel, in this order: chat, followers, channel updates.
pub(crate) const TOPICS_PER_CHANNEL: usize = 3;
/// Where the message id goes in a push template.
const ID_SLOT: &str = "ID-SLOT";
/// A realistic chat line; with a 7-digit id it makes a 594-byte frame, the size the floor was
/// first measured with.
const TEXT: &str = "@viewer that last run was unreal! how did you get past the bridge without \
                    taking a hit? I died there ten times yesterday, any tips on the dodge timing?";

/// The subscription id the flood gives the topic at this index: like Absinthe's, a context id
/// and 64 hex digits (the SHA-256 of the document and its variables).
pub(crate) fn subscription_id(topic: usize) -> String {
    let digest: String = (0..4)
        .map(|part| format!("{:016x}", mix(topic as u64 * 4 + part)))
        .collect();
    format!("__absinthe__:doc:-576460752303422975:{digest}")
}

/// SplitMix64: distinct topics get unrelated-looking digits.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49EB_2293_3911);
    z ^ (z >> 31)
}

/// The replies to the join and to one `doc` per topic, for `channels` channels.
///
/// They are written without reading the requests, so they rely on the client's numbering in
/// src/socket/session/mod.rs: `phx_join` is ref "1" (with join_ref "1") and the topic at index `i`
/// is subscribed by ref `i + 2`, chat/followers/channel per channel in the configured order.
/// The client sends its `doc`s while handling the join reply, before it reads the next frame,
/// so each reply finds its request pending.
pub(crate) fn replies(channels: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_text(&mut out, reply(1, json!({})).as_bytes());
    for topic in 0..channels * TOPICS_PER_CHANNEL {
        let response = json!({ "subscriptionId": subscription_id(topic) });
        write_text(&mut out, reply(topic as u64 + 2, response).as_bytes());
    }
    out
}

fn reply(msg_ref: u64, response: serde_json::Value) -> String {
    let quoted = |n: u64| RawValue::from_string(format!("\"{n}\"")).expect("a JSON string");
    frame::encode(
        Vsn::V2,
        Some(&quoted(1)),
        Some(&quoted(msg_ref)),
        frame::CONTROL_TOPIC,
        frame::PHX_REPLY,
        &json!({ "response": response, "status": "ok" }),
    )
}

/// A chat-message push of one topic, around the slot of its message id.
pub(crate) struct Push {
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl Push {
    pub(crate) fn new(topic: usize) -> Self {
        let id = subscription_id(topic);
        let message = json!({
            "id": ID_SLOT,
            "message": TEXT,
            "insertedAt": "2023-06-01T12:00:00",
            "user": { "id": "2", "username": "viewer" },
            "metadata": { "moderator": false, "streamer": false },
        });
        let payload = json!({
            "result": { "data": { "chatMessage": message } },
            "subscriptionId": id,
        });
        let text = frame::encode(Vsn::V2, None, None, &id, frame::SUBSCRIPTION_DATA, &payload);
        let (head, tail) = text.split_once(ID_SLOT).expect("the id slot in the push");
        Self {
            head: head.as_bytes().to_vec(),
            tail: tail.as_bytes().to_vec(),
        }
    }

    /// Appends the framed push of message `id`.
    pub(crate) fn write(&self, out: &mut Vec<u8>, id: u64) {
        let mut buffer = [0; 20];
        let digits = decimal(id, &mut buffer);
        write_header(out, self.len(digits.len()));
        out.extend_from_slice(&self.head);
        out.extend_from_slice(digits);
        out.extend_from_slice(&self.tail);
    }

    /// The size of the text of a push whose id has this many digits.
    pub(crate) fn len(&self, id_digits: usize) -> usize {
        self.head.len() + id_digits + self.tail.len()
    }
}

fn decimal(mut n: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buffer[start..];
        }
    }
}

fn write_text(out: &mut Vec<u8>, text: &[u8]) {
    write_header(out, text.len());
    out.extend_from_slice(text);
}

/// FIN + text opcode, then the length in 7, 16 or 64 bits; servers do not mask.
fn write_header(out: &mut Vec<u8>, len: usize) {
    out.push(0x81);
    match len {
        0..=125 => out.push(len as u8),
        126..=0xFFFF => {
            out.push(126);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(127);
            out.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
}
