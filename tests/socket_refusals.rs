//! What the socket does when the server refuses it: a refused upgrade replaces the token once
//! and then only waits; a subscription refused after a reconnect is tried again, while one
//! refused at the first start stops the bot.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Seen, bot_sim, channel, config, control, following_browser, start_bot};
use serde_json::json;

#[tokio::test]
async fn refused_upgrades_replace_the_token_once_and_then_only_wait() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;

    control(&sim, "faults", json!({"refuse_upgrades_ms": 1500})).await;
    control(&sim, "sockets/drop", json!({})).await;
    sim.post_chat(&channel_id, "viewer", "meanwhile").unwrap();
    assert_eq!(bot.next().await, Seen::Reconnected("streamer".into()));
    assert_eq!(bot.next_message().await.2, "meanwhile");

    let stats = sim.stats();
    assert!(
        stats.upgrades_refused >= 2,
        "refused {} times",
        stats.upgrades_refused
    );
    assert_eq!(
        stats.token_grants_by_type.get("refresh_token"),
        Some(&1),
        "one refresh for the refused token, none for its replacement"
    );
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_subscription_refused_after_a_reconnect_is_tried_again() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;

    control(&sim, "faults", json!({"refuse_subscriptions": 2})).await;
    control(&sim, "sockets/drop", json!({})).await;
    sim.post_chat(&channel_id, "viewer", "meanwhile").unwrap();
    assert_eq!(bot.next().await, Seen::Reconnected("streamer".into()));
    assert_eq!(bot.next_message().await.2, "meanwhile");
    assert!(
        sim.stats().sockets_accepted >= 3,
        "the refusing socket was replaced"
    );
    sim.post_chat(&channel_id, "viewer", "live").unwrap();
    assert_eq!(bot.next_message().await.2, "live");
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_subscription_refused_at_the_first_start_stops_the_bot() {
    let sim = bot_sim().await;
    control(&sim, "faults", json!({"refuse_subscriptions": 1})).await;
    let bot = glimbot::Bot::builder(config(&sim, &["streamer"]))
        .token_store(glimbot::MemoryStore::new())
        .state(glimbot::State::in_memory())
        .browser(following_browser())
        .build()
        .unwrap();
    let outcome = tokio::time::timeout(common::WAIT, bot.run()).await.unwrap();
    match outcome {
        Err(glimbot::Error::Refused(message)) => {
            assert!(message.contains("refused"), "{message}");
        }
        other => panic!("expected the refusal, got {other:?}"),
    }
}
