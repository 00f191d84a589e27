//! Tests of a bot, over the real wire, against a local Glimesh in the test's own process.
//!
//! [`Harness::start`] takes the same setup as [`crate::run`], starts a fresh local Glimesh, logs
//! the bot in (no browser) and waits until it is in the streamer's chat. The test then speaks as
//! the people in the chat ([`Harness::say`], [`Harness::follow`], [`Harness::set_title`]) and
//! expects what the bot does ([`Harness::expect_message`] and the other `expect_` methods).
//! An expectation that fails panics with the whole chat, so the failure says what happened.
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

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::auth::{MemoryStore, Token, TokenStore};
use crate::bot::{Bot, BotBuilder, Progress, Shutdown};
use crate::clock::Clock;
use crate::config::SendingConfig;
use crate::dev::{config, following_browser};
use crate::secret::Secret;
pub use crate::sim::{BOT, ChatLine, Moderation, STREAMER, VIEWER};
use crate::sim::{Sim, SimOptions};
use crate::state::State;

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
    /// Starts a local Glimesh and the bot `setup` describes (as [`crate::run`] takes it) in the
    /// channel of [`STREAMER`], and waits until the bot is ready.
    ///
    /// # Panics
    /// When the bot cannot start or is not ready within 5 s, with the reason.
    pub async fn start(setup: impl FnOnce(BotBuilder) -> BotBuilder) -> Harness {
        let options = SimOptions {
            auto_approve: Some(BOT.into()),
            ..SimOptions::default()
        };
        let sim = Sim::start(options)
            .await
            .unwrap_or_else(|e| panic!("the local Glimesh did not start: {e}"));
        let info = sim.info().clone();
        let mut config = config(&info).unwrap_or_else(|e| panic!("{e}"));
        config.sending = SendingConfig {
            per_second: 1000.0,
            burst: 1000,
        };
        // A token granted at once spares the login; the browser logs in again after a revoke.
        let store = MemoryStore::new();
        let granted = sim.grant_token(BOT, &config.glimesh.scopes.join(" "));
        if let Some(granted) = granted {
            let token = Token {
                access_token: Secret::new(granted.access_token),
                refresh_token: Some(Secret::new(granted.refresh_token)),
                scope: granted.scope,
                expires_at: granted.expires_at,
            };
            store.save(&token).await.unwrap_or_else(|e| panic!("{e}"));
        }
        let clock = Clock::manual();
        // A test that wants its state kept passes a file to `BotBuilder::state` in `setup`.
        let bot = setup(Bot::builder(config).state(State::in_memory()))
            .token_store(store)
            .browser(following_browser())
            .clock(clock.clone())
            .build()
            .unwrap_or_else(|e| panic!("the bot could not be built: {e}"));
        let mut progress = bot.progress();
        let shutdown = bot.shutdown();
        let feed = sim.chat_feed();
        let mut task = tokio::spawn(bot.run());
        let ready = tokio::time::timeout(PATIENCE, async {
            tokio::select! {
                ended = &mut task => panic!("the bot stopped while starting: {:?}", ended.map(|r| r.map_err(|e| e.to_string()))),
                ready = progress.wait_for(|p| p.ready > 0) => ready.map(drop).is_ok(),
            }
        });
        assert!(
            ready.await.unwrap_or(false),
            "the bot was not ready within {PATIENCE:?}"
        );
        Harness {
            channel_id: info.channel_id(STREAMER).unwrap_or_default().to_owned(),
            sim,
            clock,
            shutdown,
            task: Some(task),
            progress,
            feed,
            heard: 0,
            last_said: 0,
            patience: PATIENCE,
        }
    }

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
