//! The bot runtime against the emulator: events in, handler calls out, in order, once.
#![allow(clippy::unwrap_used)]

mod common;

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

#[tokio::test]
async fn follows_and_channel_updates_reach_their_methods() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;

    control(
        &sim,
        "follow",
        json!({"channel_id": channel_id, "username": "viewer"}),
    )
    .await;
    control(
        &sim,
        "channel",
        json!({"channel_id": channel_id, "title": "Speedrun night"}),
    )
    .await;
    let mut seen = Vec::new();
    while seen.len() < 3 {
        seen.push(bot.next().await);
    }
    assert!(
        seen.contains(&Seen::Follow {
            channel: "streamer".into(),
            follower: "viewer".into()
        }),
        "{seen:?}"
    );
    assert!(
        seen.contains(&Seen::Update {
            channel: "streamer".into(),
            title: Some("Speedrun night".into())
        }),
        "{seen:?}"
    );
    assert!(seen.contains(&Seen::Message {
        channel: "streamer".into(),
        author: "viewer".into(),
        text: " just followed the stream!".into()
    }));
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_panicking_handler_does_not_stop_the_next_message() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;
    post_chat(&sim, &channel_id, "viewer", "panic!").await;
    post_chat(&sim, &channel_id, "viewer", "still there?").await;
    match bot.next().await {
        Seen::Error { error, .. } => assert!(error.contains("asked to panic"), "{error}"),
        other => panic!("expected the panic to reach on_error, got {other:?}"),
    }
    assert_eq!(bot.next_message().await.2, "still there?");
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_channel_that_does_not_exist_is_an_error_naming_it() {
    let sim = bot_sim().await;
    let bot = glimbot::Bot::builder(common::config(&sim, &["streamer", "nobody"]))
        .token_store(glimbot::MemoryStore::new())
        .state(glimbot::State::in_memory())
        .browser(common::following_browser())
        .build()
        .unwrap();
    match bot.run().await {
        Err(glimbot::Error::Config { key, message }) => {
            assert_eq!(key, "bot.channels");
            assert!(message.contains("\"nobody\""), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_channel_waiting_on_its_handler_holds_back_only_its_own_events() {
    let (sim, streamer, alice) = two_channels().await;
    let gate = std::sync::Arc::new(tokio::sync::Notify::new());
    let hold = {
        let gate = std::sync::Arc::clone(&gate);
        Command::new("hold", "Waits for the test", move |_| {
            let gate = std::sync::Arc::clone(&gate);
            async move {
                gate.notified().await;
                Ok(())
            }
        })
    };
    let mut bot = start_bot(&sim, &["streamer", "alice"], |b| b.command(hold)).await;

    post_chat(&sim, &streamer, "viewer", "!hold").await;
    assert_eq!(bot.next_message().await.2, "!hold");
    for i in 1..=5 {
        post_chat(&sim, &streamer, "viewer", &format!("streamer {i}")).await;
    }
    for i in 1..=3 {
        post_chat(&sim, &alice, "viewer", &format!("alice {i}")).await;
    }
    assert_eq!(
        bot.messages(3).await,
        ["alice 1", "alice 2", "alice 3"],
        "the other channel goes on while the first one's command waits"
    );
    gate.notify_one();
    assert_eq!(
        bot.messages(5).await,
        [
            "streamer 1",
            "streamer 2",
            "streamer 3",
            "streamer 4",
            "streamer 5"
        ],
        "what waited behind the command comes once, in order"
    );
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_checkpoint_interval_of_zero_is_a_bot_that_runs() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut config = common::config(&sim, &["streamer"]);
    config.resume.checkpoint = Duration::ZERO;
    let mut bot = common::start_bot_with(&sim, config, |b| b).await;
    for i in 0..3 {
        post_chat(&sim, &channel_id, "viewer", &format!("m{i}")).await;
    }
    assert_eq!(bot.messages(3).await, ["m0", "m1", "m2"]);
    bot.stop().await.unwrap();
}
