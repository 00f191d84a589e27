//! The bot runtime against the emulator: events in, handler calls out, in order, once.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod events;

use std::time::Duration;

use common::{Seen, bot_lines, bot_sim, channel, control, post_chat, start_bot};
use glimbot::Command;
use glimbot::sim::{SimOptions, World};
use serde_json::json;

/// An emulator with a second streamer, alice: the emulator and both channels' ids.
async fn two_channels() -> (glimbot::sim::Sim, String, String) {
    let world =
        World::seed_with("[[users]]\nusername = \"alice\"\n[[channels]]\nstreamer = \"alice\"\n")
            .unwrap();
    let sim = common::sim_with(SimOptions {
        world,
        auto_approve: Some("glimbot".into()),
        ..SimOptions::default()
    })
    .await;
    let streamer = channel(sim.info());
    let alice = sim.info().channel_id("alice").unwrap().to_owned();
    (sim, streamer, alice)
}

fn ping() -> Command {
    Command::new("ping", "Answers pong", |call| async move {
        call.reply("pong").await
    })
}

#[tokio::test]
async fn a_message_reaches_the_handler_and_a_command_reply_reaches_the_chat() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b.command(ping())).await;

    post_chat(&sim, &channel_id, "viewer", "hello bot").await;
    assert_eq!(
        bot.next_message().await,
        ("streamer".into(), "viewer".into(), "hello bot".into())
    );

    let mut lines = bot_lines(&sim);
    post_chat(&sim, &channel_id, "viewer", "!ping").await;
    assert_eq!(
        bot.next_message().await.2,
        "!ping",
        "on_message sees commands too"
    );
    assert_eq!(lines.take(1).await, ["@viewer pong"]);
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn two_channels_share_a_socket_and_each_sees_only_its_own_events_in_order() {
    let (sim, streamer, alice) = two_channels().await;
    let mut bot = start_bot(&sim, &["streamer", "alice"], |b| b).await;
    assert_eq!(sim.stats().sockets_open, 1);

    for i in 0..20 {
        let (id, name) = if i % 3 == 0 {
            (&alice, "alice")
        } else {
            (&streamer, "streamer")
        };
        post_chat(&sim, id, "viewer", &format!("{name} {i}")).await;
    }
    let mut per_channel: std::collections::HashMap<String, Vec<String>> = Default::default();
    for _ in 0..20 {
        let (channel, _, text) = bot.next_message().await;
        assert!(text.starts_with(&channel), "{text} arrived in {channel}");
        per_channel.entry(channel).or_default().push(text);
    }
    let expected = |name: &str, keep: fn(usize) -> bool| -> Vec<String> {
        (0..20)
            .filter(|i| keep(*i))
            .map(|i| format!("{name} {i}"))
            .collect()
    };
    assert_eq!(per_channel["alice"], expected("alice", |i| i % 3 == 0));
    assert_eq!(
        per_channel["streamer"],
        expected("streamer", |i| i % 3 != 0)
    );
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn dropped_sockets_lose_and_duplicate_nothing() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;

    let mut texts = Vec::new();
    let post = async |from: usize| {
        for i in from..from + 50 {
            post_chat(&sim, &channel_id, "viewer", &format!("m{i}")).await;
        }
    };
    for round in 0..10 {
        post(round * 100).await;
        control(&sim, "sockets/drop", json!({})).await;
        // Posted while the bot is away: only its catch-up can deliver these.
        post(round * 100 + 50).await;
        loop {
            match bot.next().await {
                Seen::Message { text, .. } => texts.push(text),
                Seen::Reconnected(_) => break,
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    while texts.len() < 1000 {
        texts.push(bot.next_message().await.2);
    }
    let expected: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
    assert_eq!(texts, expected);
    assert_eq!(
        sim.stats().sockets_accepted,
        11,
        "ten drops, ten reconnects"
    );
    bot.stop().await.unwrap();
}
