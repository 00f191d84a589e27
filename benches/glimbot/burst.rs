//! A million events against a slow handler, in a helper process so that its peak memory is its
//! own: into one channel, then spread over many, where every channel's queue can fill at once.
//! Every channel's ids must arrive once and in order.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use glimbot::{ChatMessage, Context, Handler, async_trait};
use tokio::sync::Notify;

use crate::figure::Figure;
use crate::flood::{Flood, Spec};
use crate::helper::{self, Helper};
use crate::inbound::{Setup, run_bot};
use crate::measure::{Memory, current_thread_runtime};
use crate::{MANY_CHANNELS, SLOW_RUNS, in_channels, progress};

/// The helper role that runs the burst.
pub(crate) const BURST_ROLE: &str = "burst";
/// What the slow handler spends on each message.
const SLOW_HANDLER: Duration = Duration::from_micros(10);
const BURST_EVENTS: u64 = 1_000_000;

/// The burst's figures: into one channel, then into many.
pub(crate) fn figures() -> Vec<Figure> {
    let mut figures = burst_of(1, "< 20 MiB (flat: the 1-channel budget)", 20.0);
    figures.extend(burst_of(
        MANY_CHANNELS,
        "< 40 MiB (queued events bounded across channels)",
        40.0,
    ));
    figures
}

fn burst_of(channels: usize, memory_target: &str, memory_limit: f64) -> Vec<Figure> {
    let flood = Flood::start(Spec {
        channels,
        events: BURST_EVENTS,
    });
    let runs: Vec<Burst> = (1..=SLOW_RUNS)
        .map(|run| {
            let into = in_channels(channels);
            progress(&format!("burst into {into}, run {run} of {SLOW_RUNS}"));
            burst(&flood)
        })
        .collect();
    let field = |get: fn(&Burst) -> f64| runs.iter().map(get).collect::<Vec<_>>();
    let into = in_channels(channels);
    let name = |what: &str| format!("Burst of 1 M at 10 µs/event into {into}: {what}");
    vec![
        Figure::new(name("lost"), "count", field(|b| b.lost as f64))
            .target("0 in every run", |_| runs.iter().all(|b| b.lost == 0)),
        Figure::new(name("duplicated"), "count", field(|b| b.duplicated as f64))
            .target("0 in every run", |_| runs.iter().all(|b| b.duplicated == 0)),
        Figure::new(name("peak RSS"), "MiB", field(|b| b.memory.peak_mib))
            .target(memory_target, |_| {
                runs.iter().all(|b| b.memory.peak_mib < memory_limit)
            }),
        Figure::new(name("duration"), "s", field(|b| b.seconds)),
    ]
}

/// What a burst run saw.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Burst {
    lost: u64,
    duplicated: u64,
    seconds: f64,
    memory: Memory,
}

/// Runs the burst in a helper process against the flood.
fn burst(flood: &Flood) -> Burst {
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
