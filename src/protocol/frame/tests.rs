#![allow(clippy::unwrap_used)]

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
