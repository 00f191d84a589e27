//! Routes socket events to the channels' workers, and tells a worker when its channel is
//! subscribed: only once every topic of the channel is, so that no follow or title change can
//! come before the bot is ready for it.

use crate::bot::TOPICS_PER_CHANNEL;
use crate::bot::queue;
use crate::bot::worker::Work;
use crate::socket::{Deliver, SocketEvent};

/// The channels' queues, and how far each channel's subscription has come.
pub(super) struct Router {
    channels: Vec<Channel>,
}

struct Channel {
    queue: queue::Sender<Work>,
    /// Which of the channel's topics the current connection has subscribed.
    subscribed: [bool; TOPICS_PER_CHANNEL],
    /// Events that came while some topics were still being subscribed, in order.
    held: Vec<Work>,
    ready_before: bool,
}

impl Router {
    /// A router for channels with these queues, in topic order.
    pub(super) fn new(queues: Vec<queue::Sender<Work>>) -> Self {
        let channels = queues
            .into_iter()
            .map(|queue| Channel {
                queue,
                subscribed: [false; TOPICS_PER_CHANNEL],
                held: Vec::new(),
                ready_before: false,
            })
            .collect();
        Self { channels }
    }
}

impl Deliver for Router {
    /// Passes an event to its channel's worker, waiting while that worker's queue is full.
    async fn deliver(&mut self, event: SocketEvent) -> bool {
        let (SocketEvent::Subscribed(topic) | SocketEvent::Event(topic, _)) = event;
        let index = topic / TOPICS_PER_CHANNEL;
        let Some(channel) = self.channels.get_mut(index) else {
            return true;
        };
        let slot = topic % TOPICS_PER_CHANNEL;
        match event {
            SocketEvent::Subscribed(_) => {
                // A topic subscribed again means a new connection, which subscribes them all.
                if channel.subscribed[slot] {
                    channel.subscribed = [false; TOPICS_PER_CHANNEL];
                }
                channel.subscribed[slot] = true;
                if channel.subscribed.contains(&false) {
                    return true;
                }
                // The catch-up of missed messages runs first, then what came meanwhile.
                let first = !channel.ready_before;
                channel.ready_before = true;
                tracing::debug!(channel = index, first, "every topic subscribed");
                let held = std::mem::take(&mut channel.held);
                for work in std::iter::once(Work::Subscribed { first }).chain(held) {
                    if channel.queue.send(work).await.is_err() {
                        return false;
                    }
                }
                true
            }
            SocketEvent::Event(_, event) if channel.subscribed.contains(&false) => {
                channel.held.push(Work::Event(event));
                true
            }
            SocketEvent::Event(_, event) => channel.queue.send(Work::Event(event)).await.is_ok(),
        }
    }
}
