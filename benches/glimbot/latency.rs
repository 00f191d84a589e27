//! Reply latency: a viewer posts `!ping` in the emulator and the clock stops when the bot's
//! `pong` is stored. The bot runs on a current-thread runtime on its own thread, as a bot
//! process would; the emulator on its own runtime.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use glimbot::sim::{BOT, STREAMER, Sim};
use glimbot::{Bot, Command, Context, Handler, Shutdown, State, async_trait};

use crate::emulator::Emulator;
use crate::measure::current_thread_runtime;

/// Round trips before the measured ones (connections warm, caches filled).
const WARMUP: usize = 50;
/// How long one round trip or the bot's start may take before the run is abandoned.
const LIMIT: Duration = Duration::from_secs(30);

/// Tells the bench when the bot is in its channel.
struct Ready(mpsc::Sender<()>);

#[async_trait]
impl Handler for Ready {
    async fn on_ready(&self, _: &Context) -> glimbot::Result<()> {
        let _ = self.0.send(());
        Ok(())
    }
}

/// `runs` batches of `round_trips` round trips each, in milliseconds, against one bot.
pub(crate) fn measure(emulator: &Emulator, runs: usize, round_trips: usize) -> Vec<Vec<f64>> {
    let setup = emulator.setup(vec![STREAMER.into()]);
    let (shutdown_tx, shutdown_rx) = mpsc::channel::<Shutdown>();
    let (ready_tx, ready_rx) = mpsc::channel();
    let bot_thread = std::thread::spawn(move || {
        let ping = Command::new("ping", "Answers pong", |call| async move {
            call.reply("pong").await
        });
        let bot = Bot::builder(setup.config())
            .state(State::in_memory())
            .handler(Ready(ready_tx))
            .command(ping)
            .build()
            .expect("building the bot");
        let _ = shutdown_tx.send(bot.shutdown());
        current_thread_runtime()
            .block_on(bot.run())
            .expect("the bot's run");
    });
    let shutdown = shutdown_rx.recv().expect("the bot's shutdown handle");
    ready_rx.recv_timeout(LIMIT).expect("the bot got ready");
    let channel = emulator.channel_id(STREAMER);
    let batches = emulator.block_on(async {
        let mut feed = emulator.sim().chat_feed();
        ping(emulator.sim(), &mut feed, &channel, WARMUP).await;
        let mut batches = Vec::new();
        for _ in 0..runs {
            batches.push(ping(emulator.sim(), &mut feed, &channel, round_trips).await);
        }
        batches
    });
    shutdown.trigger();
    bot_thread.join().expect("the bot's thread");
    batches
}

/// Posts `!ping` and waits for the bot's answer, `count` times; each round trip in ms.
async fn ping(
    sim: &Sim,
    feed: &mut tokio::sync::mpsc::UnboundedReceiver<glimbot::sim::ChatLine>,
    channel: &str,
    count: usize,
) -> Vec<f64> {
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        sim.post_chat(channel, glimbot::sim::VIEWER, "!ping")
            .expect("the emulator takes the message");
        loop {
            let line = tokio::time::timeout(LIMIT, feed.recv())
                .await
                .expect("the bot answered in time")
                .expect("the emulator's chat feed");
            if line.username == BOT {
                break;
            }
        }
        samples.push(start.elapsed().as_secs_f64() * 1e3);
    }
    samples
}
