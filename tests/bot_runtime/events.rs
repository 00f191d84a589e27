//! Follows and channel updates, a panicking or a waiting handler, a missing channel, and a checkpoint interval of zero.

use super::*;

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
