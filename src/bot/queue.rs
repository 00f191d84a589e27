//! Bounded queues whose sender is woken in batches, with room shared across channels.
//!
//! A plain bounded channel gives a full queue's sender one slot per item the receiver takes,
//! so under load the two tasks take turns item by item. Here the receiver returns room half a
//! queue at a time (or at once when it runs dry), so the sender, once woken, sends a batch.
//! Each queue holds at most its capacity, and all queues together at most their [`Budget`], so
//! memory stays bounded however many channels fill at once.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};

/// How many items may wait across every queue made with it.
#[derive(Debug, Clone)]
pub(crate) struct Budget(Arc<Semaphore>);

impl Budget {
    pub(crate) fn new(items: usize) -> Self {
        Self(Arc::new(Semaphore::new(items.max(1))))
    }
}

/// Makes a queue that holds at most `capacity` items (at least 2), within `budget`.
pub(crate) fn channel<T>(capacity: usize, budget: &Budget) -> (Sender<T>, Receiver<T>) {
    let capacity = capacity.max(2);
    let (tx, rx) = mpsc::unbounded_channel();
    let room = Arc::new(Semaphore::new(capacity));
    let sender = Sender {
        tx,
        room: Arc::clone(&room),
        budget: budget.clone(),
    };
    let receiver = Receiver {
        rx,
        room,
        budget: budget.clone(),
        taken: 0,
        batch: capacity / 2,
    };
    (sender, receiver)
}

/// The sending end.
#[derive(Debug)]
pub(crate) struct Sender<T> {
    tx: mpsc::UnboundedSender<T>,
    room: Arc<Semaphore>,
    budget: Budget,
}

impl<T> Sender<T> {
    /// Queues an item, waiting while the queue or the budget is full. Gives the item back when
    /// the receiver is gone.
    pub(crate) async fn send(&self, item: T) -> Result<(), T> {
        for room in [&self.room, &self.budget.0] {
            match room.try_acquire() {
                Ok(permit) => permit.forget(),
                Err(_) => match room.acquire().await {
                    Ok(permit) => permit.forget(),
                    Err(_) => return Err(item),
                },
            }
        }
        self.tx.send(item).map_err(|e| e.0)
    }
}

/// The receiving end.
#[derive(Debug)]
pub(crate) struct Receiver<T> {
    rx: mpsc::UnboundedReceiver<T>,
    room: Arc<Semaphore>,
    budget: Budget,
    taken: usize,
    batch: usize,
}

impl<T> Receiver<T> {
    /// The next item if one is queued, without waiting.
    pub(crate) fn try_recv(&mut self) -> Option<T> {
        let item = self.rx.try_recv().ok()?;
        self.took();
        Some(item)
    }

    /// The next item; `None` once the sender is gone and the queue is empty.
    pub(crate) async fn recv(&mut self) -> Option<T> {
        if let Some(item) = self.try_recv() {
            return Some(item);
        }
        // About to wait: give all the room back so the sender never waits on us.
        self.give_back();
        let item = self.rx.recv().await?;
        self.took();
        Some(item)
    }

    fn took(&mut self) {
        self.taken += 1;
        if self.taken >= self.batch {
            self.give_back();
        }
    }

    fn give_back(&mut self) {
        self.room.add_permits(self.taken);
        self.budget.0.add_permits(self.taken);
        self.taken = 0;
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // What this queue still held goes back to the other queues.
        self.taken += self.rx.len();
        self.give_back();
        // Wakes a waiting sender, which then finds the receiver gone.
        self.room.close();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn items_arrive_in_order_and_a_full_queue_makes_the_sender_wait() {
        let (tx, mut rx) = channel(4, &Budget::new(100));
        for i in 0..4 {
            tx.send(i).await.unwrap();
        }
        let mut fifth = std::pin::pin!(tx.send(4));
        assert!(
            futures_util::poll!(&mut fifth).is_pending(),
            "four fill the queue"
        );
        assert_eq!(rx.recv().await, Some(0));
        assert!(
            futures_util::poll!(&mut fifth).is_pending(),
            "room returns in batches of half the queue"
        );
        assert_eq!(rx.recv().await, Some(1));
        assert!(futures_util::poll!(&mut fifth).is_ready());
        for i in 2..5 {
            assert_eq!(rx.recv().await, Some(i));
        }
    }

    #[tokio::test]
    async fn an_idle_receiver_gives_all_room_back() {
        let (tx, mut rx) = channel(4, &Budget::new(100));
        tx.send(1).await.unwrap();
        assert_eq!(rx.recv().await, Some(1));
        let waiting = tokio::spawn(async move { rx.recv().await });
        tokio::task::yield_now().await;
        for i in 0..4 {
            tx.send(i).await.unwrap();
        }
        assert_eq!(waiting.await.unwrap(), Some(0));
    }

    #[tokio::test]
    async fn a_sender_waiting_on_a_dropped_receiver_gets_its_item_back() {
        let (tx, rx) = channel(2, &Budget::new(100));
        tx.send(1).await.unwrap();
        tx.send(2).await.unwrap();
        let waiting = tokio::spawn(async move { tx.send(3).await });
        tokio::task::yield_now().await;
        drop(rx);
        assert_eq!(waiting.await.unwrap(), Err(3));
    }

    #[tokio::test]
    async fn the_budget_bounds_every_queue_together() {
        let budget = Budget::new(3);
        let (a, mut a_rx) = channel(4, &budget);
        let (b, _b_rx) = channel(4, &budget);
        a.send(1).await.unwrap();
        a.send(2).await.unwrap();
        b.send(3).await.unwrap();
        let mut fourth = std::pin::pin!(b.send(4));
        assert!(
            futures_util::poll!(&mut fourth).is_pending(),
            "three fill the budget, though each queue has room"
        );
        assert_eq!(a_rx.try_recv(), Some(1));
        assert_eq!(a_rx.try_recv(), Some(2));
        assert!(
            futures_util::poll!(&mut fourth).is_ready(),
            "a batch taken returns room to the budget"
        );
    }

    #[tokio::test]
    async fn a_dropped_queue_returns_what_it_held_to_the_budget() {
        let budget = Budget::new(2);
        let (a, a_rx) = channel(4, &budget);
        let (b, mut b_rx) = channel(4, &budget);
        a.send(1).await.unwrap();
        a.send(2).await.unwrap();
        drop(a_rx);
        b.send(3).await.unwrap();
        assert_eq!(b_rx.recv().await, Some(3));
    }
}
