//! Deduplication trusts what the bot saw, not how large an id is: a huge id, an instance with
//! fresh ids and an older id arriving late all reach the handler, and a repeat does not.
#![allow(clippy::unwrap_used)]

mod common;

use common::{bot_sim, channel, control, start_bot};
use glimbot::sim::Sim;
use serde_json::json;

fn post(sim: &Sim, channel_id: &str, text: &str) {
    sim.post_chat(channel_id, "viewer", text).unwrap();
}

/// Pushes a message under a chosen id without storing it, as a misnumbering server would.
async fn push(sim: &Sim, channel_id: &str, id: u64, text: &str) {
    let body = json!({"channel_id": channel_id, "username": "viewer", "message": text, "id": id});
    control(sim, "chat", body).await;
}

#[tokio::test]
async fn a_push_with_the_largest_id_does_not_silence_the_channel() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;

    push(&sim, &channel_id, u64::MAX, "huge").await;
    post(&sim, &channel_id, "after");
    assert_eq!(bot.messages(2).await, ["huge", "after"]);

    // The catch-up after a reconnect reads past the bogus id too.
    control(&sim, "sockets/drop", json!({})).await;
    post(&sim, &channel_id, "during the drop");
    assert_eq!(bot.messages(1).await, ["during the drop"]);
    post(&sim, &channel_id, "later");
    assert_eq!(bot.messages(1).await, ["later"]);
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn an_instance_restored_with_fresh_ids_is_served() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;
    for i in 0..5 {
        post(&sim, &channel_id, &format!("old {i}"));
    }
    assert_eq!(bot.messages(5).await.len(), 5);

    // Ids start again at 1, below the five already seen, and every socket drops.
    control(&sim, "chat/reset", json!({})).await;
    for i in 0..3 {
        post(&sim, &channel_id, &format!("new {i}"));
    }
    assert_eq!(bot.messages(3).await, ["new 0", "new 1", "new 2"]);
    post(&sim, &channel_id, "new 3");
    assert_eq!(bot.messages(1).await, ["new 3"]);
    assert_eq!(
        sim.chat_log(&channel_id)[3].id,
        "4",
        "an id the bot saw before"
    );
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn an_older_unseen_id_is_delivered_and_a_repeat_is_not() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;
    post(&sim, &channel_id, "first");
    post(&sim, &channel_id, "second");
    assert_eq!(bot.messages(2).await, ["first", "second"]);
    let first: u64 = sim.chat_log(&channel_id)[0].id.parse().unwrap();

    push(&sim, &channel_id, first, "first").await;
    push(&sim, &channel_id, first, "late, under an older id").await;
    post(&sim, &channel_id, "third");
    assert_eq!(bot.messages(2).await, ["late, under an older id", "third"]);
    bot.stop().await.unwrap();
}
