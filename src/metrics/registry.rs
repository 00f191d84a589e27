//! Every metric glimbot exports, registered once at start; the hot path holds handles to them.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use super::channel::ChannelInstruments;
use super::labels::ApiOutcome;

/// A label set such as `[("channel", "alice")]`; only built at start and on a first use.
pub(super) type Labels = Vec<(&'static str, String)>;
/// A counter of seconds.
pub(super) type SecondsCounter = Counter<f64, AtomicU64>;
type HistogramFamily = Family<Labels, Histogram, fn() -> Histogram>;

/// Handler run times: most handlers answer in milliseconds; the top bucket is well past a
/// stuck one.
const HANDLER_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// API request times, up to the HTTP client's 30 s timeout.
const API_BUCKETS: [f64; 11] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The families that hold one series per channel (and per kind, command, …).
pub(super) struct ChannelFamilies {
    pub(super) events_received: Family<Labels, Counter>,
    pub(super) commands: Family<Labels, Counter>,
    pub(super) handler_errors: Family<Labels, Counter>,
    pub(super) handler_panics: Family<Labels, Counter>,
    pub(super) handler_duration: HistogramFamily,
    pub(super) messages_sent: Family<Labels, Counter>,
    pub(super) send_queue_depth: Family<Labels, Gauge>,
    pub(super) rate_limit_wait: Family<Labels, SecondsCounter>,
    pub(super) catch_up: Family<Labels, Counter>,
    pub(super) subscribed: Family<Labels, Gauge>,
}

/// The registry and the handles the hot path uses.
#[derive(Debug)]
pub(super) struct Instruments {
    registry: Registry,
    pub(super) reconnects: Counter,
    pub(super) token_refreshes: Counter,
    pub(super) logins: Counter,
    /// One per [`ApiOutcome`], in the order of [`ApiOutcome::ALL`].
    pub(super) api_requests: Vec<Histogram>,
    pub(super) events_queued: Gauge,
    pub(super) socket_connected: Gauge,
    /// In the order the channels were given.
    pub(super) channels: Vec<Arc<ChannelInstruments>>,
}

impl Instruments {
    /// Registers every metric, with the series of each channel created up front.
    pub(super) fn new(channels: &[String], commands: Arc<[String]>) -> Self {
        let mut registry = Registry::with_prefix("glimbot");
        let families = ChannelFamilies::register(&mut registry);
        let reconnects = counter(&mut registry, "reconnects", "Times the socket reconnected");
        let token_refreshes = counter(
            &mut registry,
            "token_refreshes",
            "Times the access token was refreshed",
        );
        let logins = counter(&mut registry, "logins", "Times the bot account logged in");
        let api_family = histograms(
            &mut registry,
            "api_request_duration",
            "GraphQL requests over HTTP by outcome, with how long they took",
            || Histogram::new(API_BUCKETS),
        );
        let api_requests = ApiOutcome::ALL
            .iter()
            .map(|o| api_family.get_or_create_owned(&vec![("outcome", o.label().to_owned())]))
            .collect();
        let events_queued = gauge(
            &mut registry,
            "events_queued",
            "Events waiting in the channels' queues behind a handler still running, across all channels",
        );
        let socket_connected = gauge(
            &mut registry,
            "socket_connected",
            "1 while the socket is connected, else 0",
        );
        let channels = channels
            .iter()
            .map(|name| {
                Arc::new(ChannelInstruments::new(
                    name,
                    &families,
                    Arc::clone(&commands),
                ))
            })
            .collect();
        Self {
            registry,
            reconnects,
            token_refreshes,
            logins,
            api_requests,
            events_queued,
            socket_connected,
            channels,
        }
    }

    /// Everything in the Prometheus text format, version 0.0.4.
    pub(super) fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

impl ChannelFamilies {
    fn register(registry: &mut Registry) -> Self {
        let events_received = counters(registry, "events_received", "Events received by kind");
        let commands = counters(registry, "commands", "Commands run, by name");
        let handler_errors = counters(registry, "handler_errors", "Handler runs that failed");
        let handler_panics = counters(registry, "handler_panics", "Handler runs that panicked");
        let handler_duration = histograms(
            registry,
            "handler_duration",
            "How long handlers and commands ran",
            || Histogram::new(HANDLER_BUCKETS),
        );
        let messages_sent = counters(registry, "messages_sent", "Chat messages sent");
        let send_queue_depth = Family::default();
        registry.register(
            "send_queue_depth",
            "Messages waiting to be sent",
            send_queue_depth.clone(),
        );
        let rate_limit_wait = Family::default();
        registry.register_with_unit(
            "rate_limit_wait",
            "Time messages waited on the rate limit",
            Unit::Seconds,
            rate_limit_wait.clone(),
        );
        let catch_up = counters(
            registry,
            "catch_up_messages",
            "Messages missed while disconnected, delivered late or skipped as lost in a gap too long",
        );
        let subscribed = Family::default();
        registry.register(
            "channel_subscribed",
            "1 while the channel's chat is subscribed, else 0",
            subscribed.clone(),
        );
        Self {
            events_received,
            commands,
            handler_errors,
            handler_panics,
            handler_duration,
            messages_sent,
            send_queue_depth,
            rate_limit_wait,
            catch_up,
            subscribed,
        }
    }
}

fn counter(registry: &mut Registry, name: &str, help: &str) -> Counter {
    let counter = Counter::default();
    registry.register(name, help, counter.clone());
    counter
}

fn gauge(registry: &mut Registry, name: &str, help: &str) -> Gauge {
    let gauge = Gauge::default();
    registry.register(name, help, gauge.clone());
    gauge
}

fn counters(registry: &mut Registry, name: &str, help: &str) -> Family<Labels, Counter> {
    let family = Family::default();
    registry.register(name, help, family.clone());
    family
}

fn histograms(
    registry: &mut Registry,
    name: &str,
    help: &str,
    make: fn() -> Histogram,
) -> HistogramFamily {
    let family = Family::new_with_constructor(make);
    registry.register_with_unit(name, help, Unit::Seconds, family.clone());
    family
}
