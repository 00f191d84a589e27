//! A real `glimbot::Bot` on a current-thread runtime against the flood: its throughput with a
//! no-op handler, in turns with the other clients.
//!
//! The bot gets a saved token in a `MemoryStore`, so it never logs in; the flood answers its
//! start-up queries and its catch-up reads with canned JSON.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use glimbot::{
    AuthConfig, Bot, BotConfig, ChatMessage, Config, Context, Flow, GlimeshConfig, Handler,
    LogFormat, MemoryStore, ResumeConfig, Secret, SendingConfig, State, StateConfig, Token,
    TokenStore, async_trait,
};
use tokio::sync::Notify;

use crate::flood::{Flood, channel_name};
use crate::measure::{Throughput, current_thread_runtime};
use crate::turns::{Schedule, Seat};

/// The flood answers no heartbeat, so the bot sends none during a run.
const NO_HEARTBEAT: Duration = Duration::from_secs(3600);
/// Longer than any run; a bot that has not finished by then is stuck.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// What the bot under measure does besides handling events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setup {
    /// Nothing: state in memory, and no resume checkpoint during a run.
    Plain,
    /// Keeps metrics, served on a loopback port nobody scrapes.
    Metrics,
    /// Writes its resume checkpoints every second to a SQLite file, as a bot does by default.
    Checkpoints,
    /// Logs as the command line does by default: text at `info`, here to a sink.
    Logs,
}

/// Longer than any run: no checkpoint is written while one lasts.
const NO_CHECKPOINT: Duration = Duration::from_secs(3600);

/// The bot's configuration for the flood's `channels` channels.
fn config(base_url: &str, channels: usize, setup: Setup) -> Config {
    Config {
        glimesh: GlimeshConfig {
            base_url: base_url.parse().expect("the flood's URL"),
            client_id: "flood".into(),
            client_secret: None,
            redirect_uri: "http://127.0.0.1:0/callback".parse().expect("a URL"),
            scopes: vec!["public".into(), "chat".into()],
        },
        bot: BotConfig {
            channels: (0..channels).map(channel_name).collect(),
            prefix: "!".into(),
        },
        auth: AuthConfig {
            flow: Flow::AuthorizationCode,
            token_path: None,
        },
        sending: SendingConfig {
            per_second: 1.0,
            burst: 3,
        },
        metrics: glimbot::MetricsConfig {
            listen: (setup == Setup::Metrics).then(|| "127.0.0.1:0".into()),
        },
        state: StateConfig::default(),
        resume: ResumeConfig {
            checkpoint: match setup {
                Setup::Checkpoints => ResumeConfig::default().checkpoint,
                Setup::Plain | Setup::Metrics | Setup::Logs => NO_CHECKPOINT,
            },
            ..ResumeConfig::default()
        },
        commands: Vec::new(),
        timers: Vec::new(),
        filters: glimbot::FiltersConfig::default(),
    }
}

/// A store holding a token good for a day, so the bot starts without a login.
async fn saved_token() -> MemoryStore {
    let store = MemoryStore::new();
    let token = Token {
        access_token: Secret::new("flood"),
        refresh_token: None,
        scope: "public chat".into(),
        expires_at: Utc::now() + TimeDelta::days(1),
    };
    store.save(&token).await.expect("saving the token");
    store
}

/// Runs a bot with `handler` against the flood until `done` is notified, then stops it.
pub(crate) async fn run_bot(
    base_url: &str,
    channels: usize,
    setup: Setup,
    handler: impl Handler,
    done: &Notify,
) {
    let dir = tempfile::tempdir().expect("a directory for the state file");
    let state = match setup {
        Setup::Checkpoints => State::open(&dir.path().join("state.sqlite3"))
            .await
            .expect("opening the state file"),
        Setup::Plain | Setup::Metrics | Setup::Logs => State::in_memory(),
    };
    let bot = Bot::builder(config(base_url, channels, setup))
        .handler(handler)
        .token_store(saved_token().await)
        .state(state)
        .heartbeat(NO_HEARTBEAT)
        .build()
        .expect("building the bot");
    let shutdown = bot.shutdown();
    let mut running = tokio::spawn(bot.run());
    tokio::select! {
        () = done.notified() => {}
        ended = &mut running => panic!("the bot stopped before the flood ended: {ended:?}"),
        () = tokio::time::sleep(RUN_LIMIT) => panic!("the bot did not get through the flood"),
    }
    shutdown.trigger();
    running
        .await
        .expect("the bot's task")
        .expect("the bot's run");
}

/// Counts messages, and tells the bot's seat at the end of the warm-up and of each turn.
struct Counter {
    handled: AtomicU64,
    schedule: Schedule,
    seat: Mutex<Seat>,
    done: Notify,
}

struct Counting(Arc<Counter>);

#[async_trait]
impl Handler for Counting {
    async fn on_message(&self, _: &Context, _: &ChatMessage) -> glimbot::Result<()> {
        let counter = &self.0;
        let handled = counter.handled.fetch_add(1, Ordering::Relaxed) + 1;
        // Waiting for its turn here blocks the bot's only thread: it stops whole.
        if counter.schedule.is_mark(handled) && counter.seat().counted(handled) {
            counter.done.notify_one();
        }
        Ok(())
    }
}

impl Counter {
    fn seat(&self) -> MutexGuard<'_, Seat> {
        self.seat.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Events per second and CPU per event of a bot with a no-op handler, in its turns at `seat`.
pub(crate) fn throughput(flood: &Flood, setup: Setup, seat: Seat) -> Throughput {
    let spec = flood.spec();
    let schedule = seat.schedule();
    assert_eq!(
        schedule.events, spec.events,
        "a schedule for the flood's events"
    );
    let counter = Arc::new(Counter {
        handled: AtomicU64::new(0),
        schedule,
        seat: Mutex::new(seat),
        done: Notify::new(),
    });
    let handler = Counting(Arc::clone(&counter));
    let base_url = flood.base_url();
    let bot = run_bot(&base_url, spec.channels, setup, handler, &counter.done);
    // The bot's runtime and tasks are all on this thread: a default for it is theirs.
    let _logs = (setup == Setup::Logs).then(|| {
        let logs = glimbot::log_subscriber("info", LogFormat::Text, false, std::io::sink);
        tracing::subscriber::set_default(logs)
    });
    current_thread_runtime().block_on(bot);
    counter.seat().timed()
}
