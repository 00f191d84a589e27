//! One channel's handles: what its worker and sender count, each an atomic add.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;

use super::labels::EventKind;
use super::registry::{ChannelFamilies, Labels, SecondsCounter};
use crate::error::{Error, Result};

/// The metrics of one channel, for its worker and sender; cheap to clone.
///
/// A disabled handle (from disabled [`Metrics`](super::Metrics)) does nothing.
#[derive(Debug, Clone, Default)]
pub struct ChannelMetrics(pub(super) Option<Arc<ChannelInstruments>>);

impl ChannelMetrics {
    /// Whether these metrics count anything: callers skip measuring what would not be kept.
    pub fn is_enabled(&self) -> bool {
        self.0.is_some()
    }

    /// The clock handlers are timed by, when metrics are kept: the CPU's counter, a third of
    /// the cost of `Instant::now` (the kernel's clock where the counter cannot be trusted).
    pub(crate) fn timer(&self) -> Option<&quanta::Clock> {
        self.0.as_ref().map(|c| &c.timer)
    }

    /// Counts an event received on the socket.
    pub fn event_received(&self, kind: EventKind) {
        if let Some(c) = &self.0 {
            c.events_received[kind as usize].inc();
        }
    }

    /// Counts a run of the command at `index` in the list given to
    /// [`Metrics::new`](super::Metrics::new); an index past the list is not counted.
    pub fn command_run(&self, index: usize) {
        if let Some(counter) = self.0.as_ref().and_then(|c| c.command(index)) {
            counter.inc();
        }
    }

    /// Records a finished handler or command run: how long it took, and whether it failed
    /// ([`Error::Panic`] counts as a panic, any other error as an error).
    pub fn handler_finished(&self, took: Duration, result: &Result<()>) {
        if let Some(c) = &self.0 {
            c.handler_duration.observe(took.as_secs_f64());
            match result {
                Ok(()) => {}
                Err(Error::Panic(_)) => {
                    c.handler_panics.inc();
                }
                Err(_) => {
                    c.handler_errors.inc();
                }
            }
        }
    }

    /// Counts a chat message sent.
    pub fn message_sent(&self) {
        if let Some(c) = &self.0 {
            c.messages_sent.inc();
        }
    }

    /// Sets how many messages wait to be sent.
    pub fn send_queue_depth(&self, waiting: usize) {
        if let Some(c) = &self.0 {
            c.send_queue_depth
                .set(i64::try_from(waiting).unwrap_or(i64::MAX));
        }
    }

    /// Adds time a message waited on the rate limit.
    pub fn rate_limit_waited(&self, waited: Duration) {
        if let Some(c) = &self.0 {
            c.rate_limit_wait.inc_by(waited.as_secs_f64());
        }
    }

    /// Counts messages missed while disconnected: `delivered` late, `skipped` because the gap
    /// was longer than a catch-up reads.
    pub fn caught_up(&self, delivered: u64, skipped: u64) {
        if let Some(c) = &self.0 {
            c.catch_up_delivered.inc_by(delivered);
            c.catch_up_skipped.inc_by(skipped);
        }
    }

    /// The channel's chat subscription was acknowledged (the first time, or after a reconnect).
    pub fn subscribed(&self) {
        if let Some(c) = &self.0 {
            c.subscribed.set(1);
            c.acknowledged.store(true, Ordering::Relaxed);
        }
    }
}

/// The handles of one channel's series.
#[derive(Debug)]
pub(super) struct ChannelInstruments {
    pub(super) name: String,
    /// One per [`EventKind`], in the order of [`EventKind::ALL`].
    events_received: Vec<Counter>,
    /// Created on a command's first run, so commands never run export no series.
    commands: Box<[OnceLock<Counter>]>,
    command_names: Arc<[String]>,
    command_family: Family<Labels, Counter>,
    handler_errors: Counter,
    handler_panics: Counter,
    handler_duration: Histogram,
    messages_sent: Counter,
    send_queue_depth: Gauge,
    rate_limit_wait: SecondsCounter,
    catch_up_delivered: Counter,
    catch_up_skipped: Counter,
    /// 1 while subscribed: the socket going down clears it.
    pub(super) subscribed: Gauge,
    /// Whether the chat was ever subscribed: readiness.
    pub(super) acknowledged: AtomicBool,
    timer: quanta::Clock,
}

impl ChannelInstruments {
    pub(super) fn new(name: &str, families: &ChannelFamilies, commands: Arc<[String]>) -> Self {
        let labels = || vec![("channel", name.to_owned())];
        let with = |key, value: &str| {
            let mut labels = labels();
            labels.push((key, value.to_owned()));
            labels
        };
        Self {
            name: name.to_owned(),
            events_received: EventKind::ALL
                .iter()
                .map(|k| {
                    families
                        .events_received
                        .get_or_create_owned(&with("kind", k.label()))
                })
                .collect(),
            commands: commands.iter().map(|_| OnceLock::new()).collect(),
            command_names: commands,
            command_family: families.commands.clone(),
            handler_errors: families.handler_errors.get_or_create_owned(&labels()),
            handler_panics: families.handler_panics.get_or_create_owned(&labels()),
            handler_duration: families.handler_duration.get_or_create_owned(&labels()),
            messages_sent: families.messages_sent.get_or_create_owned(&labels()),
            send_queue_depth: families.send_queue_depth.get_or_create_owned(&labels()),
            rate_limit_wait: families.rate_limit_wait.get_or_create_owned(&labels()),
            catch_up_delivered: families
                .catch_up
                .get_or_create_owned(&with("outcome", "delivered")),
            catch_up_skipped: families
                .catch_up
                .get_or_create_owned(&with("outcome", "skipped")),
            subscribed: families.subscribed.get_or_create_owned(&labels()),
            acknowledged: AtomicBool::new(false),
            timer: quanta::Clock::new(),
        }
    }

    fn command(&self, index: usize) -> Option<&Counter> {
        let cell = self.commands.get(index)?;
        Some(cell.get_or_init(|| {
            let labels = vec![
                ("channel", self.name.clone()),
                ("command", self.command_names[index].clone()),
            ];
            self.command_family.get_or_create_owned(&labels)
        }))
    }
}
