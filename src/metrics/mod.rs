//! Metrics in the Prometheus text format and the health of the bot, served over HTTP.
//!
//! [`Metrics`] holds every metric, created once at start with the bot's channels and command
//! names; the runtime counts through it and through one [`ChannelMetrics`] per channel, each
//! count an atomic add on a handle made at start (no lookup, no allocation). Disabled metrics
//! cost one branch per call.
//!
//! [`MetricsListener`] serves them (off by default; keep it off the public internet):
//!
//! - `GET /metrics`: every metric below, in the Prometheus text format 0.0.4;
//! - `GET /healthz`: 200 while the socket is connected and every channel's chat is subscribed,
//!   else 503 with a JSON body naming what is down, e.g.
//!   `{"status":"down","socket":"down","channels":{"alice":"unsubscribed"}}`;
//! - `GET /readyz`: 200 once every channel's chat has been subscribed, else 503.
//!
//! ```no_run
//! # async fn run() -> glimbot::Result<()> {
//! use glimbot::{EventKind, Metrics, MetricsListener};
//! use tokio_util::sync::CancellationToken;
//!
//! let metrics = Metrics::new(&["alice"], &["ping"]);
//! let listener = MetricsListener::bind("127.0.0.1:9464").await?;
//! let stop = CancellationToken::new();
//! tokio::spawn(listener.serve(metrics.clone(), stop.clone()));
//! metrics.channel(0).event_received(EventKind::Chat);
//! # Ok(()) }
//! ```
//!
#![doc = include_str!("METRICS.md")]

mod channel;
mod health;
mod labels;
mod listener;
mod registry;

use std::sync::Arc;
use std::time::Duration;

pub use channel::ChannelMetrics;
pub use labels::{ApiOutcome, EventKind};
pub use listener::MetricsListener;
use registry::Instruments;

/// Every metric of a bot, or none when disabled; cheap to clone.
#[derive(Debug, Clone)]
pub struct Metrics(Option<Arc<Instruments>>);

impl Metrics {
    /// Metrics for these channels and commands, in the order the runtime refers to them by
    /// index ([`channel`](Self::channel), [`ChannelMetrics::command_run`]).
    pub fn new(channels: &[impl AsRef<str>], commands: &[impl AsRef<str>]) -> Self {
        let channels: Vec<String> = channels.iter().map(|c| c.as_ref().to_owned()).collect();
        let commands = commands.iter().map(|c| c.as_ref().to_owned()).collect();
        Self(Some(Arc::new(Instruments::new(&channels, commands))))
    }

    /// Metrics that count nothing, for a bot that does not export them.
    pub fn disabled() -> Self {
        Self(None)
    }

    /// The handle of the channel at `index` in the list given to [`new`](Self::new); a
    /// disabled handle past its end.
    pub fn channel(&self, index: usize) -> ChannelMetrics {
        ChannelMetrics(
            self.0
                .as_ref()
                .and_then(|m| m.channels.get(index))
                .map(Arc::clone),
        )
    }

    /// The socket connected (again).
    pub fn socket_connected(&self) {
        if let Some(m) = &self.0 {
            m.socket_connected.set(1);
        }
    }

    /// The socket went down, and every channel's subscription with it.
    pub fn socket_lost(&self) {
        if let Some(m) = &self.0 {
            m.socket_connected.set(0);
            for channel in &m.channels {
                channel.subscribed.set(0);
            }
        }
    }

    /// Counts a reconnect of the socket.
    pub fn reconnected(&self) {
        if let Some(m) = &self.0 {
            m.reconnects.inc();
        }
    }

    /// Counts a refresh of the access token.
    pub fn token_refreshed(&self) {
        if let Some(m) = &self.0 {
            m.token_refreshes.inc();
        }
    }

    /// Counts a login of the bot account.
    pub fn logged_in(&self) {
        if let Some(m) = &self.0 {
            m.logins.inc();
        }
    }

    /// Records a finished GraphQL request: how it ended and how long it took.
    pub fn api_request(&self, outcome: ApiOutcome, took: Duration) {
        if let Some(m) = &self.0 {
            m.api_requests[outcome as usize].observe(took.as_secs_f64());
        }
    }

    /// An event was queued for a channel's handler.
    pub fn event_queued(&self) {
        if let Some(m) = &self.0 {
            m.events_queued.inc();
        }
    }

    /// A queued event was taken by its channel's handler.
    pub fn event_dequeued(&self) {
        if let Some(m) = &self.0 {
            m.events_queued.dec();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn scrape(metrics: &Metrics) -> String {
        metrics.0.as_ref().map(|m| m.encode().unwrap()).unwrap()
    }

    #[test]
    fn a_channel_or_command_past_the_lists_counts_nothing() {
        let metrics = Metrics::new(&["alice"], &["ping"]);

        metrics.channel(1).event_received(EventKind::Chat);
        metrics.channel(0).command_run(1);

        let text = scrape(&metrics);
        assert!(text.contains("glimbot_events_received_total{channel=\"alice\",kind=\"chat\"} 0"));
        assert!(!text.contains("command="), "{text}");
    }

    #[test]
    fn disabled_metrics_hand_out_disabled_channels() {
        let metrics = Metrics::disabled();

        metrics.channel(0).event_received(EventKind::Chat);
        metrics.socket_lost();

        assert!(metrics.channel(0).0.is_none());
    }

    #[test]
    fn api_outcomes_tell_refusals_from_failures() {
        let outcome = |e| ApiOutcome::of::<()>(&Err(e));
        assert_eq!(ApiOutcome::of(&Ok(())), ApiOutcome::Ok);
        assert_eq!(outcome(Error::GraphQl(vec![])), ApiOutcome::GraphQlError);
        assert_eq!(
            outcome(Error::Auth("revoked".into())),
            ApiOutcome::Unauthorized
        );
        assert_eq!(outcome(Error::Timeout("asking")), ApiOutcome::Timeout);
        assert_eq!(outcome(Error::http("503")), ApiOutcome::HttpError);
    }

    #[test]
    fn label_orders_match_the_enums() {
        for (index, kind) in EventKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, index);
        }
        for (index, outcome) in ApiOutcome::ALL.iter().enumerate() {
            assert_eq!(*outcome as usize, index);
        }
    }
}
