//! The Phoenix channels wire frame: one WebSocket text message carrying a join
//! reference, a message reference, a topic, an event and a payload.
//!
//! Phoenix picks one of two JSON serializers per socket from the `vsn` query
//! parameter. V2 (`vsn=2.0.0`) sends arrays; V1 (`vsn=1.0.0`, or no `vsn` at all)
//! sends objects and never writes `join_ref`. The same heartbeat in both:
//!
//! ```text
//! V2 client: [null,"5","phoenix","heartbeat",{}]
//!    server: [null,"5","phoenix","phx_reply",{"response":{},"status":"ok"}]
//! V1 client: {"topic":"phoenix","event":"heartbeat","payload":{},"ref":"5"}
//!    server: {"event":"phx_reply","payload":{"response":{},"status":"ok"},"ref":"5","topic":"phoenix"}
//! ```
//!
//! [`decode`] borrows every part of a frame from its text, so reading a frame
//! allocates nothing and a payload stays raw JSON until its consumer parses it.
//! Because of that borrow, a topic or event written with JSON escapes (`"a\u0062"`)
//! is refused: real topics and events never contain them.
//!
//! [`encode`] writes keys in the order Phoenix does (its JSON encoder emits atom
//! keys sorted), so an emulated server's frames match the real ones byte for byte.

mod visitors;
mod vsn;

use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer as _};
use serde_json::value::RawValue;

use visitors::{SelectVisitor, V1Visitor, V2Visitor};
pub use vsn::Vsn;

/// Topic of the Absinthe control channel.
pub const CONTROL_TOPIC: &str = "__absinthe__:control";
/// Topic of Phoenix heartbeats.
pub const PHOENIX_TOPIC: &str = "phoenix";
/// Event that joins a topic.
pub const PHX_JOIN: &str = "phx_join";
/// Event that leaves a topic.
pub const PHX_LEAVE: &str = "phx_leave";
/// Event of every reply; its payload is a [`Reply`].
pub const PHX_REPLY: &str = "phx_reply";
/// Event the server sends when a channel process crashed; its subscriptions are gone.
pub const PHX_ERROR: &str = "phx_error";
/// Event the server sends when a channel closed normally.
pub const PHX_CLOSE: &str = "phx_close";
/// Event that keeps the socket alive, sent on [`PHOENIX_TOPIC`].
pub const HEARTBEAT: &str = "heartbeat";
/// Event that runs a GraphQL document (query, mutation or subscription).
pub const DOC: &str = "doc";
/// Event that ends a subscription, payload `{"subscriptionId": ...}`.
pub const UNSUBSCRIBE: &str = "unsubscribe";
/// Event of a subscription result pushed by the server.
pub const SUBSCRIPTION_DATA: &str = "subscription:data";

const ESCAPED: &str = "escaped strings are not supported in topic/event";
/// How much of a serde message is kept: those messages quote the offending value,
/// which may be a whole chat message.
const MAX_REASON_CHARS: usize = 100;

/// One decoded frame, borrowing from the text it was decoded from.
/// Refs are opaque JSON values that the server echoes back unchanged; JSON null or absent is None.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The `ref` of the `phx_join` that opened this topic; None on pushes and heartbeats.
    pub join_ref: Option<&'a RawValue>,
    /// Matches a reply to its request; None on server pushes.
    pub msg_ref: Option<&'a RawValue>,
    /// The channel topic, e.g. [`CONTROL_TOPIC`] or a subscription id.
    pub topic: &'a str,
    /// The event name, e.g. [`DOC`] or [`PHX_REPLY`].
    pub event: &'a str,
    /// The payload, any JSON value, unparsed.
    pub payload: &'a RawValue,
}

/// Decodes one text frame.
///
/// V2 accepts arrays longer than five elements and ignores the rest, and V1 accepts keys
/// in any order, ignores unknown ones and keeps the first of duplicates, all as Phoenix does.
///
/// # Errors
/// [`FrameError`] when the text is not a frame of that version, or its topic or event
/// contains a JSON escape.
pub fn decode(vsn: Vsn, text: &str) -> Result<Frame<'_>, FrameError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let frame = match vsn {
        Vsn::V1 => (&mut de).deserialize_map(V1Visitor),
        Vsn::V2 => (&mut de).deserialize_seq(V2Visitor),
    };
    frame
        .and_then(|frame| de.end().map(|()| frame))
        .map_err(|err| FrameError::new(vsn, &err))
}

/// A V2 frame read by [`decode_with`].
#[derive(Debug)]
pub enum Decoded<'a, T> {
    /// A frame whose payload the selector claimed, decoded by its seed.
    Claimed(T),
    /// Any other frame, with its payload raw.
    Frame(Frame<'a>),
}

