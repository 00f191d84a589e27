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

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

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

/// Which Phoenix serializer a socket speaks: `vsn=2.0.0` (arrays) or `vsn=1.0.0`/absent (objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vsn {
    /// Objects `{"topic", "event", "payload", "ref", "join_ref"}`.
    V1,
    /// Arrays `[join_ref, ref, topic, event, payload]`.
    V2,
}

impl Vsn {
    /// From the `vsn` query parameter: None -> V1 (Phoenix default "1.0.0"), "1.0.0" -> V1,
    /// "2.0.0" -> V2, anything else -> None (unsupported; the server answers 403).
    ///
    /// Like Phoenix, which parses `vsn` as `SemVer` and matches `~> 1.0.0` or `~> 2.0.0`,
    /// any patch release is accepted too ("2.0.3", "2.0.1-rc.1", "2.0.0+build"), but not a
    /// pre-release of x.0.0, which sorts below it.
    #[must_use]
    pub fn from_param(vsn: Option<&str>) -> Option<Vsn> {
        let (version, build) = split(vsn.unwrap_or("1.0.0"), '+');
        let (core, pre) = split(version, '-');
        let [major, "0", patch] = core.split('.').collect::<Vec<_>>()[..] else {
            return None;
        };
        let valid = is_number(major)
            && is_number(patch)
            && (patch != "0" || pre.is_none())
            && pre.is_none_or(|p| p.split('.').all(is_pre_release_identifier))
            && build.is_none_or(|b| b.split('.').all(is_identifier));
        match (major, valid) {
            ("1", true) => Some(Vsn::V1),
            ("2", true) => Some(Vsn::V2),
            _ => None,
        }
    }
}

fn split(s: &str, separator: char) -> (&str, Option<&str>) {
    s.split_once(separator)
        .map_or((s, None), |(head, tail)| (head, Some(tail)))
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_pre_release_identifier(s: &str) -> bool {
    is_identifier(s) && (is_number(s) || !s.bytes().all(|b| b.is_ascii_digit()))
}

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

/// A topic or event. Borrowing is what makes escapes unsupported: `serde_json` hands
/// over an unescaped copy, which cannot outlive the call.
struct Name<'a>(&'a str);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a topic or event string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
        Ok(Name(v))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Name<'de>, E> {
        Err(E::custom(ESCAPED))
    }
}

struct V2Visitor;

/// Element `index` of a V2 frame.
fn next<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    index: usize,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(index, &V2Visitor))
}

impl<'de> Visitor<'de> for V2Visitor {
    type Value = Frame<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array [join_ref, ref, topic, event, payload]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Frame<'de>, A::Error> {
        let frame = Frame {
            join_ref: next(&mut seq, 0)?,
            msg_ref: next(&mut seq, 1)?,
            topic: next::<Name, _>(&mut seq, 2)?.0,
            event: next::<Name, _>(&mut seq, 3)?.0,
            payload: next(&mut seq, 4)?,
        };
        // Phoenix matches `[join_ref, ref, topic, event, payload | _]`.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(frame)
    }
}

/// Reads a V2 frame for [`decode_with`].
struct SelectVisitor<F> {
    select: F,
}

impl<'de, S, F> Visitor<'de> for SelectVisitor<F>
where
    S: DeserializeSeed<'de>,
    F: FnOnce(&str, &str) -> Option<S>,
{
    type Value = Decoded<'de, S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        V2Visitor.expecting(f)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let join_ref = next(&mut seq, 0)?;
        let msg_ref = next(&mut seq, 1)?;
        let topic = next::<Name, _>(&mut seq, 2)?.0;
        let event = next::<Name, _>(&mut seq, 3)?.0;
        let decoded = match (self.select)(topic, event) {
            Some(seed) => Decoded::Claimed(
                seq.next_element_seed(seed)?
                    .ok_or_else(|| de::Error::invalid_length(4, &V2Visitor))?,
            ),
            None => Decoded::Frame(Frame {
                join_ref,
                msg_ref,
                topic,
                event,
                payload: next(&mut seq, 4)?,
            }),
        };
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(decoded)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Topic,
    Event,
    Payload,
    Ref,
    JoinRef,
    #[serde(other)]
    Other,
}

struct V1Visitor;

