//! Each channel's outgoing messages: one ordered queue, split to Glimesh's length, sent no
//! faster than the configured rate (the server has no flood control, so the bot keeps its own).

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::api::Api;
use crate::api::queries::{CreateChatMessage, create_chat_message};
use crate::bot::split::{MAX_MESSAGE_GRAPHEMES, split_message};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::metrics::ChannelMetrics;

/// How many messages may wait in one channel's queue before `send` waits for room.
const QUEUE: usize = 1024;

/// A message to send, split into parts, and who waits for the outcome.
struct Outgoing {
    parts: Vec<String>,
    done: oneshot::Sender<Result<()>>,
}

/// The sending end of a channel's queue.
#[derive(Clone)]
pub(crate) struct Outbox {
    tx: mpsc::Sender<Outgoing>,
    metrics: ChannelMetrics,
}

impl Outbox {
    /// Queues a message (all its parts together, so concurrent sends do not interleave) and
    /// waits for the server's answer. The message is sent even if the waiter goes away.
    pub(crate) async fn send(&self, text: String) -> Result<()> {
        let parts = split_message(&text, MAX_MESSAGE_GRAPHEMES);
        if parts.is_empty() {
            return Ok(());
        }
        let (done, outcome) = oneshot::channel();
        self.tx
            .send(Outgoing { parts, done })
            .await
            .map_err(|_| Error::Stopped("the message was not queued"))?;
        self.metrics
            .send_queue_depth(self.tx.max_capacity() - self.tx.capacity());
        outcome
            .await
            .unwrap_or(Err(Error::Stopped("the message was not sent")))
    }
}

/// A token bucket: `burst` messages at once, then `per_second`, on the bot's clock.
#[derive(Debug, Clone)]
pub(crate) struct RateLimit {
    per_second: f64,
    burst: f64,
    tokens: f64,
    refilled: Instant,
    clock: Clock,
}

impl RateLimit {
    pub(crate) fn new(per_second: f64, burst: u32, clock: Clock) -> Self {
        let burst = f64::from(burst.max(1));
        Self {
            per_second,
            burst,
            tokens: burst,
            refilled: clock.instant(),
            clock,
        }
    }

    /// Waits until one more message may go; returns how long it waited.
    pub(crate) async fn acquire(&mut self) -> Duration {
        let now = self.clock.instant();
        self.tokens =
            (self.tokens + (now - self.refilled).as_secs_f64() * self.per_second).min(self.burst);
        self.refilled = now;
        if self.tokens < 1.0 {
            let wait = Duration::from_secs_f64((1.0 - self.tokens) / self.per_second);
            tracing::debug!(?wait, "waiting for the send rate");
            self.clock.sleep_until(now + wait).await;
            self.refilled = now + wait;
            self.tokens = 1.0;
            self.tokens -= 1.0;
            return wait;
        }
        self.tokens -= 1.0;
        Duration::ZERO
    }
}

/// Starts a channel's sender. It runs until `flush` is cancelled, then sends what is still
/// queued and ends.
pub(crate) fn spawn(
    api: Api,
    channel_id: String,
    mut rate: RateLimit,
    flush: CancellationToken,
    metrics: ChannelMetrics,
) -> (Outbox, tokio::task::JoinHandle<()>) {
    let outbox_metrics = metrics.clone();
    let (tx, mut rx) = mpsc::channel::<Outgoing>(QUEUE);
    let task = tokio::spawn(async move {
        loop {
            let outgoing = tokio::select! {
                outgoing = rx.recv() => outgoing,
                _ = flush.cancelled() => {
                    rx.close();
                    rx.recv().await
                }
            };
            let Some(Outgoing { parts, done }) = outgoing else {
                break;
            };
            metrics.send_queue_depth(rx.len());
            let mut outcome = Ok(());
            for part in parts {
                metrics.rate_limit_waited(rate.acquire().await);
                let variables = create_chat_message::Variables {
                    channel_id: channel_id.clone(),
                    message: create_chat_message::ChatMessageInput {
                        message: Some(part),
                    },
                };
                if let Err(e) = api.run::<CreateChatMessage>(variables).await {
                    tracing::warn!(error = %e, "a chat message was not sent");
                    outcome = Err(e);
                    break;
                }
                metrics.message_sent();
            }
            let _ = done.send(outcome);
        }
    });
    let outbox = Outbox {
        tx,
        metrics: outbox_metrics,
    };
    (outbox, task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_rate_limit_allows_a_burst_then_the_rate() {
        let mut rate = RateLimit::new(2.0, 3, Clock::real());
        let start = Instant::now();
        for _ in 0..3 {
            rate.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst goes at once");
        for _ in 0..4 {
            rate.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(2), "then two a second");
        tokio::time::sleep(Duration::from_secs(10)).await;
        let idle = Instant::now();
        for _ in 0..3 {
            rate.acquire().await;
        }
        assert_eq!(
            idle.elapsed(),
            Duration::ZERO,
            "an idle bucket refills up to the burst, no more"
        );
        rate.acquire().await;
        assert_eq!(idle.elapsed(), Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn advancing_the_clock_shortens_the_wait_for_the_next_message() {
        let clock = Clock::manual();
        let mut rate = RateLimit::new(0.1, 1, clock.clone());
        let start = Instant::now();
        rate.acquire().await;
        let next = tokio::spawn(async move { rate.acquire().await });
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(9));
        next.await.expect("the wait ends");
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(1),
            "10 s less the 9 advanced"
        );
    }
}
