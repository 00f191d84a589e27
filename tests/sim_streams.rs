//! The emulator's channels go live and offline: `POST /_sim/stream` plays the streamer's
//! broadcasting software, and `Channel.status` and `Channel.stream` answer as Glimesh's do.
#![allow(clippy::unwrap_used)]

mod common;

use common::{access_token, channel, control, graph, http, sim};
use reqwest::StatusCode;
use serde_json::{Value, json};

const STREAM: &str = "query($id: ID) { channel(id: $id) { status stream { id title startedAt \
    endedAt channel { id } } } }";

async fn channel_now(sim: &glimbot::sim::Sim, token: &str) -> Value {
    let id = channel(sim.info());
    let (_, body) = graph(sim, token, STREAM, json!({ "id": id })).await;
    body["data"]["channel"].clone()
}

#[tokio::test]
async fn a_channel_is_live_while_its_stream_runs() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    let id = channel(sim.info());
    let offline = channel_now(&sim, &token).await;
    assert_eq!(offline, json!({"status": "OFFLINE", "stream": null}));

    let answer = control(&sim, "stream", json!({"channel_id": id, "live": true})).await;
    assert_eq!(answer, json!({"live": true}));
    let live = channel_now(&sim, &token).await;
    assert_eq!(live["status"], "LIVE");
    let stream = &live["stream"];
    assert_eq!(stream["channel"]["id"], id.as_str());
    assert_eq!(stream["title"], "Live on the local Glimesh");
    assert_eq!(stream["endedAt"], Value::Null);
    let started = stream["startedAt"].as_str().unwrap();
    let started = chrono::NaiveDateTime::parse_from_str(started, "%Y-%m-%dT%H:%M:%S").unwrap();
    let age = chrono::Utc::now().naive_utc() - started;
    assert!((0..5).contains(&age.num_seconds()), "started at {started}");

    // Going live again keeps the stream that runs.
    control(&sim, "stream", json!({"channel_id": id, "live": true})).await;
    assert_eq!(channel_now(&sim, &token).await, live);

    control(&sim, "stream", json!({"channel_id": id, "live": false})).await;
    let ended = channel_now(&sim, &token).await;
    assert_eq!(ended, json!({"status": "OFFLINE", "stream": null}));
}

#[tokio::test]
async fn an_unknown_channel_cannot_go_live() {
    let sim = sim().await;
    let response = http()
        .post(format!("{}/_sim/stream", sim.url()))
        .json(&json!({"channel_id": 99, "live": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer, json!({"error": "no such channel"}));
    assert!(sim.go_live("99").is_err());
}