impl<'de> Visitor<'de> for V1Visitor {
    type Value = Frame<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"an object {"topic", "event", "payload", "ref"}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Frame<'de>, A::Error> {
        // Phoenix's JSON decoder keeps the first of duplicate keys, so later ones are only
        // checked to be JSON. Refs are doubly optional: present-but-null differs from absent.
        let (mut topic, mut event, mut payload) = (None, None, None);
        let (mut msg_ref, mut join_ref) = (None, None);
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Topic if topic.is_none() => topic = Some(map.next_value::<Name>()?.0),
                Key::Event if event.is_none() => event = Some(map.next_value::<Name>()?.0),
                Key::Payload if payload.is_none() => payload = Some(map.next_value()?),
                Key::Ref if msg_ref.is_none() => msg_ref = Some(map.next_value()?),
                Key::JoinRef if join_ref.is_none() => join_ref = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Frame {
            join_ref: join_ref.flatten(),
            msg_ref: msg_ref.ok_or_else(|| de::Error::missing_field("ref"))?,
            topic: topic.ok_or_else(|| de::Error::missing_field("topic"))?,
            event: event.ok_or_else(|| de::Error::missing_field("event"))?,
            payload: payload.ok_or_else(|| de::Error::missing_field("payload"))?,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `(join_ref, ref, topic, event, payload)` as raw JSON text.
    type Parts<'a> = (Option<&'a str>, Option<&'a str>, &'a str, &'a str, &'a str);

