//! The emulator's socket speaks Phoenix channels with Absinthe, as Glimesh's does.
#![allow(clippy::unwrap_used)]

mod common;

use common::socket::{CHAT_SUBSCRIPTION, connect, joined_as_the_app, next, send};
use common::{access_token, channel, control, post_chat, sim};
use serde_json::{Value, json};

/// `__absinthe__:doc:<int>:<SHA-256 in 64 upper-case hex digits>`, as Absinthe writes it.
fn is_subscription_id(id: &str) -> bool {
    let upper_hex = |c: char| c.is_ascii_digit() || ('A'..='F').contains(&c);
    let parts: Vec<&str> = id.split(':').collect();
    matches!(parts.as_slice(), ["__absinthe__", "doc", context, hash]
        if context.parse::<i64>().is_ok() && hash.len() == 64 && hash.chars().all(upper_hex))
}

#[tokio::test]
async fn subscription_ids_end_in_the_upper_case_hex_absinthe_writes() {
    let sim = sim().await;
    let info = sim.info().clone();
    let mut socket = joined_as_the_app(&sim).await;
    send(
        &mut socket,
        json!(["1", "2", "__absinthe__:control", "doc", {"query": CHAT_SUBSCRIPTION, "variables": {"id": channel(&info)}}]),
    )
    .await;
    let reply = next(&mut socket).await;
    let id = reply[4]["response"]["subscriptionId"].as_str().unwrap();
    let digest = id.rsplit(':').next().unwrap();
    assert_eq!(digest.len(), 64, "{id}");
    assert!(
        digest
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
        "{id}"
    );
    assert!(is_subscription_id(id), "{id}");
}

#[tokio::test]
async fn a_v2_session_joins_subscribes_receives_and_queries() {
    let sim = sim().await;
    let token = access_token(&sim, "glimbot", "public chat").await;
    let channel = channel(sim.info());
    let mut socket = connect(&sim, &format!("vsn=2.0.0&token={token}")).await;

    send(
        &mut socket,
        json!(["1", "1", "__absinthe__:control", "phx_join", {}]),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        json!(["1", "1", "__absinthe__:control", "phx_reply", {"response": {}, "status": "ok"}])
    );

    send(
        &mut socket,
        json!(["1", "2", "__absinthe__:control", "doc", {"query": CHAT_SUBSCRIPTION, "variables": {"id": channel}}]),
    )
    .await;
    let reply = next(&mut socket).await;
    assert_eq!(reply[1], "2");
    assert_eq!(reply[4]["status"], "ok");
    let subscription_id = reply[4]["response"]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(is_subscription_id(&subscription_id), "{subscription_id}");

    let posted = post_chat(&sim, &channel, "viewer", "hello there").await;
    let push = next(&mut socket).await;
    assert_eq!(
        push,
        json!([null, null, subscription_id, "subscription:data", {
            "result": {"data": {"chatMessage": {"id": posted["id"], "message": "hello there", "user": {"username": "viewer"}}}},
            "subscriptionId": subscription_id,
        }])
    );

    send(&mut socket, json!([null, "3", "phoenix", "heartbeat", {}])).await;
    assert_eq!(
        next(&mut socket).await,
        json!([null, "3", "phoenix", "phx_reply", {"response": {}, "status": "ok"}])
    );

    send(
        &mut socket,
        json!(["1", "4", "__absinthe__:control", "doc", {"query": "{ myself { username } }"}]),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        json!(["1", "4", "__absinthe__:control", "phx_reply", {"response": {"data": {"myself": {"username": "glimbot"}}}, "status": "ok"}])
    );

    send(&mut socket, json!(["1", "5", "__absinthe__:control", "unsubscribe", {"subscriptionId": subscription_id}])).await;
    assert_eq!(
        next(&mut socket).await[4],
        json!({"response": {"subscriptionId": subscription_id}, "status": "ok"})
    );
    post_chat(&sim, &channel, "viewer", "after unsubscribing").await;
    send(&mut socket, json!([null, "6", "phoenix", "heartbeat", {}])).await;
    assert_eq!(
        next(&mut socket).await[1],
        "6",
        "no push arrives after unsubscribing"
    );
}

#[tokio::test]
async fn a_v1_session_speaks_objects() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    let channel = channel(sim.info());
    let mut socket = connect(&sim, &format!("token={token}")).await;

    send(&mut socket, json!({"topic": "__absinthe__:control", "event": "phx_join", "payload": {}, "ref": "1", "join_ref": "1"})).await;
    assert_eq!(
        next(&mut socket).await,
        json!({"topic": "__absinthe__:control", "event": "phx_reply", "payload": {"response": {}, "status": "ok"}, "ref": "1"})
    );
    let doc = json!({"query": CHAT_SUBSCRIPTION, "variables": {"id": channel}});
    send(
        &mut socket,
        json!({"topic": "__absinthe__:control", "event": "doc", "payload": doc, "ref": "2"}),
    )
    .await;
    let subscription_id = next(&mut socket).await["payload"]["response"]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_owned();

    post_chat(&sim, &channel, "streamer", "v1 hello").await;
    let push = next(&mut socket).await;
    assert_eq!(push["topic"], subscription_id);
    assert_eq!(push["event"], "subscription:data");
    assert_eq!(push["ref"], Value::Null);
    assert_eq!(
        push["payload"]["result"]["data"]["chatMessage"]["message"],
        "v1 hello"
    );

    send(
        &mut socket,
        json!({"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": "3"}),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        json!({"topic": "phoenix", "event": "phx_reply", "payload": {"response": {}, "status": "ok"}, "ref": "3"})
    );
}

#[tokio::test]
async fn follows_and_channel_updates_reach_their_subscriptions() {
    let sim = sim().await;
    let info = sim.info().clone();
    let channel = channel(&info);
    let streamer_id = info.user_id("streamer").unwrap().to_owned();
    let mut socket = joined_as_the_app(&sim).await;
    let subscribe = |r: &str, query: &str, variables: Value| json!(["1", r, "__absinthe__:control", "doc", {"query": query, "variables": variables}]);
    send(&mut socket, subscribe("2", "subscription($id: ID) { followers(streamerId: $id) { user { username } streamer { username } } }", json!({"id": streamer_id}))).await;
    let followers_id = next(&mut socket).await[4]["response"]["subscriptionId"].clone();
    send(
        &mut socket,
        subscribe(
            "3",
            "subscription($id: ID) { channel(id: $id) { title } }",
            json!({"id": channel}),
        ),
    )
    .await;
    let channel_id = next(&mut socket).await[4]["response"]["subscriptionId"].clone();
    assert_ne!(followers_id, channel_id);

    control(
        &sim,
        "follow",
        json!({"channel_id": channel, "username": "viewer"}),
    )
    .await;
    let push = next(&mut socket).await;
    assert_eq!(push[2], followers_id);
    assert_eq!(
        push[4]["result"]["data"]["followers"],
        json!({"user": {"username": "viewer"}, "streamer": {"username": "streamer"}})
    );

    control(
        &sim,
        "channel",
        json!({"channel_id": channel, "title": "New title"}),
    )
    .await;
    let push = next(&mut socket).await;
    assert_eq!(push[2], channel_id);
    assert_eq!(push[4]["result"]["data"]["channel"]["title"], "New title");

    let log = common::chat_log(&sim, &channel).await;
    assert_eq!(
        log.last().unwrap()["message"],
        " just followed the stream!",
        "a follow posts Glimesh's chat line"
    );
}
