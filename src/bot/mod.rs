//! The bot runtime: socket → decode → dispatch → handler → send queue.
//!
//! [`Bot::run`] logs in, resolves the configured channels, subscribes to their chat, follows
//! and updates on one socket, and gives each channel a worker (its events, in order) and a
//! sender (its messages, in order and rate-limited). The socket's task runs an idle worker
//! itself; a busy one's events wait in its lane's bounded queue, which makes a slow bot slow
//! the socket down instead of losing events.

pub(crate) mod args;
mod builder;
mod commands;
mod context;
pub(crate) mod cooldown;
mod handler;
mod lane;
mod module;
mod router;
mod sender;
mod setup;
mod shutdown;
pub(crate) mod split;
mod start;
mod subscriptions;
mod worker;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;

pub use builder::BotBuilder;
pub use commands::{Call, Command};
pub use context::Context;
pub use handler::Handler;
pub use module::{Module, Verdict};
pub use shutdown::Shutdown;

use crate::api::Api;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::Result;
use crate::escape::Escaped;
use crate::metrics::{Metrics, MetricsListener};
use crate::socket::{self, SocketOptions};
use crate::state::State;
use router::Router;
use shutdown::stop_on_signal;
use start::{reachable, stopped_before};
use subscriptions::ChannelSubscriptions;
pub(crate) use worker::Progress;

/// How many events wait for one channel's worker before the socket pauses.
pub(crate) const CHANNEL_QUEUE: usize = 256;
/// How many events wait across all channels before the socket pauses, by default.
const QUEUED_EVENTS: usize = 4096;
/// How many channels read back missed messages at once.
const CONCURRENT_CATCH_UPS: usize = 4;
/// How long after the stop a stopping bot keeps sending the messages it queued.
const FLUSH_LIMIT: Duration = Duration::from_millis(1750);

/// A chat bot: a [`Handler`] and [`Command`]s, running in the configured channels.
pub struct Bot {
    config: Config,
    api: Api,
    handler: Arc<dyn Handler>,
    modules: Arc<[Arc<dyn Module>]>,
    commands: Arc<commands::Commands>,
    heartbeat: Duration,
    deadline: Duration,
    clock: Clock,
    queued_events: usize,
    /// `None` until the bot runs and opens the configured file.
    state: Option<State>,
    shutdown: Shutdown,
    progress: watch::Sender<Progress>,
    metrics: Metrics,
    metrics_listener: Option<MetricsListener>,
}

