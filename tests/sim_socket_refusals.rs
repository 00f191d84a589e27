//! The emulator's socket refuses and closes as Glimesh's does: bad credentials, unknown
//! topics, malformed frames, silence, and a dropped server.
#![allow(clippy::unwrap_used)]

mod common;

use common::socket::{CHAT_SUBSCRIPTION, closes, connect, next, send, socket_url};
use common::{access_token, control, sim, sim_with};
use futures_util::SinkExt;
use glimbot::sim::SimOptions;
use serde_json::json;
use tokio_tungstenite::tungstenite::{self, Message};

#[tokio::test]
async fn the_upgrade_is_refused_with_403_for_bad_credentials_or_version() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    for query in [
        "vsn=2.0.0&token=nonsense".to_owned(),
        "vsn=2.0.0".to_owned(),
        format!("vsn=3.0.0&token={token}"),
    ] {
        let error = tokio_tungstenite::connect_async(socket_url(&sim, &query))
            .await
            .unwrap_err();
        match error {
            tungstenite::Error::Http(response) => {
                assert_eq!(response.status(), 403, "{query}");
                assert!(
                    response.body().as_ref().is_none_or(|b| b.is_empty()),
                    "{query}"
                );
            }
            other => panic!("{query}: expected an HTTP refusal, got {other}"),
        }
    }
}

#[tokio::test]
async fn unjoined_topics_are_unmatched_and_bad_variables_are_refused() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    let mut socket = connect(&sim, &format!("vsn=2.0.0&token={token}")).await;
    send(
        &mut socket,
        json!(["1", "1", "__absinthe__:control", "doc", {"query": "{ myself { id } }"}]),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        json!([null, "1", "__absinthe__:control", "phx_reply", {"response": {"reason": "unmatched topic"}, "status": "error"}])
    );
    send(
        &mut socket,
        json!(["1", "2", "__absinthe__:control", "phx_join", {}]),
    )
    .await;
    next(&mut socket).await;
    send(&mut socket, json!(["1", "3", "__absinthe__:control", "doc", {"query": CHAT_SUBSCRIPTION, "variables": [1]}])).await;
    assert_eq!(
        next(&mut socket).await[4],
        json!({"response": {"error": "Could not parse variables as map"}, "status": "error"})
    );
    send(
        &mut socket,
        json!(["1", "4", "__absinthe__:control", "doc", {"query": "subscription { nonsense }"}]),
    )
    .await;
    let reply = next(&mut socket).await;
    assert_eq!(reply[4]["status"], "error");
    assert!(
        reply[4]["response"]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nonsense")
    );
}

#[tokio::test]
async fn malformed_frames_close_that_socket_and_the_server_keeps_serving() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    for garbage in [
        "not json",
        "[1,2,3]",
        "{\"topic\": 5}",
        "",
        "[\"1\",\"1\",7,\"phx_join\",{}]",
    ] {
        let mut socket = connect(&sim, &format!("vsn=2.0.0&token={token}")).await;
        socket.send(Message::text(garbage)).await.unwrap();
        assert!(
            closes(&mut socket).await,
            "{garbage:?} should close the socket"
        );
    }
    let mut socket = connect(&sim, &format!("vsn=2.0.0&token={token}")).await;
    send(
        &mut socket,
        json!(["1", "1", "__absinthe__:control", "phx_join", {}]),
    )
    .await;
    assert_eq!(next(&mut socket).await[4]["status"], "ok");
    let (status, _) = common::graph(&sim, &token, "{ myself { id } }", json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn silent_sockets_are_closed_after_the_idle_timeout() {
    let options = SimOptions {
        idle_timeout: std::time::Duration::from_millis(200),
        ..SimOptions::default()
    };
    let sim = sim_with(options).await;
    let token = access_token(&sim, "viewer", "public").await;
    let mut socket = connect(&sim, &format!("vsn=2.0.0&token={token}")).await;
    assert!(closes(&mut socket).await);
    assert_eq!(sim.stats().sockets_open, 0);
}

#[tokio::test]
async fn dropping_sockets_closes_every_open_socket() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    let mut a = connect(&sim, &format!("vsn=2.0.0&token={token}")).await;
    let mut b = connect(&sim, &format!("vsn=2.0.0&token={token}")).await;
    send(&mut a, json!([null, "1", "phoenix", "heartbeat", {}])).await;
    next(&mut a).await;
    send(&mut b, json!([null, "1", "phoenix", "heartbeat", {}])).await;
    next(&mut b).await;
    assert_eq!(sim.stats().sockets_open, 2);
    control(&sim, "sockets/drop", json!({})).await;
    assert!(closes(&mut a).await);
    assert!(closes(&mut b).await);
}
