#![allow(clippy::unwrap_used)]

use super::*;
use serde_json::json;
use serde_json::value::RawValue;

/// Two subscriptions whose pushes decode to the text of their `data.said` field, marked when
/// a spent event was there to decode into.
struct Said(Vec<Box<RawValue>>);

impl Subscriptions for Said {
    type Event = String;

    fn documents(&self) -> &[Box<RawValue>] {
        &self.0
    }

    fn decode<'de, D: serde::Deserializer<'de>>(
        &self,
        index: usize,
        payload: D,
        spent: &mut Option<String>,
    ) -> Result<Option<String>, D::Error> {
        let push = serde_json::Value::deserialize(payload)?;
        let reused = if spent.take().is_some() { " again" } else { "" };
        Ok(push["result"]["data"]["said"]
            .as_str()
            .map(|said| format!("{index}:{said}{reused}")))
    }
}

fn session() -> Session<Said> {
    let doc = |query: &str| {
        RawValue::from_string(json!({"query": query, "variables": {"channelId": "6"}}).to_string())
            .unwrap()
    };
    Session::new(Arc::new(Said(vec![
        doc("subscription { said }"),
        doc("subscription { other }"),
    ])))
}

fn sent(received: Received<String>) -> Vec<serde_json::Value> {
    match received {
        Received::Send(frames) => frames
            .iter()
            .map(|f| serde_json::from_str(f).unwrap())
            .collect(),
        other => panic!("expected frames to send, got {other:?}"),
    }
}

#[test]
fn joining_then_subscribing_routes_pushes_by_subscription_id() {
    let mut s = session();
    let join: serde_json::Value = serde_json::from_str(&s.join()).unwrap();
    assert_eq!(
        join,
        json!(["1", "1", "__absinthe__:control", "phx_join", {}])
    );

    let docs = sent(
        s.receive(r#"["1","1","__absinthe__:control","phx_reply",{"status":"ok","response":{}}]"#)
            .unwrap(),
    );
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0][1], "2");
    assert_eq!(docs[0][3], "doc");
    assert_eq!(docs[0][4]["variables"], json!({"channelId": "6"}));
    assert_eq!(docs[0][4]["query"], "subscription { said }");
    assert_eq!(docs[1][4]["query"], "subscription { other }");

    let ack = r#"["1","2","__absinthe__:control","phx_reply",{"status":"ok","response":{"subscriptionId":"__absinthe__:doc:-1:ab"}}]"#;
    assert!(matches!(
        s.receive(ack).unwrap(),
        Received::Deliver(Delivery::Subscribed(0))
    ));
    assert!(!s.all_subscribed());

    let push = r#"[null,null,"__absinthe__:doc:-1:ab","subscription:data",{"result":{"data":{"said":"hi"}},"subscriptionId":"__absinthe__:doc:-1:ab"}]"#;
    match s.receive(push).unwrap() {
        Received::Deliver(Delivery::Event(0, said)) => assert_eq!(said, "0:hi"),
        other => panic!("expected an event, got {other:?}"),
    }
    s.recycle("0:hi".into());
    match s.receive(push).unwrap() {
        Received::Deliver(Delivery::Event(0, said)) => assert_eq!(said, "0:hi again"),
        other => panic!("expected an event, got {other:?}"),
    }
    let null = r#"[null,null,"__absinthe__:doc:-1:ab","subscription:data",{"result":{"data":{"said":null}}}]"#;
    assert!(matches!(s.receive(null).unwrap(), Received::Nothing));
    let unknown =
        r#"[null,null,"__absinthe__:doc:-1:zz","subscription:data",{"result":{"data":{}}}]"#;
    assert!(matches!(s.receive(unknown).unwrap(), Received::Nothing));
}

#[test]
fn an_unanswered_heartbeat_means_the_link_is_dead() {
    let mut s = session();
    let beat: serde_json::Value = serde_json::from_str(&s.heartbeat().unwrap()).unwrap();
    assert_eq!(beat, json!([null, "1", "phoenix", "heartbeat", {}]));
    assert!(s.heartbeat().is_none());
    s.receive(r#"[null,"1","phoenix","phx_reply",{"status":"ok","response":{}}]"#)
        .unwrap();
    assert!(s.heartbeat().is_some());
}

#[test]
fn a_crashed_channel_is_joined_again_and_its_subscriptions_forgotten() {
    let mut s = session();
    s.join();
    sent(
        s.receive(r#"["1","1","__absinthe__:control","phx_reply",{"status":"ok","response":{}}]"#)
            .unwrap(),
    );
    s.receive(r#"["1","2","__absinthe__:control","phx_reply",{"status":"ok","response":{"subscriptionId":"a"}}]"#).unwrap();
    let rejoin = sent(
        s.receive(r#"["1","1","__absinthe__:control","phx_error",{}]"#)
            .unwrap(),
    );
    assert_eq!(rejoin[0][3], "phx_join");
    let stale = r#"[null,null,"a","subscription:data",{"result":{"data":{"said":"late"}}}]"#;
    assert!(matches!(s.receive(stale).unwrap(), Received::Nothing));
}

#[test]
fn refusals_are_fatal_and_garbage_is_malformed() {
    let mut s = session();
    s.join();
    sent(
        s.receive(r#"["1","1","__absinthe__:control","phx_reply",{"status":"ok","response":{}}]"#)
            .unwrap(),
    );
    let refused = r#"["1","2","__absinthe__:control","phx_reply",{"status":"error","response":{"errors":[{"message":"bad"}]}}]"#;
    assert!(matches!(s.receive(refused), Err(SessionError::Refused(_))));
    for garbage in ["", "nope", "[1]", r#"[null,"3","x","phx_reply",5]"#] {
        let result = s.receive(garbage);
        assert!(
            !matches!(result, Ok(Received::Send(_) | Received::Deliver(_))),
            "{garbage}"
        );
    }
}
