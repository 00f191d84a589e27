//! A channel's worker: runs the handler for the channel's events, one at a time and in order,
//! and after every (re)subscription delivers the messages the socket could not.

mod catch_up;
mod seen;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::bot::commands::Commands;
use crate::bot::cooldown::Cooldowns;
use crate::bot::queue::Receiver;
use crate::bot::{Context, Handler};
use crate::error::{Error, Result};
use crate::model::ChatMessage;
use crate::socket::Event;
use seen::Seen;

/// What a worker is given to do.
#[derive(Debug)]
pub(crate) enum Work {
    /// The channel's chat is subscribed: the first time, or again after a reconnect.
    Subscribed { first: bool },
    /// Something happened.
    Event(Event),
}

/// One channel's worker.
pub(crate) struct Worker {
    pub(crate) ctx: Context,
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) commands: Arc<Commands>,
    /// How many handlers may run at once across all channels.
    pub(crate) running: Arc<Semaphore>,
    /// How long a running handler may take to finish once the bot stops.
    pub(crate) deadline: Duration,
    /// The id of the channel's newest message when the bot started.
    pub(crate) last_seen: u64,
    pub(crate) cooldowns: Cooldowns,
    /// Where the worker reports what it has done, for whoever waits on the bot.
    pub(crate) progress: watch::Sender<Progress>,
}

/// How far a bot has come: channels ready, and the newest message handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    pub(crate) ready: usize,
    pub(crate) handled: u64,
}

impl Worker {
    /// Works until the queue ends or `stop` is cancelled; then finishes the current event
    /// (within the deadline) and leaves the rest.
    pub(crate) async fn run(mut self, mut queue: Receiver<Work>, stop: CancellationToken) {
        let span = tracing::info_span!("channel", name = %self.ctx.channel().streamer.username);
        let deadline = self.deadline;
        let mut seen = Seen::after(self.last_seen);
        async move {
            loop {
                let work = tokio::select! {
                    biased;
                    _ = stop.cancelled() => break,
                    work = queue.recv() => match work { Some(work) => work, None => break },
                };
                let done = self.handle(work, &mut seen, &stop);
                tokio::pin!(done);
                tokio::select! {
                    () = &mut done => {}
                    () = async { stop.cancelled().await; tokio::time::sleep(deadline).await } => {
                        tracing::warn!("a handler did not finish before the shutdown deadline");
                        break;
                    }
                }
            }
        }
        .instrument(span)
        .await;
    }

    async fn handle(&mut self, work: Work, seen: &mut Seen, stop: &CancellationToken) {
        let ctx = self.ctx.clone();
        let handler = Arc::clone(&self.handler);
        match work {
            Work::Subscribed { first } => {
                if first {
                    self.call("ready", handler.on_ready(&ctx)).await;
                    self.progress.send_modify(|p| p.ready += 1);
                } else {
                    self.call("reconnect", handler.on_reconnect(&ctx)).await;
                }
                self.catch_up(seen, stop).await;
            }
            Work::Event(Event::Chat(message)) => self.message(message, seen).await,
            Work::Event(Event::Follow(follow)) => {
                self.call("follow", handler.on_follow(&ctx, &follow)).await
            }
            Work::Event(Event::ChannelUpdate(update)) => {
                self.call("channel update", handler.on_channel_update(&ctx, &update))
                    .await;
            }
        }
    }

    /// Hands a message to the handler and the commands, once, unless the bot wrote it.
    async fn message(&mut self, message: ChatMessage, seen: &mut Seen) {
        if !seen.first_sight(&message) {
            return;
        }
        if message.author.id != self.ctx.me().id {
            self.handle_message(&message).await;
        }
        // Only dev mode watches; without a watcher, skip the lock on every message.
        if self.progress.receiver_count() > 0
            && let Some(seq) = message.seq()
        {
            self.progress.send_if_modified(|p| {
                let newer = seq > p.handled;
                p.handled = p.handled.max(seq);
                newer
            });
        }
    }

    async fn handle_message(&mut self, message: &ChatMessage) {
        let span = tracing::debug_span!("message", id = %message.id);
        async {
            self.call("message", self.handler.on_message(&self.ctx, message))
                .await;
            let commands = Arc::clone(&self.commands);
            if let Some(command) = commands.invoked(&self.ctx, message, &mut self.cooldowns) {
                self.call("command", command).await;
            }
        }
        .instrument(span)
        .await;
    }

    /// Runs one handler method, with a permit, catching its panic.
    async fn call(&self, what: &'static str, method: impl Future<Output = Result<()>>) {
        let _permit = self.running.acquire().await;
        let outcome = AssertUnwindSafe(method).catch_unwind().await;
        report(&self.ctx, &*self.handler, what, outcome).await;
    }
}

/// Sends a failed or panicked handler's error to `on_error`.
async fn report(
    ctx: &Context,
    handler: &dyn Handler,
    what: &'static str,
    outcome: std::thread::Result<Result<()>>,
) {
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(error)) => handler.on_error(ctx, error).await,
        Err(panic) => {
            let text = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            tracing::error!(handler = what, panic = %text, "a handler panicked; the bot carries on");
            handler.on_error(ctx, Error::Panic(text)).await;
        }
    }
}
