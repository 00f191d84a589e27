//! A bot's state across restarts: what a command stores, and the cooldowns running, are there
//! when the bot runs again on the same file, and a file the bot cannot use stops it before it
//! connects anywhere.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::time::Duration;

use glimbot::testing::{Harness, VIEWER};
use glimbot::{Bot, Command, Config, Error, MemoryStore, State};

/// `!count`: counts its uses in the channel, and answers with the count.
fn counter() -> Command {
    Command::new("count", "Counts its uses", |call| async move {
        let count = call.state().incr("count", 1).await?;
        call.reply(format!("count is {count}")).await
    })
}

/// Runs the counter bot on `state`, has it counted `times` times, and stops it.
async fn count(state: &State, times: u32, first: i64) {
    let state = state.clone();
    let mut chat = Harness::start(|bot| bot.command(counter()).state(state)).await;
    for n in 0..i64::from(times) {
        chat.say(VIEWER, "!count").await;
        chat.expect_message(&format!("@{VIEWER} count is {}", first + n))
            .await;
    }
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_count_survives_a_restart_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    count(&State::open(&path).await.unwrap(), 3, 1).await;
    // A new store on the file, as a new process would open it.
    count(&State::open(&path).await.unwrap(), 2, 4).await;
}

/// `!so`: answers, at most once every 30 s in the channel.
fn shout_out() -> Command {
    Command::new("so", "Shouts out", |call| async move {
        call.reply("shout").await
    })
    .global_cooldown(Duration::from_secs(30))
}

#[tokio::test]
async fn a_cooldown_survives_a_restart_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let state = State::open(&path).await.unwrap();
    let mut chat = Harness::start(|bot| bot.command(shout_out()).state(state)).await;
    chat.say(VIEWER, "!so").await;
    chat.expect_message(&format!("@{VIEWER} shout")).await;
    chat.stop().await.unwrap();

    let state = State::open(&path).await.unwrap();
    let mut chat = Harness::start(|bot| bot.command(shout_out()).state(state)).await;
    chat.say(VIEWER, "!so").await;
    chat.expect_no_message().await;
    chat.advance(Duration::from_secs(31));
    chat.say(VIEWER, "!so").await;
    chat.expect_message(&format!("@{VIEWER} shout")).await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn each_harness_starts_with_empty_state_by_default() {
    for _ in 0..2 {
        let mut chat = Harness::start(|bot| bot.command(counter())).await;
        chat.say(VIEWER, "!count").await;
        chat.expect_message(&format!("@{VIEWER} count is 1")).await;
        chat.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_damaged_state_file_stops_the_bot_before_it_connects() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let garbage = b"this is not a database, but someone's notes".repeat(200);
    fs::write(&path, &garbage).unwrap();
    // Nothing listens on port 1: had the bot connected first, it would fail on base_url.
    let text = format!(
        "[glimesh]\nbase_url = \"http://127.0.0.1:1\"\nclient_id = \"app\"\n\
         [bot]\nchannels = [\"streamer\"]\n[state]\npath = {path:?}\n"
    );
    let config = Config::from_toml(&text, |_| None).unwrap();
    let bot = Bot::builder(config)
        .token_store(MemoryStore::new())
        .build()
        .unwrap();
    match bot.run().await {
        Err(Error::State { path: named, .. }) => assert_eq!(named, path),
        other => panic!("expected the state file refused, got {other:?}"),
    }
    assert_eq!(fs::read(&path).unwrap(), garbage, "the file was changed");
}
