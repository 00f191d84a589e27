//! Tests of a bot, over the real wire, against a local Glimesh in the test's own process.
//!
//! [`Harness::start`] takes the same setup as [`crate::run`], starts a fresh local Glimesh, logs
//! the bot in (no browser) and waits until it is in the streamer's chat. The test then speaks as
//! the people in the chat ([`Harness::say`], [`Harness::follow`], [`Harness::set_title`],
//! [`Harness::go_live`]) and
//! expects what the bot does ([`Harness::expect_message`] and the other `expect_` methods).
//! An expectation that fails panics with the whole chat, so the failure says what happened.
//! [`Harness::start_with_config`] adds a configuration file's toolkit sections
//! (`[[commands]]`, `[[timers]]`, `[filters]`) to the bot's configuration.
//!
//! The bot runs on a [`Clock::manual`]: [`Harness::advance`] moves its time forward, so a
//! cooldown or the send rate limit passes at once. The harness sends without a practical rate
//! limit (1000 messages a second), so a test answers many commands quickly.
//!
//! ```
//! use glimbot::Command;
//! use glimbot::testing::{Harness, VIEWER};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let mut chat = Harness::start(|bot| {
//!     bot.command(Command::new("ping", "Answers pong", |call| async move {
//!         call.reply("pong").await
//!     }))
//! })
//! .await;
//! chat.say(VIEWER, "!ping").await;
//! chat.expect_message("@viewer pong").await;
//! chat.stop().await.unwrap();
//! # });
//! ```

mod expect;
mod faults;
mod start;

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::bot::{Progress, Shutdown};
use crate::clock::Clock;
use crate::sim::Sim;
pub use crate::sim::{BOT, ChatLine, Moderation, STREAMER, VIEWER};

/// How long an expectation waits unless [`Harness::patience`] says otherwise.
const PATIENCE: Duration = Duration::from_secs(5);

/// A bot in a local Glimesh, and the chat it is in. Dropping it stops both.
pub struct Harness {
    sim: Sim,
    channel_id: String,
    clock: Clock,
    shutdown: Shutdown,
    task: Option<JoinHandle<crate::Result<()>>>,
    progress: watch::Receiver<Progress>,
    /// Wakes an expectation when a chat message is stored.
    feed: mpsc::UnboundedReceiver<ChatLine>,
    /// How many of the bot's messages expectations have taken.
    heard: usize,
    /// The id of the newest message the people of the chat posted.
    last_said: u64,
    patience: Duration,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("sim", &self.sim)
            .finish_non_exhaustive()
    }
}

impl Harness {
    /// How long each expectation waits from now on (5 s by default).
    pub fn patience(&mut self, wait: Duration) {
        self.patience = wait;
    }

    /// Posts `text` in the chat as `user`, who is signed up first if new. Returns the message's
    /// id, for [`Harness::expect_deleted`].
    ///
    /// # Panics
    /// When Glimesh refuses the message (the user is banned, the text too long…).
    pub async fn say(&mut self, user: &str, text: &str) -> String {
        self.sim.add_user(user);
        match self.sim.post_chat(&self.channel_id, user, text) {
            Ok(line) => {
                self.last_said = line.id.parse().unwrap_or(self.last_said);
                line.id
            }
            Err(refusal) => self.fail(&format!("{user} to be able to say {text:?} ({refusal})")),
        }
    }

    /// `user` (signed up first if new) follows the streamer.
    pub async fn follow(&mut self, user: &str) {
        self.sim.add_user(user);
        if let Err(refusal) = self.sim.follow(&self.channel_id, user) {
            self.fail(&format!("{user} to be able to follow ({refusal})"));
        }
    }

    /// The streamer changes the channel's title.
    pub async fn set_title(&mut self, title: &str) {
        if let Err(refusal) = self.sim.set_title(&self.channel_id, title) {
            self.fail(&format!("the title to change ({refusal})"));
        }
    }

    /// The channel goes live: a stream starts now, stamped by the local Glimesh with real time.
    /// `{uptime}` then counts from it on the bot's clock, so [`Harness::advance`] ages it.
    pub async fn go_live(&mut self) {
        if let Err(refusal) = self.sim.go_live(&self.channel_id) {
            self.fail(&format!("the channel to go live ({refusal})"));
        }
    }

    /// The channel's stream ends.
    pub async fn go_offline(&mut self) {
        if let Err(refusal) = self.sim.go_offline(&self.channel_id) {
            self.fail(&format!("the channel to go offline ({refusal})"));
        }
    }

    /// Makes `user` (signed up first if new) a moderator of the channel, and returns the name
    /// to [`say`](Harness::say) things as.
    pub fn moderator<'a>(&self, user: &'a str) -> &'a str {
        self.sim.add_moderator(&self.channel_id, user);
        user
    }

    /// Moves the bot's clock forward: cooldowns and the send rate limit see the time pass.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// The bot's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Every message of the chat so far, the bot's included, oldest first.
    pub fn transcript(&self) -> Vec<ChatLine> {
        self.sim.chat_log(&self.channel_id)
    }

    /// The texts of the bot's messages so far, oldest first.
    pub fn sent(&self) -> Vec<String> {
        let lines = self.transcript().into_iter();
        lines
            .filter(|line| line.username == BOT)
            .map(|line| line.message)
            .collect()
    }

    /// The local Glimesh, for anything else.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The id of the streamer's channel.
    pub fn channel_id(&self) -> &str {
        &self.channel_id
    }

    /// Stops the bot (it sends what it queued) and returns how its run ended.
    ///
    /// # Panics
    /// When the bot does not stop within 5 s.
    pub async fn stop(mut self) -> crate::Result<()> {
        self.shutdown.trigger();
        let task = self.task.take().expect("the bot runs until stopped");
        match tokio::time::timeout(PATIENCE, task).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(failed)) => panic!("the bot's run failed: {failed}"),
            Err(_) => panic!("the bot did not stop within {PATIENCE:?}"),
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}

#[cfg(test)]
mod ready;
