//! Hands each delivery from the socket to the lane of the channel it belongs to: run at once
//! when the channel's worker is idle, queued behind the channel's earlier deliveries otherwise.

use std::sync::Arc;
use std::task::Poll;

use tokio_util::sync::CancellationToken;

use crate::bot::lane::{Budget, Lane, Lease, Offer};
use crate::bot::subscriptions::{ChannelSubscriptions, Event};
use crate::metrics::Metrics;
use crate::socket::{Deliver, Delivery};

/// The channels' lanes, in channel order.
pub(super) struct Router {
    lanes: Vec<Arc<Lane>>,
    budget: Arc<Budget>,
    metrics: Metrics,
    stop: CancellationToken,
}

impl Router {
    pub(super) fn new(
        lanes: Vec<Arc<Lane>>,
        budget: Arc<Budget>,
        metrics: Metrics,
        stop: CancellationToken,
    ) -> Self {
        Self {
            lanes,
            budget,
            metrics,
            stop,
        }
    }
}

impl Deliver<Event> for Router {
    /// Passes a delivery to its channel's lane, waiting while its queue or the budget is full;
    /// `false` once the bot stops while it waits.
    async fn deliver(&mut self, delivery: Delivery<Event>) -> bool {
        let (Delivery::Subscribed(index) | Delivery::Event(index, _)) = delivery;
        let (channel, _) = ChannelSubscriptions::owner(index);
        let Some(lane) = self.lanes.get(channel) else {
            return true;
        };
        let event = matches!(delivery, Delivery::Event(..));
        let mut delivery = delivery;
        let mut room = None;
        loop {
            delivery = match lane.offer(delivery, &self.budget) {
                Offer::Run(lease, delivery) => {
                    run(lane, lease, delivery).await;
                    return true;
                }
                Offer::Queued => {
                    if event {
                        self.metrics.event_queued();
                    }
                    return true;
                }
                Offer::Full(delivery) => delivery,
            };
            // The socket looks at the stop before each frame; only waiting must look again.
            if self.stop.is_cancelled() {
                return false;
            }
            // Made before the next offer, so that room given back in between is not missed.
            match room.take() {
                Some(room) => room.await,
                None => {
                    let mut wait = Box::pin(self.budget.room());
                    wait.as_mut().enable();
                    room = Some(wait);
                }
            }
        }
    }
}

/// Runs a delivery on the socket's task as far as it goes without waiting, and hands the rest
/// to the lane's task.
async fn run(lane: &Lane, lease: Lease, delivery: Delivery<Event>) {
    let mut work = Box::pin(lease.deliver(delivery));
    let done =
        std::future::poll_fn(|cx| Poll::Ready(lane.in_span(|| work.as_mut().poll(cx)).is_ready()));
    if !done.await {
        lane.hand_over(work);
    }
}
