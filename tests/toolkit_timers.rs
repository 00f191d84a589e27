//! Timers in a chat: the file's `[[timers]]` post on the bot's clock, only into a chat that has
//! been talking, one at a time, in turn, and only in the channels they name.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use glimbot::testing::{BOT, Harness, VIEWER};
use glimbot::{Config, TimerConfig, Timers};

const MINUTE: Duration = Duration::from_secs(60);

/// The `[[timers]]` of a file holding `timers`.
fn from_file(timers: &str) -> Timers {
    let text = format!(
        "[glimesh]\nbase_url = \"http://127.0.0.1:4000\"\nclient_id = \"app\"\n\
         [bot]\nchannels = [\"streamer\"]\n{timers}"
    );
    Timers::from_config(&Config::from_toml(&text, |_| None).unwrap().timers)
}

/// Says `count` lines in the chat and waits until the bot has seen them.
async fn chatter(chat: &mut Harness, count: usize) {
    for n in 0..count {
        chat.say(VIEWER, &format!("line {n}")).await;
    }
    chat.expect_no_message().await;
}

#[tokio::test]
async fn a_timer_posts_only_once_chat_has_said_its_lines() {
    let timers = from_file("[[timers]]\nmessage = \"Follow!\"\nevery = \"10m\"\nmin_lines = 3\n");
    let mut chat = Harness::start(|bot| bot.module(timers)).await;
    chatter(&mut chat, 2).await;
    chat.advance(10 * MINUTE);
    chat.expect_no_message().await;
    let third = chat.say(VIEWER, "the third line").await;
    chat.expect_message("Follow!").await;
    let lines = chat.transcript();
    let posted = lines.iter().position(|l| l.username == BOT).unwrap();
    let third = lines.iter().position(|l| l.id == third).unwrap();
    assert!(posted > third, "posted before the third line: {lines:?}");

    // Silence after a post keeps it quiet, however long.
    chat.advance(60 * MINUTE);
    chatter(&mut chat, 2).await;
    chat.advance(MINUTE);
    chat.expect_no_message().await;
    chatter(&mut chat, 1).await;
    chat.expect_message("Follow!").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_timer_posts_its_messages_in_turn() {
    let timers = from_file(
        "[[timers]]\nmessages = [\"one\", \"two\", \"three\"]\nevery = \"90s\"\nmin_lines = 1\n",
    );
    let mut chat = Harness::start(|bot| bot.module(timers)).await;
    for expected in ["one", "two", "three", "one"] {
        chatter(&mut chat, 1).await;
        chat.advance(Duration::from_secs(90));
        chat.expect_message(expected).await;
    }
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn two_timers_due_together_post_a_minute_apart() {
    let timers = from_file(
        "[[timers]]\nmessage = \"first\"\nevery = \"10m\"\nmin_lines = 1\n\
         [[timers]]\nmessage = \"second\"\nevery = \"10m\"\nmin_lines = 1\n",
    );
    let mut chat = Harness::start(|bot| bot.module(timers)).await;
    chatter(&mut chat, 1).await;
    chat.advance(10 * MINUTE);
    chat.expect_message("first").await;
    // A new line wakes the channel's timers: the second is due, but waits its turn.
    chatter(&mut chat, 1).await;
    chat.advance(Duration::from_secs(59));
    chatter(&mut chat, 1).await;
    assert_eq!(chat.sent(), ["first"]);
    chat.advance(Duration::from_secs(1));
    chat.expect_message("second").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_timer_posts_only_in_the_channels_it_names() {
    let elsewhere = TimerConfig {
        channels: vec!["someone_else".into()],
        min_lines: 0,
        ..TimerConfig::new(MINUTE, "not here")
    };
    let here = TimerConfig {
        channels: vec!["Streamer".into()],
        min_lines: 0,
        ..TimerConfig::new(10 * MINUTE, "here")
    };
    let timers = Timers::new().timer(elsewhere).timer(here);
    let mut chat = Harness::start(|bot| bot.module(timers)).await;
    chat.advance(MINUTE);
    chat.expect_no_message().await;
    chat.advance(9 * MINUTE);
    chat.expect_message("here").await;
    chat.stop().await.unwrap();
}
