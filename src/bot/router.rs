//! Hands each delivery from the socket to the lane of the channel it belongs to: run at once
//! when the channel's worker is idle, queued behind the channel's earlier deliveries otherwise.

use std::sync::Arc;
use std::task::Poll;

use tokio_util::sync::CancellationToken;

use crate::bot::lane::{Budget, Lane, Lease, Offer};
use crate::bot::subscriptions::{ChannelSubscriptions, Event};
use crate::metrics::Metrics;
use crate::socket::{Closed, Deliver, Delivery};

/// The channels' lanes, in channel order.
pub(super) struct Router {
    lanes: Vec<Arc<Lane>>,
    /// The worker of the channel the last delivery ran for, kept while that channel's
    /// deliveries follow one another, so that each runs without a look at its lane. It goes
    /// back when another channel's delivery comes, and whenever the socket waits.
    held: Option<(usize, Lease)>,
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
            held: None,
            budget,
            metrics,
            stop,
        }
    }
}

impl Deliver<Event> for Router {
    /// Passes a delivery to its channel's lane, waiting while its queue or the budget is full,
    /// and gives back an event handled at once; [`Closed`] once the bot stops while it waits.
    async fn deliver(&mut self, delivery: Delivery<Event>) -> Result<Option<Event>, Closed> {
        let (Delivery::Subscribed(index) | Delivery::Event(index, _)) = delivery;
        let (channel, _) = ChannelSubscriptions::owner(index);
        let Some(lane) = self.lanes.get(channel) else {
            return Ok(None);
        };
        // Another channel's worker goes back to its lane here.
        let (lease, delivery) = match self.held.take().filter(|(held, _)| *held == channel) {
            Some((_, lease)) => (lease, delivery),
            None => match take(lane, delivery, &self.budget, &self.metrics, &self.stop).await {
                Taken::Run(lease, delivery) => (lease, delivery),
                Taken::Queued => return Ok(None),
                Taken::Stopped => return Err(Closed),
            },
        };
        let (held, spent) = run(lane, lease, delivery).await;
        self.held = held.map(|lease| (channel, lease));
        Ok(spent)
    }

    fn rest(&mut self) {
        self.held = None;
    }
}

/// What became of a delivery offered to its lane.
enum Taken {
    /// The worker was idle: run the delivery now, on the socket's task.
    Run(Lease, Delivery<Event>),
    Queued,
    /// The bot stopped while the delivery waited for room.
    Stopped,
}

/// Offers a delivery to its lane until the lane takes it, waiting while its queue or the
/// budget is full.
async fn take(
    lane: &Arc<Lane>,
    mut delivery: Delivery<Event>,
    budget: &Budget,
    metrics: &Metrics,
    stop: &CancellationToken,
) -> Taken {
    let event = matches!(delivery, Delivery::Event(..));
    let mut room = None;
    loop {
        delivery = match lane.offer(delivery, budget) {
            Offer::Run(lease, delivery) => return Taken::Run(lease, delivery),
            Offer::Queued => {
                if event {
                    metrics.event_queued();
                }
                return Taken::Queued;
            }
            Offer::Full(delivery) => delivery,
        };
        // The socket looks at the stop before each run of frames; only waiting must look again.
        if stop.is_cancelled() {
            return Taken::Stopped;
        }
        // Made before the next offer, so that room given back in between is not missed.
        match room.take() {
            Some(room) => room.await,
            None => {
                let mut wait = Box::pin(budget.room());
                wait.as_mut().enable();
                room = Some(wait);
            }
        }
    }
}

/// Runs a delivery on the socket's task as far as it goes without waiting, and then gives the
/// lease back for the next, with the event spent; a delivery that has to wait is handed to
/// the lane's task.
async fn run(
    lane: &Lane,
    lease: Lease,
    delivery: Delivery<Event>,
) -> (Option<Lease>, Option<Event>) {
    let mut work = Box::pin(lease.deliver(delivery));
    let polled = std::future::poll_fn(|cx| Poll::Ready(lane.in_span(|| work.as_mut().poll(cx))));
    match polled.await {
        Poll::Ready((lease, delivery)) => (Some(lease), delivery.into_event()),
        Poll::Pending => {
            lane.hand_over(work);
            (None, None)
        }
    }
}