    fn parts<'a>(frame: &Frame<'a>) -> Parts<'a> {
        let get = |r: Option<&'a RawValue>| r.map(RawValue::get);
        (
            get(frame.join_ref),
            get(frame.msg_ref),
            frame.topic,
            frame.event,
            frame.payload.get(),
        )
    }

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    const ONE: Option<&str> = Some(r#""1""#);

    /// The exchanges of PROTOCOL.md 3.2, as the server and client write them.
    #[rustfmt::skip]
    const PROTOCOL_FRAMES: [(&str, Parts<'_>); 10] = [
        (r#"["1","1","__absinthe__:control","phx_join",{}]"#,
         (ONE, ONE, CONTROL_TOPIC, PHX_JOIN, "{}")),
        (r#"["1","1","__absinthe__:control","phx_reply",{"response":{},"status":"ok"}]"#,
         (ONE, ONE, CONTROL_TOPIC, PHX_REPLY, r#"{"response":{},"status":"ok"}"#)),
        (r#"["1","2","__absinthe__:control","doc",{"query":"subscription($id: ID){chatMessage(channelId: $id){id}}","variables":{"id":"6"}}]"#,
         (ONE, Some(r#""2""#), CONTROL_TOPIC, DOC, r#"{"query":"subscription($id: ID){chatMessage(channelId: $id){id}}","variables":{"id":"6"}}"#)),
        (r#"["1","2","__absinthe__:control","phx_reply",{"status":"ok","response":{"subscriptionId":"__absinthe__:doc:-5764:0A1B"}}]"#,
         (ONE, Some(r#""2""#), CONTROL_TOPIC, PHX_REPLY, r#"{"status":"ok","response":{"subscriptionId":"__absinthe__:doc:-5764:0A1B"}}"#)),
        (r#"[null,null,"__absinthe__:doc:-5764:0A1B","subscription:data",{"result":{"data":{"chatMessage":{"id":"9"}}},"subscriptionId":"__absinthe__:doc:-5764:0A1B"}]"#,
         (None, None, "__absinthe__:doc:-5764:0A1B", SUBSCRIPTION_DATA, r#"{"result":{"data":{"chatMessage":{"id":"9"}}},"subscriptionId":"__absinthe__:doc:-5764:0A1B"}"#)),
        (r#"[null,"5","phoenix","heartbeat",{}]"#,
         (None, Some(r#""5""#), PHOENIX_TOPIC, HEARTBEAT, "{}")),
        (r#"[null,"5","phoenix","phx_reply",{"response":{},"status":"ok"}]"#,
         (None, Some(r#""5""#), PHOENIX_TOPIC, PHX_REPLY, r#"{"response":{},"status":"ok"}"#)),
        (r#"["1","4","__absinthe__:control","unsubscribe",{"subscriptionId":"__absinthe__:doc:-5764:0A1B"}]"#,
         (ONE, Some(r#""4""#), CONTROL_TOPIC, UNSUBSCRIBE, r#"{"subscriptionId":"__absinthe__:doc:-5764:0A1B"}"#)),
        (r#"["1","1","__absinthe__:control","phx_error",{}]"#,
         (ONE, ONE, CONTROL_TOPIC, PHX_ERROR, "{}")),
        (r#"[null,"7","streams:chat:6","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}]"#,
         (None, Some(r#""7""#), "streams:chat:6", PHX_REPLY, r#"{"response":{"reason":"unmatched topic"},"status":"error"}"#)),
    ];

    #[test]
    fn decodes_the_protocol_doc_frames_in_both_versions() {
        for (text, expected) in PROTOCOL_FRAMES {
            assert_eq!(parts(&decode(Vsn::V2, text).unwrap()), expected, "{text}");
            let (join_ref, msg_ref, topic, event, payload) = expected;
            let (join_ref, msg_ref) = (join_ref.unwrap_or("null"), msg_ref.unwrap_or("null"));
            let v1 = format!(
                r#"{{"join_ref":{join_ref},"ref":{msg_ref},"topic":"{topic}","event":"{event}","payload":{payload}}}"#
            );
            assert_eq!(parts(&decode(Vsn::V1, &v1).unwrap()), expected, "{v1}");
        }
    }

    #[test]
    fn a_reply_payload_parses_into_status_and_borrowed_response() {
        let frame = decode(Vsn::V2, PROTOCOL_FRAMES[3].0).unwrap();
        let reply: Reply<'_> = serde_json::from_str(frame.payload.get()).unwrap();
        assert_eq!(reply.status, ReplyStatus::Ok);
        let response = r#"{"subscriptionId":"__absinthe__:doc:-5764:0A1B"}"#;
        assert_eq!(reply.response.get(), response);
    }

    #[test]
    #[rustfmt::skip]
    fn v1_takes_keys_in_any_order_ignores_unknown_ones_and_keeps_the_first_duplicate() {
        let cases = [
            (r#"{"event":"phx_reply","payload":{"response":{},"status":"ok"},"ref":"1","topic":"t"}"#,
             (None, ONE, "t", PHX_REPLY, r#"{"response":{},"status":"ok"}"#)),
            (r#"{"x":[1,{"topic":2}],"ref":null,"payload":[],"to\u0070ic":"t","event":"e"}"#,
             (None, None, "t", "e", "[]")),
            (r#"{"topic":"a","topic":7,"event":"e","payload":1,"payload":2,"ref":null,"ref":"9"}"#,
             (None, None, "a", "e", "1")),
        ];
        for (text, expected) in cases {
            assert_eq!(parts(&decode(Vsn::V1, text).unwrap()), expected, "{text}");
        }
    }

    #[test]
    fn v2_ignores_elements_after_the_payload_like_phoenix() {
        let frame = decode(Vsn::V2, r#"[null,"5","t","e",{}, "extra", [1]]"#).unwrap();
        assert_eq!(parts(&frame), (None, Some(r#""5""#), "t", "e", "{}"));
    }

    #[test]
    fn refs_of_any_json_type_are_echoed_unchanged() {
        let frame = decode(Vsn::V2, r#"[{"a":[1]}, 12.5e3, "t", "e", null]"#).unwrap();
        let reply = encode_reply(Vsn::V2, &frame, ReplyStatus::Ok, &());
        let expected = r#"[{"a":[1]},12.5e3,"t","phx_reply",{"response":null,"status":"ok"}]"#;
        assert_eq!(reply, expected);
    }

    #[test]
    fn encode_reply_writes_the_exact_bytes_phoenix_sends() {
        // Exact, key order included: PROTOCOL.md quotes the server's own output.
        for (request, reply) in [(0, 1), (5, 6)] {
            let request = decode(Vsn::V2, PROTOCOL_FRAMES[request].0).unwrap();
            let encoded = encode_reply(Vsn::V2, &request, ReplyStatus::Ok, &*raw("{}"));
            assert_eq!(encoded, PROTOCOL_FRAMES[reply].0);
        }
        // As in Phoenix's own V1 serializer test: sorted keys, no join_ref.
        let join = r#"{"topic":"t","event":"phx_join","payload":{},"ref":"1","join_ref":"1"}"#;
        let join = decode(Vsn::V1, join).unwrap();
        let encoded = encode_reply(Vsn::V1, &join, ReplyStatus::Error, "no");
        let expected = r#"{"event":"phx_reply","payload":{"response":"no","status":"error"},"ref":"1","topic":"t"}"#;
        assert_eq!(encoded, expected);
    }

    #[test]
    fn v2_writes_null_refs_and_v1_writes_no_join_ref() {
        let one = raw(r#""1""#);
        let v2 = encode(Vsn::V2, None, Some(&one), "t", "e", "m");
        assert_eq!(v2, r#"[null,"1","t","e","m"]"#);
        let v1 = encode(Vsn::V1, Some(&one), None, "t", "e", "m");
        assert_eq!(v1, r#"{"event":"e","payload":"m","ref":null,"topic":"t"}"#);
    }

    #[test]
    fn a_payload_that_fails_to_serialize_goes_out_as_null() {
        let non_string_keys: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        let encoded = encode(Vsn::V2, None, None, "t", "e", &non_string_keys);
        assert_eq!(encoded, r#"[null,null,"t","e",null]"#);
    }

    #[test]
    fn escaped_topics_and_events_are_refused_saying_so() {
        let encoded = encode(Vsn::V2, None, None, "a\"b", "e", &());
        for (vsn, text) in [
            (Vsn::V2, encoded.as_str()),
            (Vsn::V2, r#"[null,"5","pho\u0065nix","heartbeat",{}]"#),
            (
                Vsn::V1,
                r#"{"topic":"t","event":"h\/b","payload":{},"ref":null}"#,
            ),
        ] {
            let err = decode(vsn, text).unwrap_err().to_string();
            assert!(err.contains(ESCAPED), "{text}: {err}");
        }
    }

    #[test]
    #[rustfmt::skip]
    fn malformed_frames_are_refused_saying_why() {
        let cases = [
            (Vsn::V2, "", "EOF while parsing"),
            (Vsn::V2, "heartbeat", "expected value"),
            (Vsn::V2, "42", "invalid type: integer `42`, expected an array"),
            (Vsn::V2, r#"["1","1","t","e"]"#, "invalid length 4"),
            (Vsn::V2, r#"["1","1",7,"e",{}]"#, "invalid type: integer `7`, expected a topic or event string"),
            (Vsn::V2, r#"[null,null,"t","e",{}] x"#, "trailing characters"),
            (Vsn::V2, r#"{"topic":"t","event":"e","payload":{},"ref":null}"#, "invalid type: map"),
            (Vsn::V1, r#"{"topic":"t","event":"e","payload":{}}"#, "missing field `ref`"),
            (Vsn::V1, r#"[null,null,"t","e",{}]"#, "invalid type: sequence"),
        ];
        for (vsn, text, reason) in cases {
            let err = decode(vsn, text).unwrap_err().to_string();
            assert!(err.starts_with(&format!("not a Phoenix {vsn:?} frame: ")), "{err}");
            assert!(err.contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn errors_quote_at_most_a_hundred_characters_of_input() {
        let text = format!("\"{}\"", "secret ".repeat(1000));
        let err = decode(Vsn::V1, &text).unwrap_err().to_string();
        assert!(err.len() < 200, "{err}");
        assert!(err.ends_with("secret s... at line 1 column 7002"), "{err}");
    }

    #[test]
    fn vsn_follows_phoenix_serializer_negotiation() {
        use Vsn::{V1, V2};
        #[rustfmt::skip]
        let cases = [
            (None, Some(V1)), (Some("1.0.0"), Some(V1)), (Some("2.0.0"), Some(V2)),
            (Some("2.0.3"), Some(V2)), (Some("2.0.1-rc.1"), Some(V2)), (Some("2.0.0+b.7"), Some(V2)),
            (Some("2.0.0-rc.1"), None), (Some("2.1.0"), None), (Some("3.0.0"), None),
            (Some("2.0"), None), (Some("2.0.0.0"), None), (Some("02.0.0"), None),
            (Some("v2.0.0"), None), (Some("2.0.1-"), None), (Some("2.0.1-01"), None), (Some(""), None),
        ];
        for (param, expected) in cases {
            assert_eq!(Vsn::from_param(param), expected, "{param:?}");
        }
    }

    fn json() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Null is left out: a null ref decodes as None.
    fn json_ref() -> impl Strategy<Value = Option<String>> {
        let not_null = json().prop_filter("not null", |v| !v.is_null());
        prop::option::of(not_null.prop_map(|v| v.to_string()))
    }

    /// Names `serde_json` writes without escapes.
    const NAME: &str = "[^\"\\\\\\x00-\\x1f]{0,20}";

    proptest! {
        #[test]
        fn decode_never_panics(text in any::<String>(), jsonish in r#"[\[\]{}",:0-9a-z\\ ]{0,40}"#) {
            for vsn in [Vsn::V1, Vsn::V2] {
                let _ = decode(vsn, &text);
                let _ = decode(vsn, &jsonish);
            }
        }

        #[test]
        fn encode_then_decode_gives_the_frame_back(
            join_ref in json_ref(), msg_ref in json_ref(), topic in NAME, event in NAME, payload in json(),
        ) {
            let (join_ref, msg_ref) = (join_ref.as_deref().map(raw), msg_ref.as_deref().map(raw));
            let (join_ref, msg_ref) = (join_ref.as_deref(), msg_ref.as_deref());
            let payload = raw(&payload.to_string());
            for vsn in [Vsn::V1, Vsn::V2] {
                let text = encode(vsn, join_ref, msg_ref, &topic, &event, &*payload);
                // V1 servers never write join_ref.
                let sent_join_ref = join_ref.filter(|_| vsn == Vsn::V2).map(RawValue::get);
                let expected = (sent_join_ref, msg_ref.map(RawValue::get), &*topic, &*event, payload.get());
                prop_assert_eq!(parts(&decode(vsn, &text).unwrap()), expected);
            }
        }
    }
}
