//! Fan-out of world events to live subscriptions.
//!
//! Phoenix delivers every broadcast to a subscriber's mailbox, which has no bound, so a slow
//! socket is never skipped: each subscription here owns an unbounded queue for the same reason.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::sim::rows::{Channel, Follow, Message};

/// Something that happened, as the subscriptions see it.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    Chat(Arc<Message>),
    Follow(Arc<Follow>),
    Channel(Arc<Channel>),
}

/// What a subscription listens to; `None` means every channel (or streamer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Topic {
    Chat(Option<u64>),
    Followers(Option<u64>),
    Channel(Option<u64>),
}

impl Topic {
    fn matches(self, event: &Event) -> bool {
        match (self, event) {
            (Topic::Chat(id), Event::Chat(m)) => id.is_none_or(|id| id == m.channel_id),
            (Topic::Followers(id), Event::Follow(f)) => id.is_none_or(|id| id == f.streamer_id),
            (Topic::Channel(id), Event::Channel(c)) => id.is_none_or(|id| id == c.id),
            _ => false,
        }
    }
}

/// The live subscriptions of the whole emulator.
#[derive(Debug, Default)]
pub(crate) struct Subscribers {
    subs: Vec<(Topic, mpsc::UnboundedSender<Event>)>,
}

impl Subscribers {
    /// Registers a subscription; it ends when the receiver is dropped.
    pub(crate) fn subscribe(&mut self, topic: Topic) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.subs.retain(|(_, tx)| !tx.is_closed());
        self.subs.push((topic, tx));
        rx
    }

    /// Delivers an event to every matching subscription, in the order of publication.
    pub(crate) fn publish(&mut self, event: &Event) {
        self.subs
            .retain(|(topic, tx)| !topic.matches(event) || tx.send(event.clone()).is_ok());
    }
}