/// Decodes a V2 frame in one pass: once the topic and event are read, `select` may claim the
/// payload by returning a seed, which decodes it as it is read, so a push is never parsed
/// twice.
///
/// # Errors
/// [`FrameError`] when the text is not a V2 frame, its topic or event contains a JSON escape,
/// or the seed refuses the payload.
pub fn decode_with<'a, S: DeserializeSeed<'a>>(
    text: &'a str,
    select: impl FnOnce(&str, &str) -> Option<S>,
) -> Result<Decoded<'a, S::Value>, FrameError> {
    let mut de = serde_json::Deserializer::from_str(text);
    (&mut de)
        .deserialize_seq(SelectVisitor { select })
        .and_then(|frame| de.end().map(|()| frame))
        .map_err(|err| FrameError::new(Vsn::V2, &err))
}

/// Encodes a frame. `payload` is anything `Serialize` (a `RawValue` works too).
///
/// V1 drops `join_ref`: Phoenix's V1 serializer never writes it.
///
/// Serialization fails only if `payload`'s `Serialize` impl errors or it holds a map with
/// non-string keys; the frame then goes out with a `null` payload, which the peer rejects,
/// rather than the caller panicking or handling an error that its own types never produce.
#[must_use]
pub fn encode<P: Serialize + ?Sized>(
    vsn: Vsn,
    join_ref: Option<&RawValue>,
    msg_ref: Option<&RawValue>,
    topic: &str,
    event: &str,
    payload: &P,
) -> String {
    let frame = |payload: Option<&P>| match vsn {
        Vsn::V1 => serde_json::to_string(&V1Out {
            event,
            payload,
            msg_ref,
            topic,
        }),
        Vsn::V2 => serde_json::to_string(&(join_ref, msg_ref, topic, event, payload)),
    };
    // Only the caller's payload can fail; refs, strings and `None` (written as null) cannot,
    // so the default is unreachable.
    frame(Some(payload))
        .or_else(|_| frame(None))
        .unwrap_or_default()
}

/// Field order is Phoenix's: it encodes a map with atom keys, which are sorted.
#[derive(Serialize)]
struct V1Out<'a, P: ?Sized> {
    event: &'a str,
    payload: Option<&'a P>,
    #[serde(rename = "ref")]
    msg_ref: Option<&'a RawValue>,
    topic: &'a str,
}

/// Encodes a `phx_reply` to `to` (same `join_ref`, ref and topic) with payload
/// `{"status": status, "response": response}`.
///
/// The keys come out as `{"response":..,"status":..}`, Phoenix's order. Phoenix itself
/// answers a heartbeat or a message to an unjoined topic with a null `join_ref` whatever the
/// request carried; write those with [`encode`].
#[must_use]
pub fn encode_reply<R: Serialize + ?Sized>(
    vsn: Vsn,
    to: &Frame<'_>,
    status: ReplyStatus,
    response: &R,
) -> String {
    let payload = ReplyOut { response, status };
    encode(vsn, to.join_ref, to.msg_ref, to.topic, PHX_REPLY, &payload)
}

#[derive(Serialize)]
struct ReplyOut<'a, R: ?Sized> {
    response: &'a R,
    status: ReplyStatus,
}

/// Outcome of a request, as the `status` of a [`Reply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyStatus {
    /// `"ok"`: the request succeeded.
    Ok,
    /// `"error"`: the request failed; the response says why.
    Error,
}

/// The payload of a `phx_reply`, borrowed.
#[derive(Debug, serde::Deserialize)]
pub struct Reply<'a> {
    /// Whether the request succeeded.
    pub status: ReplyStatus,
    /// What the channel answered, unparsed.
    #[serde(borrow)]
    pub response: &'a RawValue,
}

/// Why a text is not a frame.
#[derive(Debug, thiserror::Error)]
#[error("not a Phoenix {vsn:?} frame: {reason}")]
pub struct FrameError {
    vsn: Vsn,
    reason: String,
}

impl FrameError {
    fn new(vsn: Vsn, err: &serde_json::Error) -> Self {
        let message = err.to_string();
        let position = format!(" at line {} column {}", err.line(), err.column());
        let what = message.strip_suffix(&position).unwrap_or(&message);
        let mut reason: String = what.chars().take(MAX_REASON_CHARS).collect();
        if reason.len() < what.len() {
            reason.push_str("...");
        }
        if what.len() < message.len() {
            reason.push_str(&position);
        }
        FrameError { vsn, reason }
    }
}

#[cfg(test)]
mod tests;
