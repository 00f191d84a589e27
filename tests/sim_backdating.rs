//! The emulator's control surface posts messages and follows stamped in the past, as ones
//! stored late, for tests of what a bot does with old events; ids still grow.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{NaiveDateTime, Utc};
use common::{access_token, channel, control, graph, sim};
use serde_json::json;

/// How many seconds before now `at` (ISO-8601 without zone) is.
fn seconds_ago(at: &serde_json::Value) -> i64 {
    let at = NaiveDateTime::parse_from_str(at.as_str().unwrap(), "%Y-%m-%dT%H:%M:%S").unwrap();
    (Utc::now().naive_utc() - at).num_seconds()
}

#[tokio::test]
async fn age_secs_stamps_a_message_and_a_follow_in_the_past() {
    let sim = sim().await;
    let channel_id = channel(sim.info());
    let now = json!({"channel_id": channel_id, "username": "viewer", "message": "now"});
    let first = control(&sim, "chat", now).await;
    let old = json!({"channel_id": channel_id, "username": "viewer", "message": "old",
        "age_secs": 3600});
    let old = control(&sim, "chat", old).await;
    assert!(
        (3599..=3601).contains(&seconds_ago(&old["inserted_at"])),
        "{old}"
    );
    let (first_id, old_id): (u64, u64) = (
        first["id"].as_str().unwrap().parse().unwrap(),
        old["id"].as_str().unwrap().parse().unwrap(),
    );
    assert!(
        old_id > first_id,
        "a backdated message still takes the next id"
    );

    let follow = json!({"channel_id": channel_id, "username": "viewer", "age_secs": 600});
    control(&sim, "follow", follow).await;
    let token = access_token(&sim, "viewer", "public").await;
    let streamer = sim.info().user_id("streamer").unwrap().to_owned();
    let query = "query($id: ID) { followers(streamerId: $id, last: 1) { \
                 edges { node { insertedAt } } } }";
    let (_, body) = graph(&sim, &token, query, json!({"id": streamer})).await;
    let at = &body["data"]["followers"]["edges"][0]["node"]["insertedAt"];
    assert!((599..=601).contains(&seconds_ago(at)), "{body}");
}
