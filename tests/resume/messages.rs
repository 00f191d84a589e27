//! Messages sent while the bot was stopped.

use super::*;

#[tokio::test]
async fn a_channel_without_messages_at_the_first_start_replays_what_came_while_stopped() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");

    // The seeded channel has no chat yet: the first run handles nothing.
    Running::start(&sim, &path).await.stop().await;
    sim.post_chat(&channel_id, VIEWER, "first words").unwrap();

    let mut bot = Running::start(&sim, &path).await;
    assert_eq!(bot.next().await, ("first words".to_owned(), true));
    bot.stop().await;
}

#[tokio::test]
async fn what_happened_while_stopped_is_replayed_once_in_order_before_live_events() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");

    let mut bot = Running::start(&sim, &path).await;
    sim.post_chat(&channel_id, VIEWER, "before").unwrap();
    assert_eq!(bot.next().await, ("before".to_owned(), false));
    bot.stop().await;

    // 50 messages two seconds apart, a follow between the 25th and the 26th, one after the last.
    // Glimesh posts a chat line for each follow, at the same time.
    let followed = " just followed the stream!".to_owned();
    let age = |seconds: u64| Duration::from_secs(seconds);
    let mut expected = Vec::new();
    for i in 0..50 {
        let text = format!("missed {i}");
        sim.post_chat_aged(&channel_id, VIEWER, &text, age(200 - 2 * i))
            .unwrap();
        expected.push(text);
        if i == 24 {
            sim.add_user("fan_a");
            sim.follow_aged(&channel_id, "fan_a", age(151)).unwrap();
            expected.extend(["followed by fan_a".to_owned(), followed.clone()]);
        }
    }
    sim.add_user("fan_b");
    sim.follow_aged(&channel_id, "fan_b", age(50)).unwrap();
    expected.extend(["followed by fan_b".to_owned(), followed]);

    let mut bot = Running::start(&sim, &path).await;
    for event in &expected {
        assert_eq!(bot.next().await, (event.clone(), true));
    }
    sim.post_chat(&channel_id, VIEWER, "live").unwrap();
    let live = bot.next().await;
    assert_eq!(
        live,
        ("live".to_owned(), false),
        "nothing was delivered twice"
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_replayed_command_older_than_command_max_age_gets_no_answer() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let ping = || {
        Command::new("ping", "Answers pong", |call| async move {
            let text = format!("pong {}", call.rest());
            call.reply(text).await
        })
    };
    let start = |state: State| {
        let config = config(&sim, &["streamer"]);
        start_bot_with(&sim, config, move |b| b.command(ping()).state(state))
    };
    let mut bot = start(State::open(&path).await.unwrap()).await;
    sim.post_chat(&channel_id, VIEWER, "before").unwrap();
    assert_eq!(bot.messages(1).await, ["before"]);
    bot.stop().await.unwrap();

    // command_max_age is 60 s by default, max_age 600 s: both are replayed, one runs.
    let stale = Duration::from_secs(120);
    sim.post_chat_aged(&channel_id, VIEWER, "!ping stale", stale)
        .unwrap();
    let recent = Duration::from_secs(10);
    sim.post_chat_aged(&channel_id, VIEWER, "!ping recent", recent)
        .unwrap();
    let mut answers = bot_lines(&sim);
    let mut bot = start(State::open(&path).await.unwrap()).await;
    assert_eq!(bot.messages(2).await, ["!ping stale", "!ping recent"]);
    sim.post_chat(&channel_id, VIEWER, "!ping live").unwrap();
    assert_eq!(bot.messages(1).await, ["!ping live"]);
    let expected = [
        format!("@{VIEWER} pong recent"),
        format!("@{VIEWER} pong live"),
    ];
    assert_eq!(
        answers.take(2).await,
        expected,
        "the stale one was not answered"
    );
    bot.stop().await.unwrap();
}
