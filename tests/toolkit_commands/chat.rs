//! Commands kept from chat (who may change them, how often they answer, what they may not
//! override), and commands made in code or named in the file beside the bot's own.

use super::*;

#[tokio::test]
async fn moderators_add_edit_list_and_remove_commands_that_outlive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let state = State::open(&path).await.unwrap();
    let mut chat = Harness::start(|b| bot(b).state(state)).await;
    let moderator = chat.moderator("mia");
    chat.say(
        moderator,
        "!command add discord Join us, {user}: discord.gg/x",
    )
    .await;
    chat.expect_message("@mia added !discord").await;
    chat.say(VIEWER, "!discord").await;
    chat.expect_message("Join us, viewer: discord.gg/x").await;
    chat.say(
        STREAMER,
        "!command edit !discord Join us at discord.gg/y ({count})",
    )
    .await;
    chat.expect_message("@streamer changed !discord").await;
    chat.say(moderator, "!command add lurk {user} is lurking")
        .await;
    chat.expect_message("@mia added !lurk").await;
    chat.advance(Duration::from_secs(5));
    chat.say(VIEWER, "!discord").await;
    chat.expect_message("Join us at discord.gg/y (1)").await;
    chat.stop().await.unwrap();

    let state = State::open(&path).await.unwrap();
    let mut chat = Harness::start(|b| bot(b).state(state)).await;
    chat.say(VIEWER, "!DISCORD").await;
    chat.expect_message("Join us at discord.gg/y (2)").await;
    chat.say(STREAMER, "!command list").await;
    chat.expect_message("@streamer Chat commands: !discord, !lurk")
        .await;
    chat.say(STREAMER, "!command remove discord").await;
    chat.expect_message("@streamer removed !discord").await;
    chat.say(VIEWER, "!discord").await;
    chat.expect_no_message().await;
    chat.say(STREAMER, "!command remove discord").await;
    chat.expect_message("@streamer there is no !discord; add it with !command add discord TEXT")
        .await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn commands_made_in_code_answer_like_those_of_the_file() {
    let commands = TextCommands::new()
        .command("discord", "{channel}'s Discord: discord.gg/x")
        .unwrap()
        .with(TextCommandConfig {
            aliases: vec!["sq".into()],
            ..TextCommandConfig::new("square", "{arg1} squared is a lot").unwrap()
        });
    let mut chat = Harness::start(|bot| bot.module(commands)).await;
    chat.say(VIEWER, "!discord").await;
    chat.expect_message("streamer's Discord: discord.gg/x")
        .await;
    chat.say(VIEWER, "!sq 12").await;
    chat.expect_message("12 squared is a lot").await;
    chat.say(STREAMER, "!command remove discord").await;
    chat.expect_message("@streamer !discord is set in the configuration file; change it there")
        .await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_command_from_chat_answers_once_in_five_seconds() {
    let mut chat = Harness::start(bot).await;
    chat.say(STREAMER, "!command add hype HYPE!").await;
    chat.expect_message("@streamer added !hype").await;
    chat.say(VIEWER, "!hype").await;
    chat.expect_message("HYPE!").await;
    chat.say("another", "!hype").await;
    chat.expect_no_message().await;
    chat.advance(Duration::from_secs(5));
    chat.say("another", "!hype").await;
    chat.expect_message("HYPE!").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn viewers_cannot_edit_commands() {
    let mut chat = Harness::start(bot).await;
    chat.say(VIEWER, "!command add free stuff").await;
    chat.expect_no_message().await;
    chat.say(VIEWER, "!free").await;
    chat.expect_no_message().await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn chat_cannot_override_the_bots_own_or_the_files_commands() {
    let mut chat = Harness::start(bot).await;
    chat.say(STREAMER, "!command add ping not pong").await;
    chat.expect_message("@streamer !ping is a built-in command")
        .await;
    chat.say(STREAMER, "!command add commands none").await;
    chat.expect_message("@streamer !commands is a built-in command")
        .await;
    chat.say(STREAMER, "!command edit shoutout someone else")
        .await;
    chat.expect_message("@streamer !shoutout is set in the configuration file; change it there")
        .await;
    chat.say(STREAMER, "!command remove hello").await;
    chat.expect_message("@streamer !hello is set in the configuration file; change it there")
        .await;
    chat.say(VIEWER, "!ping").await;
    chat.expect_message("@viewer pong").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_reply_from_chat_is_checked_before_it_is_saved() {
    let mut chat = Harness::start(bot).await;
    chat.say(STREAMER, "!command add hi Hello {usr}").await;
    chat.expect_message_matching("a refusal naming the variable", |text| {
        text.starts_with("@streamer not saved: unknown variable {usr}; did you mean {user}?")
    })
    .await;
    chat.say(STREAMER, "!command add hi").await;
    chat.expect_message("@streamer say what it answers: !command add hi TEXT")
        .await;
    chat.say(STREAMER, "!command add two words").await;
    chat.expect_message("@streamer added !two").await;
    chat.say(STREAMER, "!command add two again").await;
    chat.expect_message("@streamer !two already exists; change it with !command edit two TEXT")
        .await;
    chat.say(STREAMER, "!command").await;
    chat.expect_message(
        "@streamer use !command add NAME TEXT, !command edit NAME TEXT, !command remove NAME or !command list",
    )
    .await;
    chat.stop().await.unwrap();
}

#[test]
fn a_command_of_the_file_may_not_take_the_name_of_the_bots_own() {
    let config = Config::from_toml(COMMANDS, |_| None).unwrap();
    let hello = Command::new("hello", "Says hello", |call| async move {
        call.reply("hello").await
    });
    let built = glimbot::Bot::builder(config)
        .token_store(glimbot::MemoryStore::new())
        .module(commands())
        .command(hello)
        .build();
    match built {
        Err(glimbot::Error::Config { key, message }) => {
            assert_eq!(key, "bot.commands");
            assert!(message.contains("`!hello`"), "{message}");
        }
        other => panic!("expected the clash refused, got {:?}", other.map(drop)),
    }
}
