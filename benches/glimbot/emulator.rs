//! The in-process emulator (`glimbot::sim::Sim`), for the figures that need a real server
//! (reply latency, cold start, memory): it runs on a runtime of its own, in a world with extra
//! channels, and a token is saved once by a real login, so that the bots started later, here or
//! in helper processes, do not log in.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use glimbot::sim::{BOT, Sim, SimOptions, VIEWER, World};
use glimbot::{
    AuthConfig, BotConfig, Browser, Config, Credentials, FileStore, Flow, GlimeshConfig,
    LoginOptions, OAuthApp, ResumeConfig, SendingConfig, StateConfig,
};
use tempfile::TempDir;

/// How long the first login may take.
const LOGIN_LIMIT: Duration = Duration::from_secs(30);
/// Scopes every bot asks for.
const SCOPES: [&str; 2] = ["public", "chat"];

/// The streamer of the extra channel with this number (from 1).
pub(crate) fn extra_channel(number: usize) -> String {
    format!("c{number:04}")
}

/// A running emulator and the token saved for its bot account.
pub(crate) struct Emulator {
    runtime: tokio::runtime::Runtime,
    sim: Sim,
    token_path: PathBuf,
    _token_dir: TempDir,
}

impl Emulator {
    /// Starts an emulator whose world has `extra_channels` channels besides the seeded one.
    pub(crate) fn start(extra_channels: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("building the emulator's runtime");
        let world = World::seed_with(&world_file(extra_channels)).expect("a valid world");
        let options = SimOptions {
            auto_approve: Some(BOT.into()),
            world,
            ..SimOptions::default()
        };
        let sim = runtime
            .block_on(Sim::start(options))
            .expect("starting the emulator");
        let token_dir = tempfile::tempdir().expect("a directory for the token");
        let token_path = token_dir.path().join("token.json");
        let emulator = Self {
            runtime,
            sim,
            token_path,
            _token_dir: token_dir,
        };
        emulator.log_in();
        emulator
    }

    /// The first run: logs in as the bot account through the login page and saves the token.
    fn log_in(&self) {
        let options = LoginOptions {
            flow: Flow::AuthorizationCode,
            browser: following_browser(),
            timeout: LOGIN_LIMIT,
        };
        let store = Arc::new(FileStore::new(&self.token_path));
        let credentials =
            Credentials::new(self.setup(Vec::new()).app(), store, options).expect("credentials");
        self.runtime
            .block_on(credentials.access_token())
            .expect("logging in to the emulator");
    }

    pub(crate) fn sim(&self) -> &Sim {
        &self.sim
    }

    /// Runs a future on the emulator's runtime.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// How a bot joins `channels` (streamer names) here, with the saved token.
    pub(crate) fn setup(&self, channels: Vec<String>) -> BotSetup {
        BotSetup {
            url: self.sim.url().to_owned(),
            client_id: self.sim.info().client_id.clone(),
            token_path: self.token_path.display().to_string(),
            channels,
        }
    }

    /// The id of the channel of this streamer.
    pub(crate) fn channel_id(&self, streamer: &str) -> String {
        self.sim
            .info()
            .channel_id(streamer)
            .expect("a channel of the world")
            .to_owned()
    }

    /// A chat message from the viewer.
    pub(crate) fn post(&self, channel_id: &str, text: &str) {
        let _runtime = self.runtime.enter();
        self.sim
            .post_chat(channel_id, VIEWER, text)
            .expect("the emulator takes the message");
    }
}

/// The seed plus `channels` streamers, each with a channel.
fn world_file(channels: usize) -> String {
    (1..=channels)
        .map(|n| {
            let name = extra_channel(n);
            format!("[[users]]\nusername = \"{name}\"\n[[channels]]\nstreamer = \"{name}\"\n")
        })
        .collect()
}

/// A browser that follows the login URL; the emulator approves it as the bot account.
fn following_browser() -> Browser {
    Browser::With(Arc::new(|url| {
        tokio::spawn(reqwest::get(url));
    }))
}

/// What a bot needs to run against the emulator; helper processes get it as arguments.
pub(crate) struct BotSetup {
    url: String,
    client_id: String,
    token_path: String,
    channels: Vec<String>,
}

impl BotSetup {
    pub(crate) fn args(&self) -> Vec<String> {
        let fields = [&self.url, &self.client_id, &self.token_path];
        let mut args: Vec<String> = fields.into_iter().cloned().collect();
        args.push(self.channels.join(","));
        args
    }

    /// The setup from [`BotSetup::args`], and the arguments after it.
    pub(crate) fn from_args(args: &[String]) -> (Self, &[String]) {
        let [url, client_id, token_path, channels, rest @ ..] = args else {
            panic!("bot arguments: URL CLIENT_ID TOKEN_PATH CHANNELS");
        };
        let setup = Self {
            url: url.clone(),
            client_id: client_id.clone(),
            token_path: token_path.clone(),
            channels: channels.split(',').map(str::to_owned).collect(),
        };
        (setup, rest)
    }

    pub(crate) fn channels(&self) -> usize {
        self.channels.len()
    }

    fn app(&self) -> OAuthApp {
        let glimesh = self.config().glimesh;
        OAuthApp {
            base_url: glimesh.base_url,
            client_id: glimesh.client_id,
            client_secret: glimesh.client_secret,
            redirect_uri: glimesh.redirect_uri,
            scopes: glimesh.scopes,
        }
    }

    /// The configuration, with a send rate high enough not to be what a figure measures.
    pub(crate) fn config(&self) -> Config {
        Config {
            glimesh: GlimeshConfig {
                base_url: self.url.parse().expect("the emulator's URL"),
                client_id: self.client_id.clone(),
                client_secret: None,
                // Port 0: the login listens wherever it can.
                redirect_uri: "http://127.0.0.1:0/callback".parse().expect("a URL"),
                scopes: SCOPES.map(str::to_owned).to_vec(),
            },
            bot: BotConfig {
                channels: self.channels.clone(),
                prefix: "!".into(),
            },
            auth: AuthConfig {
                flow: Flow::AuthorizationCode,
                token_path: Some(self.token_path.clone().into()),
            },
            sending: SendingConfig {
                per_second: 100_000.0,
                burst: 1000,
            },
            metrics: glimbot::MetricsConfig::default(),
            state: StateConfig::default(),
            resume: ResumeConfig::default(),
            commands: Vec::new(),
            timers: Vec::new(),
            filters: glimbot::FiltersConfig::default(),
        }
    }
}
