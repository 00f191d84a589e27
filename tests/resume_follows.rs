//! Follows made while the bot was stopped are handed to `on_follow` when it starts again on the
//! same state: once each, in order, marked replayed, within `resume.max_age`, before live ones.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use glimbot::sim::Sim;
use glimbot::{Context, Follow, Handler, State, async_trait};
use serde_json::json;
use tokio::sync::mpsc;

use common::{WAIT, bot_sim, channel, config, control, following_browser};

/// Reports each follow it is given (`None` when it is ready).
struct Follows(mpsc::UnboundedSender<Option<(String, bool)>>);

#[async_trait]
impl Handler for Follows {
    async fn on_ready(&self, _: &Context) -> glimbot::Result<()> {
        let _ = self.0.send(None);
        Ok(())
    }

    async fn on_follow(&self, _: &Context, follow: &Follow) -> glimbot::Result<()> {
        let _ = self
            .0
            .send(Some((follow.follower.username.clone(), follow.replayed)));
        Ok(())
    }
}

/// A bot running on a state file, and the follows it was given.
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
            .handler(Follows(tx))
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

    /// The next follow given to the handler: the follower, and whether it was replayed.
    async fn next(&mut self) -> (String, bool) {
        let event = tokio::time::timeout(WAIT, self.seen.recv()).await.unwrap();
        event.flatten().expect("a follow")
    }

    /// Stops the bot cleanly.
    async fn stop(self) {
        self.shutdown.trigger();
        let outcome = tokio::time::timeout(WAIT, self.task).await.unwrap();
        outcome.unwrap().unwrap();
    }
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
    let first = bot.next().await;
    assert_eq!(
        first,
        ("first_fan".to_owned(), false),
        "a first run replays no past follows"
    );
    bot.stop().await;

    // max_age is 600 s by default: the follow of an hour ago is counted, not delivered.
    follow(&sim, &channel_id, "fan_a", 120);
    follow(&sim, &channel_id, "fan_of_old", 3600);
    follow(&sim, &channel_id, "fan_b", 0);
    let mut bot = Running::start(&sim, &path).await;
    assert_eq!(bot.next().await, ("fan_a".to_owned(), true));
    assert_eq!(bot.next().await, ("fan_b".to_owned(), true));
    follow(&sim, &channel_id, "live_fan", 0);
    let live = bot.next().await;
    assert_eq!(live, ("live_fan".to_owned(), false), "nothing came twice");
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
    assert_eq!(bot.next().await, ("quick_fan".to_owned(), false));
    control(&sim, "faults", json!({"latency_ms": 0})).await;
    follow(&sim, &channel_id, "next_fan", 0);
    assert_eq!(bot.next().await, ("next_fan".to_owned(), false));
    bot.stop().await;
}
