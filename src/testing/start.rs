//! Starting a harness: a fresh local Glimesh, a bot logged in without a browser, on a manual
//! clock, with the configuration the harness writes and the toolkit sections a test adds.

use crate::auth::{MemoryStore, Token, TokenStore};
use crate::bot::{Bot, BotBuilder};
use crate::clock::Clock;
use crate::config::SendingConfig;
use crate::dev::{config, following_browser};
use crate::secret::Secret;
use crate::sim::{BOT, STREAMER, Sim, SimOptions};
use crate::state::State;
use crate::testing::{Harness, PATIENCE};

impl Harness {
    /// Starts a local Glimesh and the bot `setup` describes (as [`crate::run`] takes it) in the
    /// channel of [`STREAMER`], and waits until the bot is ready: subscribed, and what it missed
    /// at start delivered, so that what a test does next reaches it live.
    ///
    /// # Panics
    /// When the bot cannot start or is not ready within 5 s, with the reason.
    pub async fn start(setup: impl FnOnce(BotBuilder) -> BotBuilder) -> Harness {
        Self::start_with_config("", setup).await
    }

    /// As [`Harness::start`], with the toolkit's sections of a configuration file, `toml`
    /// (`[[commands]]`, `[[timers]]`, `[filters]`), in the configuration that `setup` reads
    /// from [`BotBuilder::config`]. The harness keeps its own connection settings.
    ///
    /// ```
    /// use glimbot::TextCommands;
    /// use glimbot::testing::{Harness, VIEWER};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let toml = r#"
    ///     [[commands]]
    ///     name = "discord"
    ///     reply = "join us, {user}"
    /// "#;
    /// let mut chat = Harness::start_with_config(toml, |bot| {
    ///     let commands = TextCommands::from_config(&bot.config().commands);
    ///     bot.module(commands)
    /// })
    /// .await;
    /// chat.say(VIEWER, "!discord").await;
    /// chat.expect_message("join us, viewer").await;
    /// chat.stop().await.unwrap();
    /// # });
    /// ```
    ///
    /// # Panics
    /// When `toml` is not a valid configuration or holds another section, or as
    /// [`Harness::start`] does.
    pub async fn start_with_config(
        toml: &str,
        setup: impl FnOnce(BotBuilder) -> BotBuilder,
    ) -> Harness {
        let options = SimOptions {
            auto_approve: Some(BOT.into()),
            ..SimOptions::default()
        };
        let sim = Sim::start(options)
            .await
            .unwrap_or_else(|e| panic!("the local Glimesh did not start: {e}"));
        let info = sim.info().clone();
        let config = config(&info).and_then(|config| config.with_toolkit_toml(toml));
        let mut config = config.unwrap_or_else(|e| panic!("{e}"));
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
}
