//! Timers: messages a bot posts in a channel every so often, while people are chatting there.

mod schedule;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use tokio::sync::watch;

use crate::bot::{Context, Module, Verdict};
use crate::config::TimerConfig;
use crate::error::Result;
use crate::escape::Escaped;
use crate::model::ChatMessage;
use schedule::Schedule;

/// Messages posted on a schedule, from the file's `[[timers]]` or from code. A [`Module`]: a
/// bot adds them with [`BotBuilder::module`](crate::BotBuilder::module).
///
/// A timer posts once its period has passed and at least `min_lines` chat lines from others
/// came since it last posted, so it never talks into a silent chat. Each channel walks its
/// timers in order and posts at most one at a time, a minute apart at least. Time is the
/// bot's [`Clock`](crate::Clock), which a test moves forward with `Harness::advance`.
///
/// ```
/// use std::time::Duration;
/// use glimbot::{Bot, Config, TimerConfig, Timers};
///
/// # fn setup(config: Config) -> glimbot::Result<()> {
/// let follow = TimerConfig::new(Duration::from_secs(15 * 60), "Enjoying the stream? Follow!");
/// let timers = Timers::from_config(&config.timers).timer(follow);
/// let bot = Bot::builder(config).module(timers).build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Timers {
    timers: Vec<TimerConfig>,
    /// Each channel's count of chat lines from others, by channel id, which its task watches.
    lines: Arc<Mutex<HashMap<String, watch::Sender<u64>>>>,
}

impl Timers {
    /// No timers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The file's `[[timers]]` (`config.timers`).
    pub fn from_config(timers: &[TimerConfig]) -> Self {
        Self {
            timers: timers.to_vec(),
            ..Self::default()
        }
    }

    /// Adds a timer; it comes after the others when several are due at once.
    pub fn timer(mut self, timer: TimerConfig) -> Self {
        self.timers.push(timer);
        self
    }

    /// The timers that post in the channel of `streamer`.
    fn for_channel(&self, streamer: &str) -> Vec<TimerConfig> {
        let posts_here = |timer: &&TimerConfig| {
            timer.channels.is_empty()
                || timer
                    .channels
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(streamer))
        };
        self.timers.iter().filter(posts_here).cloned().collect()
    }
}

#[async_trait]
impl Module for Timers {
    async fn on_ready(&self, ctx: &Context) -> Result<()> {
        let timers = self.for_channel(&ctx.channel().streamer.username);
        if timers.is_empty() {
            return Ok(());
        }
        let (counter, lines) = watch::channel(0);
        let mut channels = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        channels.insert(ctx.channel().id.clone(), counter);
        let schedule = Schedule::new(timers, ctx.clock().instant());
        tokio::spawn(post(ctx.clone(), schedule, lines));
        Ok(())
    }

    async fn on_message(&self, ctx: &Context, message: &ChatMessage) -> Result<Verdict> {
        // What was said before the bot started is no sign that chat is active now.
        if message.replayed {
            return Ok(Verdict::Continue);
        }
        let channels = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(counter) = channels.get(&ctx.channel().id) {
            counter.send_modify(|lines| *lines += 1);
        }
        Ok(Verdict::Continue)
    }
}

/// A channel's timers at work, until the bot stops: posts what comes due, and waits for the
/// clock or for chat.
async fn post(ctx: Context, mut schedule: Schedule, mut lines: watch::Receiver<u64>) {
    loop {
        let now = ctx.clock().instant();
        let heard = *lines.borrow_and_update();
        if let Some(message) = schedule.take(now, heard) {
            if let Err(error) = ctx.send(message).await {
                tracing::warn!(%error, channel = %Escaped(&ctx.channel().streamer.username), "a timer could not post");
            }
            continue;
        }
        let wake = schedule.next_wake(now);
        tokio::select! {
            () = ctx.stopped() => return,
            () = ctx.clock().sleep_until(wake.unwrap_or(now)), if wake.is_some() => {}
            Ok(()) = lines.changed() => {}
        }
    }
}
