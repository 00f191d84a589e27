//! `{uptime}` in a text command: how long the channel's stream has been live, by the bot's
//! clock, from the start Glimesh stamped; `offline` when there is no stream.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use glimbot::TextCommands;
use glimbot::testing::{Harness, VIEWER};

const UPTIME: &str = r#"
    [[commands]]
    name = "uptime"
    reply = "live for {uptime}"
"#;

async fn start() -> Harness {
    Harness::start_with_config(UPTIME, |bot| {
        let commands = TextCommands::from_config(&bot.config().commands);
        bot.module(commands)
    })
    .await
}

#[tokio::test]
async fn uptime_is_offline_until_the_channel_goes_live() {
    let mut chat = start().await;
    chat.say(VIEWER, "!uptime").await;
    chat.expect_message("live for offline").await;
    chat.go_live().await;
    chat.say(VIEWER, "!uptime").await;
    chat.expect_message("live for 0 min").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn uptime_counts_from_the_stream_start_and_stops_at_its_end() {
    let mut chat = start().await;
    chat.go_live().await;
    // The stream started at real time; the bot's clock is 62 minutes ahead of it.
    chat.advance(Duration::from_secs(62 * 60));
    chat.say(VIEWER, "!uptime").await;
    chat.expect_message("live for 1 h 02 min").await;
    chat.advance(Duration::from_secs(3 * 3600));
    chat.say(VIEWER, "!uptime").await;
    chat.expect_message("live for 4 h 02 min").await;
    chat.go_offline().await;
    chat.say(VIEWER, "!uptime").await;
    chat.expect_message("live for offline").await;
    chat.stop().await.unwrap();
}