impl std::fmt::Debug for Bot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bot")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Bot {
    /// A handle that stops the bot.
    pub fn shutdown(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Follows the bot's progress: channels ready, newest message handled (for dev mode).
    #[cfg(feature = "sim")]
    pub(crate) fn progress(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    /// The API client the bot uses.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// Runs until Ctrl-C, SIGTERM or [`Shutdown::trigger`]: logs in (the first time), joins
    /// the channels, and handles their events.
    ///
    /// A stop while it starts (even while the login waits for a person) is a clean end too.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) on `metrics.listen` when the metrics cannot be
    /// served there (checked before anything goes over the network);
    /// [`Error::State`](crate::Error::State) when the state file cannot be used (checked before
    /// any connection); on `glimesh.base_url` when the instance does not answer within 5 s; when
    /// login fails, a configured channel does not exist, or the server refuses a subscription.
    /// Lost connections are not errors: the bot reconnects.
    pub async fn run(self) -> Result<()> {
        let stop = self.shutdown.0.clone();
        let signals = tokio::spawn(stop_on_signal(stop.clone()));
        let outcome = self.serve(stop).await;
        signals.abort();
        outcome
    }

    async fn serve(mut self, stop: CancellationToken) -> Result<()> {
        let listener = match (self.metrics_listener.take(), &self.config.metrics.listen) {
            (Some(listener), _) => Some(listener),
            (None, Some(listen)) => Some(MetricsListener::bind(listen).await?),
            (None, None) => None,
        };
        // The listener stops with the bot, whichever way `serve` returns.
        let serving = stop.child_token();
        let _stop_serving = serving.clone().drop_guard();
        let metrics_served = listener.map(|listener| {
            tracing::info!(address = %listener.local_addr(), "serving metrics");
            tokio::spawn(listener.serve(self.metrics.clone(), serving))
        });
        // A state file the bot cannot use stops it before it connects anywhere.
        let state = match &self.state {
            Some(state) => state.clone(),
            None => State::open_configured(&self.config).await?,
        };
        // Each start-up step is dropped when the bot is told to stop, and with it a login that
        // waits for a person: stopping then is a clean end, not a failed login.
        let base_url = &self.config.glimesh.base_url;
        if stop
            .run_until_cancelled(reachable(base_url))
            .await
            .transpose()?
            .is_none()
        {
            return stopped_before("the instance answered");
        }
        let Some(me) = stop.run_until_cancelled(self.myself()).await.transpose()? else {
            return stopped_before("the login completed");
        };
        tracing::info!(user = %me.username, "logged in");
        // Every channel is resolved before anything starts, so a wrong name stops the bot clean.
        let resolving = async {
            let mut resolved = Vec::new();
            for username in &self.config.bot.channels {
                resolved.push(self.resolve(username).await?);
            }
            Ok(resolved)
        };
        let Some(resolved) = stop.run_until_cancelled(resolving).await.transpose()? else {
            return stopped_before("the channels were found");
        };
        let budget = Arc::new(lane::Budget::new(self.queued_events));
        let common = setup::Common {
            me: Arc::new(me),
            catch_ups: Arc::new(Semaphore::new(CONCURRENT_CATCH_UPS)),
            shared: context::Shared {
                api: self.api.clone(),
                commands: Arc::clone(&self.commands),
                clock: self.clock.clone(),
                stop: stop.clone(),
            },
            flush: CancellationToken::new(),
        };
        let subscriptions = ChannelSubscriptions::new(resolved.iter().map(|(channel, _)| channel));
        let (mut lanes, mut lane_tasks, mut senders) = (Vec::new(), Vec::new(), Vec::new());
        for (index, found) in resolved.into_iter().enumerate() {
            let name = Escaped(&found.0.streamer.username).to_string();
            let (worker, sending) = self.worker(index, found, &state, &common).await?;
            // Not `name`: the JSON log format names each span with that key.
            let span = tracing::info_span!("channel", channel = %name);
            let lane = lane::Lane::new(worker, CHANNEL_QUEUE, span);
            let shutdown = lane::Shutdown {
                stop: stop.clone(),
                deadline: self.deadline,
                idle_every: self.config.resume.checkpoint,
            };
            let serving =
                Arc::clone(&lane).serve(shutdown, Arc::clone(&budget), self.metrics.clone());
            lane_tasks.push(tokio::spawn(serving));
            senders.push(sending);
            lanes.push(lane);
        }
        let options = SocketOptions {
            base_url: self.config.glimesh.base_url.clone(),
            heartbeat: self.heartbeat,
            metrics: self.metrics.clone(),
        };
        let credentials = Arc::clone(self.api.credentials());
        // The socket hands each event straight to its channel's queue; it returns once stopped.
        let outcome = socket::run(
            options,
            credentials,
            Arc::new(subscriptions),
            Router::new(lanes.clone(), budget, self.metrics.clone(), stop.clone()),
            stop.clone(),
        )
        .await;
        // Stop taking events, let the workers finish what runs, then send what is queued, but
        // not for longer than a person waits for Ctrl-C to work.
        stop.cancel();
        let flush_until = tokio::time::Instant::now() + FLUSH_LIMIT;
        for task in lane_tasks {
            if let Err(failed) = task.await {
                tracing::error!(error = %failed, "a channel's lane task failed");
            }
        }
        // Only now is no delivery running anywhere: the workers write their last state.
        join_all(lanes.into_iter().map(|lane| lane.close(self.deadline))).await;
        common.flush.cancel();
        let sent = tokio::time::timeout_at(flush_until, join_all(senders.iter_mut())).await;
        if sent.is_err() {
            senders.iter().for_each(tokio::task::JoinHandle::abort);
            tracing::warn!(
                "messages still queued {} s after the stop were not sent",
                FLUSH_LIMIT.as_secs_f32()
            );
        }
        if let Some(served) = metrics_served {
            // Cancelled with `stop`, it closes its port within half a second.
            let _ = served.await;
        }
        tracing::info!("stopped");
        outcome
    }
}
