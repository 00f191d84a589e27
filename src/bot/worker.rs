//! A channel's worker: runs the handler for the channel's events, one at a time and in order,
//! and once the channel is subscribed (at start, and again after a reconnect) delivers the
//! messages the socket could not.

mod catch_up;
mod checkpoint;
mod follows;
mod resume_point;
mod seen;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::bot::commands::Commands;
use crate::bot::cooldown::StoredCooldowns;
use crate::bot::queue::Receiver;
use crate::bot::subscriptions::{ChannelSubscriptions, Event, Kind};
use crate::bot::{Context, Handler, Module, Verdict};
use crate::error::{Error, Result};
use crate::escape::Escaped;
use crate::metrics::{ChannelMetrics, EventKind, Metrics};
use crate::model::ChatMessage;
use crate::socket::Delivery;
pub(crate) use checkpoint::Checkpoint;
pub(crate) use follows::Follows;
pub(crate) use resume_point::ResumePoint;
use seen::Seen;

/// One channel's worker.
pub(crate) struct Worker {
    pub(crate) ctx: Context,
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) modules: Arc<[Arc<dyn Module>]>,
    pub(crate) commands: Arc<Commands>,
    /// How many handlers may run at once across all channels; `None` when there are no more
    /// channels than that, so that no handler ever waits.
    pub(crate) running: Option<Arc<Semaphore>>,
    /// How many channels may read back missed messages at once.
    pub(crate) catch_ups: Arc<Semaphore>,
    /// How long a running handler may take to finish once the bot stops.
    pub(crate) deadline: Duration,
    /// Where the first catch-up reads from, and what it replays.
    pub(crate) resume: ResumePoint,
    /// The follows delivered, and where the next catch-up reads them from.
    pub(crate) follows: Follows,
    pub(crate) checkpoint: Checkpoint,
    pub(crate) cooldowns: StoredCooldowns,
    /// Where the worker reports what it has done, for whoever waits on the bot.
    pub(crate) progress: watch::Sender<Progress>,
    /// What the worker counts for its channel.
    pub(crate) metrics: ChannelMetrics,
    /// The bot's metrics, for the events queued across channels.
    pub(crate) bot_metrics: Metrics,
}

/// How far a bot has come: channels ready, and the newest message handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    pub(crate) ready: usize,
    pub(crate) handled: u64,
}

/// Where a channel's subscriptions stand, and what it has delivered.
struct Subscription {
    /// Which of the channel's subscriptions the current connection has acknowledged.
    acknowledged: [bool; Kind::ALL.len()],
    /// Events that came while some subscriptions were still pending, in order: they wait so
    /// that nothing comes before the channel is ready and caught up.
    held: Vec<Event>,
    ready_before: bool,
    seen: Seen,
}

impl Worker {
    /// Works until the queue ends or `stop` is cancelled; then finishes the current event
    /// (within the deadline) and leaves the rest.
    pub(crate) async fn run(
        mut self,
        mut queue: Receiver<Delivery<Event>>,
        stop: CancellationToken,
    ) {
        let name = Escaped(&self.ctx.channel().streamer.username).to_string();
        // Not `name`: the JSON log format names each span with that key.
        let span = tracing::info_span!("channel", channel = %name);
        let deadline = self.deadline;
        let mut state = Subscription {
            acknowledged: [false; Kind::ALL.len()],
            held: Vec::new(),
            ready_before: false,
            seen: Seen::after(self.resume.after),
        };
        async move {
            // Made once: the loop takes queued events in a batch without waiting, and only an
            // empty queue or a handler that does not finish at once races these.
            let stopped = stop.cancelled();
            let past_deadline = async {
                stop.cancelled().await;
                tokio::time::sleep(deadline).await;
            };
            tokio::pin!(stopped, past_deadline);
            loop {
                let delivery = match queue.try_recv() {
                    Some(_) if stop.is_cancelled() => break,
                    Some(delivery) => delivery,
                    None => {
                        self.checkpoint.idle(state.seen.newest()).await;
                        tokio::select! {
                            biased;
                            () = &mut stopped => break,
                            delivery = queue.recv() => match delivery {
                                Some(delivery) => delivery,
                                None => break,
                            },
                        }
                    }
                };
                if matches!(delivery, Delivery::Event(..)) {
                    self.bot_metrics.event_dequeued();
                }
                let done = self.deliver(delivery, &mut state, &stop);
                tokio::pin!(done);
                if (&mut done).now_or_never().is_some() {
                    continue;
                }
                tokio::select! {
                    () = &mut done => {}
                    () = &mut past_deadline => {
                        tracing::warn!("a handler did not finish before the shutdown deadline");
                        break;
                    }
                }
            }
            self.checkpoint.write(state.seen.newest()).await;
            self.cooldowns.saved().await;
        }
        .instrument(span)
        .await;
    }

