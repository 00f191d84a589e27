//! Resume after a restart: the messages and follows sent while the bot was stopped are delivered
//! when it starts again on the same state, once each, in order, marked replayed, within
//! `resume.max_age`, before live ones.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use glimbot::sim::{Sim, VIEWER};
use glimbot::{ChatMessage, Command, Context, Follow, Handler, State, async_trait};
use serde_json::json;
use tokio::sync::mpsc;

use common::{
    WAIT, bot_lines, bot_sim, channel, config, control, following_browser, start_bot_with,
};

/// Reports each message and follow it is given, and when it is ready.
struct Replays(mpsc::UnboundedSender<Option<(String, bool)>>);

#[async_trait]
impl Handler for Replays {
    async fn on_ready(&self, _: &Context) -> glimbot::Result<()> {
        let _ = self.0.send(None);
        Ok(())
    }

    async fn on_message(&self, _: &Context, message: &ChatMessage) -> glimbot::Result<()> {
        let _ = self.0.send(Some((message.text.clone(), message.replayed)));
        Ok(())
    }

    async fn on_follow(&self, _: &Context, follow: &Follow) -> glimbot::Result<()> {
        let text = format!("followed by {}", follow.follower.username);
        let _ = self.0.send(Some((text, follow.replayed)));
        Ok(())
    }
}

/// A bot running on a state file, and the messages it was given.
struct Running {
    shutdown: glimbot::Shutdown,
    task: tokio::task::JoinHandle<glimbot::Result<()>>,
    seen: mpsc::UnboundedReceiver<Option<(String, bool)>>,
}

impl Running {
    /// A bot on the state file at `path`, started and ready.
    async fn start(sim: &Sim, path: &Path) -> Self {
        let (tx, mut seen) = mpsc::unbounded_channel();
        let bot = glimbot::Bot::builder(config(sim, &["streamer"]))
            .handler(Replays(tx))
            .token_store(glimbot::MemoryStore::new())
            .state(State::open(path).await.unwrap())
            .browser(following_browser())
            .build()
            .unwrap();
        let shutdown = bot.shutdown();
        let task = tokio::spawn(bot.run());
        let ready = tokio::time::timeout(WAIT, seen.recv()).await.unwrap();
        assert_eq!(ready, Some(None), "the bot got ready first");
        Self {
            shutdown,
            task,
            seen,
        }
    }

    /// The next message or follow given to the handler: its text (`followed by NAME` for a
    /// follow), and whether it was replayed.
    async fn next(&mut self) -> (String, bool) {
        let event = tokio::time::timeout(WAIT, self.seen.recv()).await.unwrap();
        event.flatten().expect("a message")
    }

    /// The next follow given to the handler, past the chat line Glimesh posts for it.
    async fn next_follow(&mut self) -> (String, bool) {
        loop {
            let event = self.next().await;
            if event.0.starts_with("followed by ") {
                return event;
            }
        }
    }

    /// Stops the bot cleanly.
    async fn stop(self) {
        self.shutdown.trigger();
        let outcome = tokio::time::timeout(WAIT, self.task).await.unwrap();
        outcome.unwrap().unwrap();
    }
}

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

/// `username`, signed up now, follows the channel, as if `age` ago.
fn follow(sim: &Sim, channel_id: &str, username: &str, age: u64) {
    sim.add_user(username);
    let age = Duration::from_secs(age);
    sim.follow_aged(channel_id, username, age).unwrap();
}

#[tokio::test]
async fn follows_made_while_stopped_are_replayed_once_in_order_within_max_age() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    follow(&sim, &channel_id, "early_fan", 0);

    let mut bot = Running::start(&sim, &path).await;
    follow(&sim, &channel_id, "first_fan", 0);
    let first = bot.next_follow().await;
    assert_eq!(
        first,
        ("followed by first_fan".to_owned(), false),
        "a first run replays no past follows"
    );
    bot.stop().await;

    // max_age is 600 s by default: the follow of an hour ago is counted, not delivered.
    follow(&sim, &channel_id, "fan_a", 120);
    follow(&sim, &channel_id, "fan_of_old", 3600);
    follow(&sim, &channel_id, "fan_b", 0);
    let mut bot = Running::start(&sim, &path).await;
    assert_eq!(
        bot.next_follow().await,
        ("followed by fan_a".to_owned(), true)
    );
    assert_eq!(
        bot.next_follow().await,
        ("followed by fan_b".to_owned(), true)
    );
    follow(&sim, &channel_id, "live_fan", 0);
    let live = bot.next_follow().await;
    assert_eq!(
        live,
        ("followed by live_fan".to_owned(), false),
        "nothing came twice"
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_follow_made_during_the_catch_up_is_delivered_once() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    Running::start(&sim, &path).await.stop().await;

    // Slow answers keep the catch-up's reads in flight while the follow is made, so it comes
    // both live and in the catch-up.
    control(&sim, "faults", json!({"latency_ms": 300})).await;
    let mut bot = Running::start(&sim, &path).await;
    follow(&sim, &channel_id, "quick_fan", 0);
    assert_eq!(
        bot.next_follow().await,
        ("followed by quick_fan".to_owned(), false)
    );
    control(&sim, "faults", json!({"latency_ms": 0})).await;
    follow(&sim, &channel_id, "next_fan", 0);
    assert_eq!(
        bot.next_follow().await,
        ("followed by next_fan".to_owned(), false)
    );
    bot.stop().await;
}
