//! Setting up a [`Bot`]: the handler, the commands, and how the bot runs.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::api::Api;
use crate::auth::{Browser, Credentials, FileStore, LoginOptions, OAuthApp, TokenStore};
use crate::bot::{
    Bot, Command, Handler, Module, Progress, QUEUED_EVENTS, Shutdown, commands, handler,
};
use crate::clock::Clock;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::{Metrics, MetricsListener};
use crate::state::State;

/// Sets up a [`Bot`].
pub struct BotBuilder {
    config: Config,
    handler: Arc<dyn Handler>,
    commands: Vec<Command>,
    modules: Vec<Arc<dyn Module>>,
    store: Option<Arc<dyn TokenStore>>,
    browser: Browser,
    heartbeat: Duration,
    deadline: Duration,
    clock: Clock,
    queued_events: usize,
    metrics_listener: Option<MetricsListener>,
    state: Option<State>,
}

impl std::fmt::Debug for BotBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotBuilder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl BotBuilder {
    /// The configuration the bot was set up with: a setup reads the toolkit's sections here,
    /// e.g. for [`Filters::from_config`](crate::Filters::from_config).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The bot's event handler.
    pub fn handler(mut self, handler: impl Handler) -> Self {
        self.handler = Arc::new(handler);
        self
    }

    /// Adds a command.
    pub fn command(mut self, command: Command) -> Self {
        self.commands.push(command);
        self
    }

    /// Adds a [`Module`] and the commands it brings. Modules see each message in the order
    /// they were added, before the commands and the handler.
    pub fn module(mut self, module: impl Module) -> Self {
        self.commands.extend(module.commands());
        self.modules.push(Arc::new(module));
        self
    }

    /// Where the token is kept; by default a file (see [`FileStore`]).
    pub fn token_store(mut self, store: impl TokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// How the login URL is opened; by default the system browser.
    pub fn browser(mut self, browser: Browser) -> Self {
        self.browser = browser;
        self
    }

    /// How often the socket sends a heartbeat (default 30 s, well inside Glimesh's 60 s).
    pub fn heartbeat(mut self, every: Duration) -> Self {
        self.heartbeat = every;
        self
    }

    /// How long running handlers may take to finish at shutdown (default 10 s).
    pub fn shutdown_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The clock command cooldowns and the send rate limit read; by default real time. Tests
    /// pass a [`Clock::manual`] to move time forward at will.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// How many events may wait for the channels' workers, across all channels, before the
    /// socket stops reading (default 4,096): this bounds the bot's memory however many
    /// channels are busy at once. Each channel also holds at most 256.
    pub fn max_queued_events(mut self, events: usize) -> Self {
        self.queued_events = events;
        self
    }

    /// Serves the metrics on a listener already bound, instead of binding `metrics.listen`
    /// at start: a caller that binds port 0 learns the port before the bot runs.
    pub fn metrics_listener(mut self, listener: MetricsListener) -> Self {
        self.metrics_listener = Some(listener);
        self
    }

    /// The state the bot keeps across restarts; by default the SQLite file `state.path` names
    /// (see [`State::default_path`]), opened when the bot starts. Tests pass
    /// [`State::in_memory`], or a [`State::open`] file to run a bot twice on.
    pub fn state(mut self, state: State) -> Self {
        self.state = Some(state);
        self
    }

    /// Wraps the handler: dev mode counts the events the bot has finished with.
    #[cfg(feature = "sim")]
    pub(crate) fn wrap_handler(
        mut self,
        wrap: impl FnOnce(Arc<dyn Handler>) -> Arc<dyn Handler>,
    ) -> Self {
        self.handler = wrap(self.handler);
        self
    }

    /// The bot, ready to run.
    ///
    /// # Errors
    /// [`Error::Config`] when no token path is configured and there is no data directory, or
    /// when two commands answer to one name;
    /// [`Error::Http`] when the HTTP client cannot be built.
    pub fn build(self) -> Result<Bot> {
        let config = self.config;
        let glimesh = &config.glimesh;
        let app = OAuthApp {
            base_url: glimesh.base_url.clone(),
            client_id: glimesh.client_id.clone(),
            client_secret: glimesh.client_secret.clone(),
            redirect_uri: glimesh.redirect_uri.clone(),
            scopes: glimesh.scopes.clone(),
        };
        let store = match self.store {
            Some(store) => store,
            None => {
                let path = config
                    .auth
                    .token_path
                    .clone()
                    .or_else(|| FileStore::default_path(&glimesh.client_id))
                    .ok_or_else(|| Error::Config {
                        key: "auth.token_path".into(),
                        message: "there is no data directory to keep the token in; set a path"
                            .into(),
                    })?;
                Arc::new(FileStore::new(path))
            }
        };
        let options = LoginOptions {
            flow: config.auth.flow,
            browser: self.browser,
            ..LoginOptions::default()
        };
        let commands =
            commands::Commands::new(config.bot.prefix.clone(), self.commands, self.clock.clone())?;
        let metrics = match self.metrics_listener.is_some() || config.metrics.listen.is_some() {
            true => Metrics::new(&config.bot.channels, &commands.names()),
            false => Metrics::disabled(),
        };
        let credentials = Credentials::new(app, store, options)?.with_metrics(metrics.clone());
        Ok(Bot {
            api: Api::new(Arc::new(credentials))?.with_metrics(metrics.clone()),
            commands: Arc::new(commands),
            metrics,
            metrics_listener: self.metrics_listener,
            clock: self.clock,
            handler: self.handler,
            modules: self.modules.into(),
            heartbeat: self.heartbeat,
            deadline: self.deadline,
            queued_events: self.queued_events,
            state: self.state,
            shutdown: Shutdown::default(),
            progress: watch::Sender::new(Progress::default()),
            config,
        })
    }
}

impl Bot {
    /// Starts setting up a bot with this configuration.
    pub fn builder(config: Config) -> BotBuilder {
        BotBuilder {
            config,
            handler: Arc::new(handler::NoHandler),
            commands: Vec::new(),
            modules: Vec::new(),
            store: None,
            browser: Browser::default(),
            heartbeat: Duration::from_secs(30),
            deadline: Duration::from_secs(10),
            clock: Clock::real(),
            queued_events: QUEUED_EVENTS,
            metrics_listener: None,
            state: None,
        }
    }
}
