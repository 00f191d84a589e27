//! Bots in helper processes against the emulator, with the saved token: how long a process
//! takes from its start to `on_ready`, and how much memory a bot holds once its channels are
//! ready and have had some chat.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use glimbot::sim::STREAMER;
use glimbot::{Bot, ChatMessage, Context, Handler, State, async_trait};

use crate::emulator::{BotSetup, Emulator, extra_channel};
use crate::helper::{self, Helper};
use crate::measure::{Memory, current_thread_runtime};

/// The helper role that starts a bot and exits in `on_ready`.
pub(crate) const COLD_START_ROLE: &str = "cold-start";
/// The helper role that reports a bot's memory.
pub(crate) const MEMORY_ROLE: &str = "memory";
/// What a helper prints when its bot is ready.
const READY: &str = "ready";
/// Chat messages each channel gets before memory is read.
const MESSAGES_PER_CHANNEL: usize = 10;

/// Milliseconds from spawning a bot process to its `on_ready`, one per run.
pub(crate) fn cold_start(emulator: &Emulator, runs: usize) -> Vec<f64> {
    let args = emulator.setup(vec![STREAMER.into()]).args();
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let mut bot = Helper::spawn(COLD_START_ROLE, &args);
            assert_eq!(bot.line(), READY);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

/// The memory of a bot process in the first `channels` extra channels, after each has had
/// [`MESSAGES_PER_CHANNEL`] messages.
pub(crate) fn memory(emulator: &Emulator, channels: usize) -> Memory {
    let names: Vec<String> = (1..=channels).map(extra_channel).collect();
    let ids: Vec<String> = names.iter().map(|n| emulator.channel_id(n)).collect();
    let mut args = emulator.setup(names).args();
    args.push(MESSAGES_PER_CHANNEL.to_string());
    let mut bot = Helper::spawn(MEMORY_ROLE, &args);
    assert_eq!(bot.line(), READY);
    for n in 0..MESSAGES_PER_CHANNEL {
        for id in &ids {
            emulator.post(id, &format!("hello, this is message {n} of the memory run"));
        }
    }
    serde_json::from_str(&bot.line()).expect("the bot's memory")
}

/// Exits the process in `on_ready`.
struct ExitOnReady;

#[async_trait]
impl Handler for ExitOnReady {
    async fn on_ready(&self, _: &Context) -> glimbot::Result<()> {
        helper::answer(READY);
        std::process::exit(0);
    }
}

/// The cold-start process: `--role cold-start BOT_SETUP…`.
pub(crate) fn cold_start_role(args: &[String]) {
    let (setup, _) = BotSetup::from_args(args);
    helper::exit_with_parent();
    run(&setup, ExitOnReady);
}

/// Says when every channel is ready, then, once every message has arrived, the memory.
struct Census {
    channels: usize,
    messages: usize,
    ready: AtomicUsize,
    seen: AtomicUsize,
}

#[async_trait]
impl Handler for Census {
    async fn on_ready(&self, _: &Context) -> glimbot::Result<()> {
        if self.ready.fetch_add(1, Ordering::Relaxed) + 1 == self.channels {
            helper::answer(READY);
        }
        Ok(())
    }

    async fn on_message(&self, _: &Context, _: &ChatMessage) -> glimbot::Result<()> {
        if self.seen.fetch_add(1, Ordering::Relaxed) + 1 == self.messages {
            let memory = serde_json::to_string(&Memory::now()).expect("a JSON answer");
            helper::answer(&memory);
            std::process::exit(0);
        }
        Ok(())
    }
}

/// The memory process: `--role memory BOT_SETUP… MESSAGES_PER_CHANNEL`.
pub(crate) fn memory_role(args: &[String]) {
    let (setup, rest) = BotSetup::from_args(args);
    let per_channel: usize = rest
        .first()
        .and_then(|n| n.parse().ok())
        .expect("memory arguments: BOT_SETUP… MESSAGES_PER_CHANNEL");
    helper::exit_with_parent();
    let census = Census {
        channels: setup.channels(),
        messages: setup.channels() * per_channel,
        ready: AtomicUsize::new(0),
        seen: AtomicUsize::new(0),
    };
    run(&setup, census);
}

fn run(setup: &BotSetup, handler: impl Handler) {
    let bot = Bot::builder(setup.config())
        .state(State::in_memory())
        .handler(handler)
        .build()
        .expect("building the bot");
    current_thread_runtime()
        .block_on(bot.run())
        .expect("the bot's run");
}
