//! Hands each delivery from the socket to the queue of the channel it belongs to.

use crate::bot::queue;
use crate::bot::subscriptions::{ChannelSubscriptions, Event};
use crate::metrics::Metrics;
use crate::socket::{Deliver, Delivery};

/// The channels' queues, in channel order.
pub(super) struct Router {
    queues: Vec<queue::Sender<Delivery<Event>>>,
    metrics: Metrics,
}

impl Router {
    pub(super) fn new(queues: Vec<queue::Sender<Delivery<Event>>>, metrics: Metrics) -> Self {
        Self { queues, metrics }
    }
}

impl Deliver<Event> for Router {
    /// Passes a delivery to its channel's worker, waiting while the queues are full.
    async fn deliver(&mut self, delivery: Delivery<Event>) -> bool {
        let (Delivery::Subscribed(index) | Delivery::Event(index, _)) = delivery;
        let (channel, _) = ChannelSubscriptions::owner(index);
        let Some(queue) = self.queues.get(channel) else {
            return true;
        };
        let event = matches!(delivery, Delivery::Event(..));
        let taken = queue.send(delivery).await.is_ok();
        if taken && event {
            self.metrics.event_queued();
        }
        taken
    }
}
