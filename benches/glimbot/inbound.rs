//! A real `glimbot::Bot` on a current-thread runtime against the flood: throughput with a
//! no-op handler, and a burst against a slow handler, run in a helper process so that its peak
//! memory is its own.
//!
//! The bot gets a saved token in a `MemoryStore`, so it never logs in; the flood answers its
//! start-up queries and its catch-up reads with canned JSON.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use glimbot::{
    AuthConfig, Bot, BotConfig, ChatMessage, Config, Context, Flow, GlimeshConfig, Handler,
    MemoryStore, Secret, SendingConfig, Token, TokenStore, async_trait,
};
use tokio::sync::Notify;

use crate::flood::{Flood, channel_name};
use crate::helper::{self, Helper};
use crate::measure::{Mark, Memory, Throughput, current_thread_runtime};

/// The helper role that runs the burst.
pub(crate) const BURST_ROLE: &str = "burst";
/// What the slow handler spends on each message.
const SLOW_HANDLER: Duration = Duration::from_micros(10);
/// The flood answers no heartbeat, so the bot sends none during a run.
const NO_HEARTBEAT: Duration = Duration::from_secs(3600);
/// Longer than any run; a bot that has not finished by then is stuck.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// The bot's configuration for the flood's `channels` channels.
fn config(base_url: &str, channels: usize) -> Config {
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
async fn run_bot(base_url: &str, channels: usize, handler: impl Handler, done: &Notify) {
    let bot = Bot::builder(config(base_url, channels))
        .handler(handler)
        .token_store(saved_token().await)
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

/// Counts messages; marks the end of the warm-up and the last one.
struct Counter {
    handled: AtomicU64,
    warmup: u64,
    events: u64,
    start: OnceLock<Mark>,
    end: OnceLock<Mark>,
    done: Notify,
}

struct Counting(Arc<Counter>);

#[async_trait]
impl Handler for Counting {
    async fn on_message(&self, _: &Context, _: &ChatMessage) -> glimbot::Result<()> {
        let counter = &self.0;
        let handled = counter.handled.fetch_add(1, Ordering::Relaxed) + 1;
        if handled == counter.warmup {
            let _ = counter.start.set(Mark::now());
        }
        if handled == counter.events {
            let _ = counter.end.set(Mark::now());
            counter.done.notify_one();
        }
        Ok(())
    }
}

/// Events per second and CPU per event of a bot with a no-op handler, after `warmup` events.
pub(crate) fn throughput(flood: &Flood, warmup: u64) -> Throughput {
    let spec = flood.spec();
    let counter = Arc::new(Counter {
        handled: AtomicU64::new(0),
        warmup,
        events: spec.events,
        start: OnceLock::new(),
        end: OnceLock::new(),
        done: Notify::new(),
    });
    let handler = Counting(Arc::clone(&counter));
    let base_url = flood.base_url();
    let bot = run_bot(&base_url, spec.channels, handler, &counter.done);
    current_thread_runtime().block_on(bot);
    let (start, end) = (counter.start.get(), counter.end.get());
    Throughput::between(
        *start.expect("the warm-up mark"),
        *end.expect("the last mark"),
        spec.events - warmup,
    )
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
    let args = [flood.base_url(), spec.events.to_string()];
    let answer = Helper::spawn(BURST_ROLE, &args).line();
    serde_json::from_str(&answer).expect("the burst's answer")
}

/// The ids seen so far; ids are 1..=N in order when nothing is lost or repeated.
#[derive(Default)]
struct Sequence {
    last: u64,
    skipped: u64,
    duplicated: u64,
}

struct Slow {
    seen: Mutex<Sequence>,
    events: u64,
    done: Notify,
}

struct SlowHandler(Arc<Slow>);

#[async_trait]
impl Handler for SlowHandler {
    async fn on_message(&self, _: &Context, message: &ChatMessage) -> glimbot::Result<()> {
        // A current-thread runtime must not sleep: the handler keeps the thread busy instead.
        let started = Instant::now();
        while started.elapsed() < SLOW_HANDLER {
            std::hint::spin_loop();
        }
        let id: u64 = message.id.parse().expect("numeric message ids");
        let mut seen = self.0.seen.lock().expect("the sequence");
        if id <= seen.last {
            seen.duplicated += 1;
        } else {
            seen.skipped += id - seen.last - 1;
            seen.last = id;
        }
        if id >= self.0.events {
            self.0.done.notify_one();
        }
        Ok(())
    }
}

/// The burst process: `--role burst BASE_URL EVENTS`. Answers one JSON [`Burst`].
pub(crate) fn burst_role(args: &[String]) {
    let [base_url, events] = args else {
        panic!("burst arguments: BASE_URL EVENTS");
    };
    helper::exit_with_parent();
    let events: u64 = events.parse().expect("a number of events");
    let slow = Arc::new(Slow {
        seen: Mutex::new(Sequence::default()),
        events,
        done: Notify::new(),
    });
    let started = Instant::now();
    let bot = run_bot(base_url, 1, SlowHandler(Arc::clone(&slow)), &slow.done);
    current_thread_runtime().block_on(bot);
    let seen = slow.seen.lock().expect("the sequence");
    let burst = Burst {
        lost: seen.skipped + (events - seen.last),
        duplicated: seen.duplicated,
        seconds: started.elapsed().as_secs_f64(),
        memory: Memory::now(),
    };
    helper::answer(&serde_json::to_string(&burst).expect("a JSON answer"));
}
