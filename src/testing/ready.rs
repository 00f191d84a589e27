//! When a bot counts as ready, as the harness and dev mode wait for it: once what it missed
//! at start is delivered.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::auth::MemoryStore;
use crate::bot::{Bot, Context, Handler};
use crate::dev::{config, following_browser};
use crate::model::ChatMessage;
use crate::sim::{BOT, STREAMER, Sim, SimOptions, VIEWER};
use crate::state::State;
use crate::testing::PATIENCE;

/// Reports the text of each message it is given.
struct Texts(mpsc::UnboundedSender<String>);

#[async_trait]
impl Handler for Texts {
    async fn on_message(&self, _: &Context, message: &ChatMessage) -> crate::Result<()> {
        let _ = self.0.send(message.text.clone());
        Ok(())
    }
}

/// A bot running on a state file, and the texts its handler was given.
struct Running {
    shutdown: crate::Shutdown,
    task: tokio::task::JoinHandle<crate::Result<()>>,
    given: mpsc::UnboundedReceiver<String>,
}

impl Running {
    /// Starts a bot on the state file at `path` and waits until it is ready.
    async fn until_ready(sim: &Sim, path: &Path) -> Running {
        let (texts, given) = mpsc::unbounded_channel();
        let bot = Bot::builder(config(sim.info()).unwrap())
            .handler(Texts(texts))
            .token_store(MemoryStore::new())
            .state(State::open(path).await.unwrap())
            .browser(following_browser())
            .build()
            .unwrap();
        let (shutdown, mut progress) = (bot.shutdown(), bot.progress());
        let task = tokio::spawn(bot.run());
        let ready = tokio::time::timeout(PATIENCE, progress.wait_for(|p| p.ready > 0)).await;
        assert!(ready.is_ok_and(|r| r.is_ok()), "the bot was not ready");
        Running {
            shutdown,
            task,
            given,
        }
    }

    /// Stops the bot and checks that its run ended well.
    async fn stop(self) {
        self.shutdown.trigger();
        let ended = tokio::time::timeout(PATIENCE, self.task).await.unwrap();
        ended.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_bot_is_ready_once_what_it_missed_is_delivered() {
    let options = SimOptions {
        auto_approve: Some(BOT.into()),
        ..SimOptions::default()
    };
    let sim = Sim::start(options).await.unwrap();
    let channel = sim.info().channel_id(STREAMER).unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");

    // A first run handles a message and leaves a checkpoint; three come while it is stopped.
    let mut bot = Running::until_ready(&sim, &path).await;
    sim.post_chat(&channel, VIEWER, "before").unwrap();
    let before = tokio::time::timeout(PATIENCE, bot.given.recv())
        .await
        .unwrap();
    assert_eq!(before.as_deref(), Some("before"));
    bot.stop().await;
    for i in 0..3 {
        sim.post_chat(&channel, VIEWER, &format!("missed {i}"))
            .unwrap();
    }

    // Every request is slowed, the catch-up that reads them back too: a bot counted ready
    // before its catch-up ended would be ready with nothing handled.
    let slow = reqwest::Client::new()
        .post(format!("{}/_sim/faults", sim.url()))
        .header("content-type", "application/json")
        .body(r#"{"latency_ms": 200}"#)
        .send()
        .await
        .unwrap();
    assert!(slow.status().is_success());
    let mut bot = Running::until_ready(&sim, &path).await;
    let handled: Vec<String> = std::iter::from_fn(|| bot.given.try_recv().ok()).collect();
    assert_eq!(handled, ["missed 0", "missed 1", "missed 2"]);
    bot.stop().await;
}
