//! The lane's own task: it finishes what the socket's task started, drains the queue, writes
//! the checkpoint of a channel that fell quiet, and once the bot stops lets the running
//! delivery finish within the deadline. The worker's last write comes after the socket has
//! stopped too ([`Lane::close`]).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::bot::lane::{Budget, Lane, Next};
use crate::metrics::Metrics;
use crate::socket::Delivery;

/// The shortest time between a quiet channel's looks at its checkpoint.
const MIN_IDLE_EVERY: Duration = Duration::from_millis(50);

/// How a lane's task ends.
pub(crate) struct Shutdown {
    /// Cancelled when the bot stops.
    pub(crate) stop: CancellationToken,
    /// How long a running delivery may take to finish once the bot stops.
    pub(crate) deadline: Duration,
    /// How often a quiet channel looks whether its checkpoint is due.
    pub(crate) idle_every: Duration,
}

impl Lane {
    /// Serves the lane until the bot stops.
    pub(crate) async fn serve(
        self: Arc<Self>,
        shutdown: Shutdown,
        budget: Arc<Budget>,
        metrics: Metrics,
    ) {
        let span = self.span.clone();
        let Shutdown {
            stop,
            deadline,
            idle_every,
        } = shutdown;
        async move {
            // Made once: the loop races them on every wait.
            let stopped = stop.cancelled();
            let past_deadline = async {
                stop.cancelled().await;
                tokio::time::sleep(deadline).await;
            };
            tokio::pin!(stopped, past_deadline);
            // A checkpoint interval of 0 (write at every chance) still needs a period to tick.
            let idle_every = idle_every.max(MIN_IDLE_EVERY);
            let start = tokio::time::Instant::now() + idle_every;
            let mut idle = tokio::time::interval_at(start, idle_every);
            idle.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                let next = tokio::select! {
                    biased;
                    () = &mut stopped => break,
                    next = std::future::poll_fn(|cx| self.next(cx)) => next,
                    _ = idle.tick() => {
                        if let Some(mut lease) = self.idle_worker()
                            && let Some(worker) = lease.worker()
                        {
                            worker.idle().await;
                        }
                        continue;
                    }
                };
                let work = async {
                    match next {
                        Next::Finish(unfinished) => drop(unfinished.await),
                        Next::Drain(mut lease) => {
                            let Some(worker) = lease.worker() else { return };
                            while !stop.is_cancelled()
                                && let Some(delivery) = self.pop()
                            {
                                budget.give_back();
                                if matches!(delivery, Delivery::Event(..)) {
                                    metrics.event_dequeued();
                                }
                                worker.deliver(&delivery).await;
                            }
                            worker.idle().await;
                        }
                    }
                };
                tokio::select! {
                    () = work => {}
                    () = &mut past_deadline => {
                        tracing::warn!("a handler did not finish before the shutdown deadline");
                        break;
                    }
                }
            }
            // A delivery the socket's task started is finished, within the deadline.
            if let Some(unfinished) = self.take_unfinished() {
                tokio::select! {
                    finished = unfinished => drop(finished),
                    () = &mut past_deadline => {
                        tracing::warn!("a handler did not finish before the shutdown deadline");
                    }
                }
            }
        }
        .instrument(span)
        .await;
    }
}

impl Lane {
    /// The last step, once the socket and the lane's task have stopped: finishes a delivery
    /// the socket's task handed over as the bot stopped (within `deadline`), then writes the
    /// worker's checkpoint and cooldowns.
    pub(crate) async fn close(self: Arc<Self>, deadline: Duration) {
        let span = self.span.clone();
        async move {
            if let Some(unfinished) = self.take_unfinished() {
                match tokio::time::timeout(deadline, unfinished).await {
                    Ok(finished) => drop(finished),
                    Err(_) => {
                        tracing::warn!("a handler did not finish before the shutdown deadline")
                    }
                }
            }
            if let Some(mut lease) = self.idle_worker()
                && let Some(worker) = lease.worker()
            {
                worker.finish().await;
            }
        }
        .instrument(span)
        .await;
    }
}
