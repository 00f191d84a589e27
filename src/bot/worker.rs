//! A channel's worker: runs the handler for the channel's events, one at a time and in order,
//! and once the channel is subscribed (at start, and again after a reconnect) delivers the
//! messages the socket could not. Its [`Lane`](crate::bot::lane) decides which task runs it.

mod catch_up;
mod checkpoint;
mod follows;
mod resume_point;
mod seen;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use tokio::sync::{Semaphore, watch};
use tracing::Instrument;

use crate::bot::commands::Commands;
use crate::bot::cooldown::StoredCooldowns;
use crate::bot::subscriptions::{ChannelSubscriptions, Event, Kind};
use crate::bot::{Context, Handler, Module, Verdict};
use crate::error::{Error, Result};
use crate::escape::Escaped;
use crate::metrics::{ChannelMetrics, EventKind};
use crate::model::ChatMessage;
use crate::socket::Delivery;
pub(crate) use checkpoint::Checkpoint;
pub(crate) use follows::Follows;
pub(crate) use resume_point::ResumePoint;
pub(crate) use seen::Seen;

/// One channel's worker.
pub(crate) struct Worker {
    pub(crate) ctx: Context,
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) modules: Arc<[Arc<dyn Module>]>,
    pub(crate) commands: Arc<Commands>,
    /// How many channels may read back missed messages at once.
    pub(crate) catch_ups: Arc<Semaphore>,
    /// Where the first catch-up reads from, and what it replays.
    pub(crate) resume: ResumePoint,
    /// The follows delivered, and where the next catch-up reads them from.
    pub(crate) follows: Follows,
    /// The recent messages delivered, so that none is delivered twice.
    pub(crate) seen: Seen,
    pub(crate) subscription: Subscription,
    pub(crate) checkpoint: Checkpoint,
    pub(crate) cooldowns: StoredCooldowns,
    /// Where the worker reports what it has done, for whoever waits on the bot.
    pub(crate) progress: watch::Sender<Progress>,
    /// What the worker counts for its channel.
    pub(crate) metrics: ChannelMetrics,
}

/// How far a bot has come: channels ready (subscribed, and what they missed delivered), and the
/// newest message handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    pub(crate) ready: usize,
    pub(crate) handled: u64,
}

/// Where a channel's subscriptions stand.
#[derive(Default)]
pub(crate) struct Subscription {
    /// Which of the channel's subscriptions the current connection has acknowledged.
    acknowledged: [bool; Kind::ALL.len()],
    /// Events that came while some subscriptions were still pending, in order: they wait so
    /// that nothing comes before the channel is ready and caught up.
    held: Vec<Event>,
    ready_before: bool,
}

impl Worker {
    /// Handles one delivery from the socket. It is borrowed, here and below, so that the
    /// future it is handled in holds it once rather than once per call.
    pub(crate) async fn deliver(&mut self, delivery: &Delivery<Event>) {
        match delivery {
            &Delivery::Subscribed(index) => {
                let slot = ChannelSubscriptions::owner(index).1 as usize;
                let state = &mut self.subscription;
                // One acknowledged again means a new connection, which subscribes them all.
                if state.acknowledged[slot] {
                    state.acknowledged = [false; Kind::ALL.len()];
                }
                state.acknowledged[slot] = true;
                if state.acknowledged.contains(&false) {
                    return;
                }
                // Rare and long: kept out of the future every event is delivered in.
                Box::pin(self.subscribed()).await;
            }
            Delivery::Event(_, event) if self.subscription.acknowledged.contains(&false) => {
                self.subscription.held.push(event.clone());
            }
            Delivery::Event(_, event) => self.event(event).await,
        }
    }

    /// Every subscription of the channel is acknowledged: it is ready, or back.
    async fn subscribed(&mut self) {
        let first = !self.subscription.ready_before;
        tracing::debug!(first, "every topic subscribed");
        self.metrics.subscribed();
        if first {
            self.subscription.ready_before = true;
            for module in self.modules.iter() {
                self.call("module ready", module.on_ready(&self.ctx)).await;
            }
            self.call("ready", self.handler.on_ready(&self.ctx)).await;
        } else {
            self.call("reconnect", self.handler.on_reconnect(&self.ctx))
                .await;
        }
        self.catch_up().await;
        for event in std::mem::take(&mut self.subscription.held) {
            self.event(&event).await;
        }
        if first {
            // Ready once what was missed is delivered: whatever comes next comes live, in order.
            self.progress.send_modify(|p| p.ready += 1);
        }
    }

    /// Writes the checkpoint if one is due; called when the channel falls idle.
    pub(crate) async fn idle(&mut self) {
        self.checkpoint.idle(self.seen.newest()).await;
    }

    /// The bot stopped: writes the checkpoint and the cooldowns' last change.
    pub(crate) async fn finish(&mut self) {
        self.checkpoint.write(self.seen.newest()).await;
        self.cooldowns.saved().await;
    }

    async fn event(&mut self, event: &Event) {
        self.metrics.event_received(match event {
            Event::Chat(_) => EventKind::Chat,
            Event::Follow(_) => EventKind::Follow,
            Event::ChannelUpdate(_) => EventKind::ChannelUpdate,
        });
        match event {
            Event::Chat(message) => self.message(message).await,
            Event::Follow(follow) => Box::pin(self.follow(follow)).await,
            Event::ChannelUpdate(update) => {
                self.call(
                    "channel update",
                    self.handler.on_channel_update(&self.ctx, update),
                )
                .await;
            }
        }
    }

    /// Hands a message to the handler and the commands, once, unless the bot wrote it.
    async fn message(&mut self, message: &ChatMessage) {
        if !self.seen.first_sight(message) || !self.checkpoint.fresh(message) {
            return;
        }
        if message.author.id != self.ctx.me().id {
            if tracing::enabled!(tracing::Level::DEBUG) {
                let span = tracing::debug_span!("message", id = %Escaped(&message.id));
                self.handle_message(message).instrument(span).await;
            } else {
                self.handle_message(message).await;
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
        if self.checkpoint.handled() {
            // Rare: kept out of the future every message is handled in.
            Box::pin(self.idle()).await;
        }
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

    /// Runs one handler method, catching its panic.
    async fn call(&self, what: &'static str, method: impl Future<Output = Result<()>>) {
        // Reading the clock costs on every event; only kept metrics pay it. The clock is the
        // CPU's counter, read raw and scaled once per call.
        let started = self.metrics.timer().map(|clock| (clock, clock.raw()));
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
        if let Some((clock, started)) = started {
            let took = clock.delta(started, clock.raw());
            self.metrics.handler_finished(took, &outcome);
        }
        if let Err(error) = outcome {
            self.handler.on_error(&self.ctx, error).await;
        }
    }
}
