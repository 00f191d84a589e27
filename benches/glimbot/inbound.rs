//! A real `glimbot::Bot` on a current-thread runtime against the flood: throughput with a
//! no-op handler, and a burst against a slow handler, run in a helper process so that its peak
//! memory is its own.
//!
//! The bot gets a saved token in a `MemoryStore`, so it never logs in; the flood answers its
//! start-up queries and its catch-up reads with canned JSON.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use glimbot::{
    AuthConfig, Bot, BotConfig, ChatMessage, Config, Context, Flow, GlimeshConfig, Handler,
    LogFormat, MemoryStore, ResumeConfig, Secret, SendingConfig, State, StateConfig, Token,
    TokenStore, async_trait,
};
use tokio::sync::Notify;

use crate::flood::{Flood, channel_name};
use crate::helper::{self, Helper};
use crate::measure::{Memory, Throughput, current_thread_runtime};
use crate::turns::{Schedule, Seat};

/// The helper role that runs the burst.
pub(crate) const BURST_ROLE: &str = "burst";
/// What the slow handler spends on each message.
const SLOW_HANDLER: Duration = Duration::from_micros(10);
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
async fn run_bot(
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

/// What a burst run saw.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Burst {
    pub(crate) lost: u64,
    pub(crate) duplicated: u64,
    pub(crate) seconds: f64,
    pub(crate) memory: Memory,
}

/// Runs the burst in a helper process against the flood.
pub(crate) fn burst(flood: &Flood) -> Burst {
    let spec = flood.spec();
    let args = [
        flood.base_url(),
        spec.channels.to_string(),
        spec.events.to_string(),
    ];
    let answer = Helper::spawn(BURST_ROLE, &args).line();
    serde_json::from_str(&answer).expect("the burst's answer")
}

/// One channel's ids so far. The flood gives channel `k` of `C` the ids `k + 1`, `k + 1 + C`,
/// `k + 1 + 2C`, …, so each must arrive once and in that order.
struct Sequence {
    next: u64,
    skipped: u64,
    duplicated: u64,
}

struct Slow {
    seen: Mutex<Vec<Sequence>>,
    channels: u64,
    events: u64,
    finished: AtomicU64,
    done: Notify,
}

impl Slow {
    fn new(channels: u64, events: u64) -> Self {
        let seen = (1..=channels)
            .map(|first| Sequence {
                next: first,
                skipped: 0,
                duplicated: 0,
            })
            .collect();
        Self {
            seen: Mutex::new(seen),
            channels,
            events,
            finished: AtomicU64::new(0),
            done: Notify::new(),
        }
    }

    /// Counts message `id` of the channel at `index`.
    fn saw(&self, index: usize, id: u64) {
        let mut seen = self.seen.lock().expect("the sequences");
        let channel = &mut seen[index];
        if id < channel.next {
            channel.duplicated += 1;
            return;
        }
        channel.skipped += (id - channel.next) / self.channels;
        channel.next = id + self.channels;
        if channel.next > self.events
            && self.finished.fetch_add(1, Ordering::Relaxed) + 1 == self.channels
        {
            self.done.notify_one();
        }
    }

    /// Messages never delivered, and messages delivered twice.
    fn lost_and_duplicated(&self) -> (u64, u64) {
        let seen = self.seen.lock().expect("the sequences");
        seen.iter().fold((0, 0), |(lost, duplicated), channel| {
            let never_reached = match channel.next {
                next if next <= self.events => (self.events - next) / self.channels + 1,
                _ => 0,
            };
            (
                lost + channel.skipped + never_reached,
                duplicated + channel.duplicated,
            )
        })
    }
}

struct SlowHandler(Arc<Slow>);

#[async_trait]
impl Handler for SlowHandler {
    async fn on_message(&self, ctx: &Context, message: &ChatMessage) -> glimbot::Result<()> {
        // A current-thread runtime must not sleep: the handler keeps the thread busy instead.
        let started = Instant::now();
        while started.elapsed() < SLOW_HANDLER {
            std::hint::spin_loop();
        }
        // The flood numbers its channels from 1.
        let channel: usize = ctx.channel().id.parse().expect("numeric channel ids");
        let id = message.id.parse().expect("numeric message ids");
        self.0.saw(channel - 1, id);
        Ok(())
    }
}

/// The burst process: `--role burst BASE_URL CHANNELS EVENTS`. Answers one JSON [`Burst`].
pub(crate) fn burst_role(args: &[String]) {
    let [base_url, channels, events] = args else {
        panic!("burst arguments: BASE_URL CHANNELS EVENTS");
    };
    helper::exit_with_parent();
    let channels: u64 = channels.parse().expect("a number of channels");
    let events: u64 = events.parse().expect("a number of events");
    let slow = Arc::new(Slow::new(channels, events));
    let started = Instant::now();
    let handler = SlowHandler(Arc::clone(&slow));
    let bot = run_bot(
        base_url,
        channels as usize,
        Setup::Plain,
        handler,
        &slow.done,
    );
    current_thread_runtime().block_on(bot);
    let (lost, duplicated) = slow.lost_and_duplicated();
    let burst = Burst {
        lost,
        duplicated,
        seconds: started.elapsed().as_secs_f64(),
        memory: Memory::now(),
    };
    helper::answer(&serde_json::to_string(&burst).expect("a JSON answer"));
}
