//! How many deliveries may wait across every lane, and the socket's wait for room.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

/// How many deliveries may wait in all lanes' queues together.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: usize,
    queued: AtomicUsize,
    /// Notified when a queue gives room back.
    room: Notify,
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            queued: AtomicUsize::new(0),
            room: Notify::new(),
        }
    }

    /// Takes room for one delivery, if there is any.
    pub(crate) fn take(&self) -> bool {
        self.queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |queued| {
                (queued < self.limit).then_some(queued + 1)
            })
            .is_ok()
    }

    /// Gives back the room of one delivery, and wakes the socket if it waits for room.
    pub(crate) fn give_back(&self) {
        self.queued.fetch_sub(1, Ordering::AcqRel);
        self.room.notify_one();
    }

    /// Waits until some queue gives room back; make it (see [`tokio::sync::Notify`]) before
    /// looking for room, so that room given back meanwhile is not missed.
    pub(crate) fn room(&self) -> tokio::sync::futures::Notified<'_> {
        self.room.notified()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn room_taken_up_to_the_limit_comes_back_and_wakes_a_waiting_sender() {
        let budget = Budget::new(2);
        assert!(budget.take() && budget.take());
        assert!(!budget.take(), "two fill it");
        let mut room = std::pin::pin!(budget.room());
        room.as_mut().enable();
        assert!(futures_util::poll!(room.as_mut()).is_pending());
        budget.give_back();
        assert!(futures_util::poll!(room.as_mut()).is_ready());
        assert!(budget.take(), "the room given back is there to take");
        assert!(!budget.take());
    }
}
