//! Resume after a restart: the messages and follows sent while the bot was stopped are delivered
//! when it starts again on the same state, once each, in order, marked replayed, within
//! `resume.max_age`, before live ones.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod follows;
mod messages;

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