    async fn deliver(
        &mut self,
        delivery: Delivery<Event>,
        state: &mut Subscription,
        stop: &CancellationToken,
    ) {
        match delivery {
            Delivery::Subscribed(index) => {
                let slot = ChannelSubscriptions::owner(index).1 as usize;
                // One acknowledged again means a new connection, which subscribes them all.
                if state.acknowledged[slot] {
                    state.acknowledged = [false; Kind::ALL.len()];
                }
                state.acknowledged[slot] = true;
                if state.acknowledged.contains(&false) {
                    return;
                }
                tracing::debug!(first = !state.ready_before, "every topic subscribed");
                self.metrics.subscribed();
                if state.ready_before {
                    self.call("reconnect", self.handler.on_reconnect(&self.ctx))
                        .await;
                } else {
                    state.ready_before = true;
                    for module in self.modules.iter() {
                        self.call("module ready", module.on_ready(&self.ctx)).await;
                    }
                    self.call("ready", self.handler.on_ready(&self.ctx)).await;
                    self.progress.send_modify(|p| p.ready += 1);
                }
                self.catch_up(&mut state.seen, stop).await;
                for event in std::mem::take(&mut state.held) {
                    self.event(event, &mut state.seen).await;
                }
            }
            Delivery::Event(_, event) if state.acknowledged.contains(&false) => {
                state.held.push(event);
            }
            Delivery::Event(_, event) => self.event(event, &mut state.seen).await,
        }
    }

    async fn event(&mut self, event: Event, seen: &mut Seen) {
        self.metrics.event_received(match &event {
            Event::Chat(_) => EventKind::Chat,
            Event::Follow(_) => EventKind::Follow,
            Event::ChannelUpdate(_) => EventKind::ChannelUpdate,
        });
        match event {
            Event::Chat(message) => self.message(message, seen).await,
            Event::Follow(follow) => self.follow(follow).await,
            Event::ChannelUpdate(update) => {
                self.call(
                    "channel update",
                    self.handler.on_channel_update(&self.ctx, &update),
                )
                .await;
            }
        }
    }

    /// Hands a message to the handler and the commands, once, unless the bot wrote it.
    async fn message(&mut self, message: ChatMessage, seen: &mut Seen) {
        if !seen.first_sight(&message) || !self.checkpoint.fresh(&message) {
            return;
        }
        if message.author.id != self.ctx.me().id {
            if tracing::enabled!(tracing::Level::DEBUG) {
                let span = tracing::debug_span!("message", id = %Escaped(&message.id));
                self.handle_message(&message).instrument(span).await;
            } else {
                self.handle_message(&message).await;
            }
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
        self.checkpoint.handled(seen.newest()).await;
    }

    async fn handle_message(&mut self, message: &ChatMessage) {
        for module in self.modules.iter() {
            let mut verdict = Verdict::Continue;
            let seen = async {
                verdict = module.on_message(&self.ctx, message).await?;
                Ok(())
            };
            self.call("module", seen).await;
            if verdict == Verdict::Consumed {
                return;
            }
        }
        self.call("message", self.handler.on_message(&self.ctx, message))
            .await;
        if !self.checkpoint.may_command(message) {
            tracing::debug!("replayed too late to run a command");
            return;
        }
        if let Some((index, command)) =
            self.commands
                .invoked(&self.ctx, message, &mut self.cooldowns)
        {
            self.metrics.command_run(index);
            self.call("command", command).await;
        }
    }

    /// Runs one handler method, with a permit where handlers share them, catching its panic.
    async fn call(&self, what: &'static str, method: impl Future<Output = Result<()>>) {
        let _permit = match &self.running {
            Some(running) => running.acquire().await.ok(),
            None => None,
        };
        // Reading the clock costs on every event; only kept metrics pay it.
        let started = self.metrics.is_enabled().then(Instant::now);
        let outcome = AssertUnwindSafe(method).catch_unwind().await;
        let outcome = outcome.unwrap_or_else(|panic| {
            let text = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            tracing::error!(handler = what, panic = %text, "a handler panicked; the bot carries on");
            Err(Error::Panic(text))
        });
        if let Some(started) = started {
            self.metrics.handler_finished(started.elapsed(), &outcome);
        }
        if let Err(error) = outcome {
            self.handler.on_error(&self.ctx, error).await;
        }
    }
}
