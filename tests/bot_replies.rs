//! The bot's chat lines against the emulator: long replies split, bursts kept to the rate,
//! cooldowns and moderators' commands, and the queue sent at a stop.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{RunningBot, bot_lines, bot_sim, channel, post_chat, start_bot};
use glimbot::testing::{Harness, STREAMER, VIEWER};
use glimbot::{Command, Context};

/// Everything the bot has written in the channel, as the emulator stored it.
fn bot_log(sim: &glimbot::sim::Sim, channel_id: &str) -> Vec<String> {
    let lines = sim.chat_log(channel_id).into_iter();
    lines
        .filter(|l| l.username == glimbot::sim::BOT)
        .map(|l| l.message)
        .collect()
}

#[tokio::test]
async fn long_replies_are_split_and_bursts_keep_to_the_rate() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let long = "日本語のテキスト ".repeat(66); // 594 characters of three-byte letters, with spaces
    let reply = long.clone();
    let burst = Command::new("burst", "Sends 100 messages", |call| async move {
        let sends = (0..100).map(|i| call.ctx.send(format!("burst {i}")));
        for outcome in futures_util::future::join_all(sends).await {
            outcome?;
        }
        Ok(())
    });
    let bot = start_bot(&sim, &["streamer"], move |b| {
        b.command(Command::new("long", "A long reply", move |call| {
            let reply = reply.clone();
            async move { call.ctx.send(reply).await }
        }))
        .command(burst)
    })
    .await;

    let mut lines = bot_lines(&sim);
    post_chat(&sim, &channel_id, "viewer", "!long").await;
    let parts = lines.take(3).await;
    assert_eq!(parts.len(), 3, "{parts:?}");
    for part in &parts {
        assert!(
            part.chars().count() <= 255,
            "{} characters",
            part.chars().count()
        );
    }
    assert_eq!(parts.join(" "), long.trim_end());

    // The test configuration allows 200 a second after a burst of 20: 100 take at least 0.4 s.
    let started = std::time::Instant::now();
    post_chat(&sim, &channel_id, "viewer", "!burst").await;
    let burst = lines.take(100).await;
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        burst,
        (0..100).map(|i| format!("burst {i}")).collect::<Vec<_>>()
    );
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn cooldowns_and_moderator_commands_behave_for_viewers_and_moderators() {
    let shoutout = Command::new("so", "Shouts out a user", |call| async move {
        call.ctx
            .send(format!("Go follow {}!", call.args.join(" ")))
            .await
    })
    .moderators_only();
    let cooled = Command::new(
        "hug",
        "Hugs",
        |call| async move { call.reply("hug!").await },
    )
    .user_cooldown(Duration::from_secs(3600));
    let mut chat = Harness::start(|b| b.command(shoutout).command(cooled)).await;

    chat.say(VIEWER, "!so someone").await;
    chat.expect_no_message().await;
    chat.say(STREAMER, "!so viewer").await;
    chat.expect_message("Go follow viewer!").await;
    chat.say(VIEWER, "!hug").await;
    chat.expect_message("@viewer hug!").await;
    chat.say(VIEWER, "!hug").await;
    chat.expect_no_message().await;
    chat.say(STREAMER, "!hug").await;
    chat.expect_message("@streamer hug!").await;
    chat.advance(Duration::from_secs(3599));
    chat.say(VIEWER, "!hug").await;
    chat.expect_no_message().await;
    chat.advance(Duration::from_secs(1));
    chat.say(VIEWER, "!hug").await;
    chat.expect_message("@viewer hug!").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_sends_everything_still_queued() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let flood = Command::new("flood", "Queues 30 messages", |call| async move {
        let ctx: Context = call.ctx.clone();
        let sends = (0..30).map(|i| ctx.send(format!("queued {i}")));
        futures_util::future::join_all(sends).await;
        Ok(())
    });
    let mut config = common::config(&sim, &["streamer"]);
    config.sending = glimbot::SendingConfig {
        per_second: 20.0,
        burst: 1,
    };
    let bot = common::start_bot_with(&sim, config, |b| {
        b.command(flood).shutdown_deadline(Duration::from_millis(1))
    })
    .await;
    let mut lines = bot_lines(&sim);
    post_chat(&sim, &channel_id, "viewer", "!flood").await;
    // The first message out means all 30 are queued; at 20 a second the rest are still waiting.
    assert_eq!(lines.take(1).await, ["queued 0"]);
    let RunningBot { shutdown, task, .. } = bot;
    shutdown.trigger();
    task.await.unwrap().unwrap();
    let lines = bot_log(&sim, &channel_id);
    assert_eq!(
        lines,
        (0..30).map(|i| format!("queued {i}")).collect::<Vec<_>>()
    );
}
