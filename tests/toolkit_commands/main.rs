//! Text commands in a chat: the file's `[[commands]]` with their variables, and the commands
//! the streamer and moderators keep from chat with `!command`.
#![allow(clippy::unwrap_used)]

mod chat;

use std::time::Duration;

use glimbot::testing::{Harness, STREAMER, VIEWER};
use glimbot::{BotBuilder, Command, Config, State, TextCommandConfig, TextCommands};

/// The file's `[[commands]]`, as a streamer writes them.
const COMMANDS: &str = r#"
    [glimesh]
    base_url = "http://127.0.0.1:4000"
    client_id = "app"
    [bot]
    channels = ["streamer"]

    [[commands]]
    name = "hello"
    reply = "Hi {user}, welcome to {channel}'s stream!"

    [[commands]]
    name = "so"
    aliases = ["shoutout"]
    reply = "Go see {target} at glimesh.tv/{target}!"
    usage = "who? {user}, say !so NAME"
    mods_only = true

    [[commands]]
    name = "hug"
    reply = "{user} hugs {target}{args}"
    cooldown = "30s"

    [[commands]]
    name = "pick"
    reply = "pick {arg2} or {arg1}? {random 7-7}, up {uptime}, count {count}: {title}"
"#;

fn commands() -> TextCommands {
    let config = Config::from_toml(COMMANDS, |_| None).unwrap();
    TextCommands::from_config(&config.commands)
}

/// A bot with the file's text commands and one command of its own, `!ping`.
fn bot(builder: BotBuilder) -> BotBuilder {
    builder
        .module(commands())
        .command(Command::new("ping", "Answers pong", |call| async move {
            call.reply("pong").await
        }))
}

#[tokio::test]
async fn replies_fill_in_who_where_and_the_arguments() {
    let mut chat = Harness::start(bot).await;
    chat.say(VIEWER, "!hello").await;
    chat.expect_message("Hi viewer, welcome to streamer's stream!")
        .await;
    chat.say(STREAMER, "!so @glimfan").await;
    chat.expect_message("Go see glimfan at glimesh.tv/glimfan!")
        .await;
    chat.say(VIEWER, "!hug @friend").await;
    chat.expect_message("viewer hugs friend@friend").await;
    chat.set_title("Speedruns all day").await;
    chat.say(VIEWER, "!pick tea coffee").await;
    chat.expect_message("pick coffee or tea? 7, up offline, count 1: Speedruns all day")
        .await;
    chat.say(VIEWER, "!pick").await;
    chat.expect_message("pick  or ? 7, up offline, count 2: Speedruns all day")
        .await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_missing_argument_gets_the_usage_or_nothing() {
    let mut chat = Harness::start(bot).await;
    chat.say(STREAMER, "!shoutout").await;
    chat.expect_message("who? streamer, say !so NAME").await;
    chat.say(VIEWER, "!hug").await;
    chat.expect_message("viewer hugs ").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn variables_typed_as_arguments_stay_text() {
    let mut chat = Harness::start(bot).await;
    chat.say(STREAMER, "!so {user}").await;
    chat.expect_message("Go see {user} at glimesh.tv/{user}!")
        .await;
    chat.say(VIEWER, "!hug {channel} {count}").await;
    chat.expect_message("viewer hugs {channel}{channel} {count}")
        .await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn settings_of_the_file_apply_moderators_only_and_cooldowns() {
    let mut chat = Harness::start(bot).await;
    chat.say(VIEWER, "!so someone").await;
    chat.expect_no_message().await;
    chat.say(VIEWER, "!hug a").await;
    chat.expect_message("viewer hugs aa").await;
    chat.say(VIEWER, "!hug b").await;
    chat.expect_no_message().await;
    chat.advance(Duration::from_secs(30));
    chat.say(VIEWER, "!hug c").await;
    chat.expect_message("viewer hugs cc").await;
    chat.say(VIEWER, "!commands").await;
    chat.expect_message("@viewer Commands: !commands, !hello, !hug, !pick, !ping")
        .await;
    chat.stop().await.unwrap();
}
