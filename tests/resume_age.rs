//! The age rules of a resume, end to end: messages missed while the bot was stopped and older
//! than `resume.max_age` are counted in the log, not delivered. This test has its own binary
//! because it reads the logs, and tracing caches per process which call sites are enabled.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use glimbot::State;
use glimbot::sim::VIEWER;

use common::{bot_sim, capture_logs, channel, config, start_bot_with};

#[tokio::test]
async fn missed_messages_older_than_max_age_are_skipped_and_counted() {
    let (log, _logging) = capture_logs();
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let mut config = config(&sim, &["streamer"]);
    config.resume.max_age = Duration::from_secs(300);
    let state = State::open(&path).await.unwrap();
    let mut bot = start_bot_with(&sim, config.clone(), |b| b.state(state)).await;
    sim.post_chat(&channel_id, VIEWER, "before").unwrap();
    assert_eq!(bot.messages(1).await, ["before"]);
    bot.stop().await.unwrap();

    // Stamped as sent while the bot was down, the oldest longer ago than max_age.
    for (text, age) in [("an hour ago", 3600), ("six minutes ago", 360)] {
        let age = Duration::from_secs(age);
        sim.post_chat_aged(&channel_id, VIEWER, text, age).unwrap();
    }
    for (text, age) in [("four minutes ago", 240), ("just now", 0)] {
        let age = Duration::from_secs(age);
        sim.post_chat_aged(&channel_id, VIEWER, text, age).unwrap();
    }
    let state = State::open(&path).await.unwrap();
    let mut bot = start_bot_with(&sim, config, |b| b.state(state)).await;
    assert_eq!(bot.messages(2).await, ["four minutes ago", "just now"]);
    sim.post_chat(&channel_id, VIEWER, "live").unwrap();
    assert_eq!(bot.messages(1).await, ["live"], "the old ones never came");
    bot.stop().await.unwrap();

    let log = log.text();
    let line = log
        .lines()
        .find(|l| l.contains("older than resume.max_age were not delivered"))
        .unwrap_or_else(|| panic!("no skip reported in:\n{log}"));
    assert!(line.contains("skipped=2"), "{line}");
}
