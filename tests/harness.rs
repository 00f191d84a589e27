//! `glimbot::testing` as a bot author uses it: only the public API, nothing from `tests/common`.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use glimbot::testing::{Harness, STREAMER, VIEWER};
use glimbot::{ChatMessage, Command, Context, Follow, Handler, async_trait};

/// The greeter of the README: says hello back, thanks followers, and times out shouting.
struct Greeter;

#[async_trait]
impl Handler for Greeter {
    async fn on_message(&self, ctx: &Context, msg: &ChatMessage) -> glimbot::Result<()> {
        if msg.text.to_lowercase().contains("hello") {
            ctx.reply(msg, "hello to you too!").await?;
        }
        if msg.text == "SPAM" {
            ctx.delete(msg).await?;
        }
        match msg.text.as_str() {
            "SHOUTING" => ctx.short_timeout(&msg.author).await,
            "SHOUTING AGAIN" => ctx.long_timeout(&msg.author).await,
            "BUY FOLLOWERS" => ctx.ban(&msg.author).await,
            _ => Ok(()),
        }
    }

    async fn on_follow(&self, ctx: &Context, follow: &Follow) -> glimbot::Result<()> {
        let name = &follow.follower.username;
        ctx.send(format!("Thanks for the follow, {name}!")).await
    }
}

fn bot(builder: glimbot::BotBuilder) -> glimbot::BotBuilder {
    builder
        .handler(Greeter)
        .command(Command::new("ping", "Answers pong", |call| async move {
            call.reply("pong").await
        }))
        .command(
            Command::new("hug", "Hugs the chat", |call| async move {
                call.ctx.send("*hugs*").await
            })
            .global_cooldown(Duration::from_secs(30)),
        )
        .command(
            Command::new("so", "Shouts someone out", |call| async move {
                call.ctx.send(format!("Go see {}!", call.rest())).await
            })
            .moderators_only(),
        )
}

#[tokio::test]
async fn the_greeter_says_hello_back() {
    let mut chat = Harness::start(bot).await;
    chat.say(VIEWER, "Hello everyone").await;
    chat.expect_message("@viewer hello to you too!").await;
    chat.say("newcomer", "hello?").await;
    chat.expect_message("@newcomer hello to you too!").await;
    assert_eq!(
        chat.sent(),
        ["@viewer hello to you too!", "@newcomer hello to you too!"]
    );
    let said: Vec<_> = chat.transcript().into_iter().map(|l| l.username).collect();
    assert_eq!(said, ["viewer", "glimbot", "newcomer", "glimbot"]);
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_cooldown_passes_when_the_clock_is_advanced() {
    let mut chat = Harness::start(bot).await;
    let started = std::time::Instant::now();
    chat.say(VIEWER, "!hug").await;
    chat.expect_message("*hugs*").await;
    chat.say(VIEWER, "!hug").await;
    chat.expect_no_message().await;
    chat.advance(Duration::from_secs(29));
    chat.say(VIEWER, "!hug").await;
    chat.expect_no_message().await;
    chat.advance(Duration::from_secs(1));
    chat.say(VIEWER, "!hug").await;
    chat.expect_message("*hugs*").await;
    assert!(started.elapsed() < Duration::from_secs(1), "no real wait");
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_moderators_command_is_refused_to_a_viewer() {
    let mut chat = Harness::start(bot).await;
    chat.say(VIEWER, "!so alice").await;
    chat.expect_no_message().await;
    let moderator = chat.moderator("mia");
    chat.say(moderator, "!so alice").await;
    chat.expect_message("Go see alice!").await;
    chat.say(STREAMER, "!so bob").await;
    chat.expect_message("Go see bob!").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_follow_is_thanked() {
    let mut chat = Harness::start(bot).await;
    chat.follow("fan").await;
    chat.expect_message("Thanks for the follow, fan!").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_reply_survives_a_dropped_socket() {
    let mut chat = Harness::start(bot).await;
    chat.drop_socket();
    chat.say(VIEWER, "!ping").await;
    chat.expect_message("@viewer pong").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn the_bot_answers_after_its_token_expires_or_is_revoked_and_after_a_restart() {
    let mut chat = Harness::start(bot).await;
    chat.expire_token();
    chat.say(VIEWER, "!ping").await;
    chat.expect_message("@viewer pong").await;
    chat.revoke_token();
    chat.say(VIEWER, "!ping").await;
    chat.expect_message("@viewer pong").await;
    chat.restart().await;
    chat.say(VIEWER, "!ping").await;
    chat.expect_message("@viewer pong").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn deletions_timeouts_and_bans_are_expected() {
    let mut chat = Harness::start(bot).await;
    let spam = chat.say("spammer", "SPAM").await;
    chat.expect_deleted(&spam).await;
    chat.say("loud", "SHOUTING").await;
    chat.expect_short_timeout("loud").await;
    chat.say("louder", "SHOUTING AGAIN").await;
    chat.expect_long_timeout("louder").await;
    chat.say("seller", "BUY FOLLOWERS").await;
    chat.expect_ban("seller").await;
    let log = chat.sim().moderation_log(chat.channel_id());
    let actions: Vec<_> = log.iter().map(|m| m.action.as_str()).collect();
    assert_eq!(
        actions,
        ["delete_message", "short_timeout", "long_timeout", "ban"]
    );
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_hundred_commands_are_answered_in_order() {
    let mut chat = Harness::start(bot).await;
    for i in 0..100 {
        chat.say(&format!("user{i}"), "!ping").await;
    }
    for i in 0..100 {
        chat.expect_message(&format!("@user{i} pong")).await;
    }
    chat.stop().await.unwrap();
}

/// Runs `test` on a task of its own and returns its panic message.
async fn panic_of(test: impl Future<Output = ()> + Send + 'static) -> String {
    let failed = tokio::spawn(test).await.unwrap_err();
    let panic = failed.into_panic();
    panic
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_else(|| panic.downcast_ref::<&str>().unwrap().to_string())
}

#[tokio::test]
async fn a_failed_expectation_shows_the_chat() {
    let wrong_reply = panic_of(async {
        let mut chat = Harness::start(bot).await;
        chat.say(VIEWER, "hello <3").await;
        chat.expect_message("@viewer pong").await;
    })
    .await;
    assert_eq!(
        wrong_reply,
        "expected the bot to say \"@viewer pong\", but it said \"@viewer hello to you too!\"\n\
         the chat:\n  viewer: hello <3\n  glimbot: @viewer hello to you too!\n"
    );

    let nothing = panic_of(async {
        let mut chat = Harness::start(bot).await;
        let spam = chat.say("spammer", "SPAM").await;
        chat.expect_deleted(&spam).await;
        chat.patience(Duration::from_millis(100));
        chat.expect_message("@spammer stop").await;
    })
    .await;
    assert_eq!(
        nothing,
        "expected the bot to say \"@spammer stop\" within 100ms\n\
         the chat:\n  spammer: SPAM (deleted)\nmoderation:\n  glimbot delete_message spammer\n"
    );

    let unexpected = panic_of(async {
        let mut chat = Harness::start(bot).await;
        chat.say(VIEWER, "!ping").await;
        chat.expect_no_message().await;
    })
    .await;
    assert!(
        unexpected.starts_with("expected no message from the bot, but it said \"@viewer pong\"\n"),
        "{unexpected}"
    );
}
