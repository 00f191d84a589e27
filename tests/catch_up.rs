//! The catch-up after a reconnect keeps trying while the API fails, and holds newer events
//! back until the gap is filled.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Seen, bot_lines, bot_sim, channel, control, start_bot};
use glimbot::Command;
use serde_json::json;

fn ping() -> Command {
    Command::new("ping", "Answers pong", |call| async move {
        call.reply("pong").await
    })
}

#[tokio::test]
async fn a_failing_catchup_keeps_trying_and_newer_messages_wait_for_it() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b.command(ping())).await;
    let mut lines = bot_lines(&sim);

    control(&sim, "faults", json!({"refuse_upgrades_ms": 300})).await;
    control(&sim, "sockets/drop", json!({})).await;
    for _ in 0..3 {
        sim.post_chat(&channel_id, "viewer", "!ping").unwrap();
    }
    // Three times what one request's retries absorb: the catch-up itself must try again.
    control(&sim, "faults", json!({"graph_errors": 12})).await;
    let before = sim.stats().graph_requests;
    assert_eq!(bot.next().await, Seen::Reconnected("streamer".into()));
    // Posted while the catch-up fails: it must not be handled before the gap is filled.
    sim.post_chat(&channel_id, "viewer", "live").unwrap();

    assert_eq!(bot.messages(4).await, ["!ping", "!ping", "!ping", "live"]);
    assert_eq!(lines.take(3).await, ["@viewer pong"; 3]);
    assert!(
        sim.stats().graph_requests - before >= 13,
        "twelve failed requests, then the catch-up that worked"
    );
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_bot_stops_promptly_while_its_catchup_keeps_failing() {
    let sim = bot_sim().await;
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;
    control(&sim, "faults", json!({"graph_errors": 1_000_000})).await;
    control(&sim, "sockets/drop", json!({})).await;
    assert_eq!(bot.next().await, Seen::Reconnected("streamer".into()));
    let failing = sim.stats().graph_requests;
    // Wait until the catch-up has failed once and is waiting to try again.
    tokio::time::timeout(common::WAIT, async {
        while sim.stats().graph_requests < failing + 4 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .unwrap();
    let stopping = std::time::Instant::now();
    bot.stop().await.unwrap();
    assert!(stopping.elapsed() < std::time::Duration::from_secs(2));
}
