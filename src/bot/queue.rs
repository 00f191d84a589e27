//! A bounded queue whose sender is woken in batches.
//!
//! A plain bounded channel gives a full queue's sender one slot per item the receiver takes,
//! so under load the two tasks take turns item by item. Here the receiver returns room half a
//! queue at a time (or at once when it runs dry), so the sender, once woken, sends a batch.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};

/// Makes a queue that holds at most `capacity` items (at least 2).
pub(crate) fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let capacity = capacity.max(2);
    let (tx, rx) = mpsc::unbounded_channel();
    let room = Arc::new(Semaphore::new(capacity));
    let sender = Sender {
        tx,
        room: Arc::clone(&room),
    };
    (
        sender,
        Receiver {
            rx,
            room,
            taken: 0,
            batch: capacity / 2,
        },
    )
}

/// The sending end.
#[derive(Debug)]
pub(crate) struct Sender<T> {
    tx: mpsc::UnboundedSender<T>,
    room: Arc<Semaphore>,
}

impl<T> Sender<T> {
    /// Queues an item, waiting while the queue is full. Gives the item back when the receiver
    /// is gone.
    pub(crate) async fn send(&self, item: T) -> Result<(), T> {
        match self.room.try_acquire() {
            Ok(permit) => permit.forget(),
            Err(_) => match self.room.acquire().await {
                Ok(permit) => permit.forget(),
                Err(_) => return Err(item),
            },
        }
        self.tx.send(item).map_err(|e| e.0)
    }
}

/// The receiving end.
#[derive(Debug)]
pub(crate) struct Receiver<T> {
    rx: mpsc::UnboundedReceiver<T>,
    room: Arc<Semaphore>,
    taken: usize,
    batch: usize,
}

impl<T> Receiver<T> {
    /// The next item; `None` once the sender is gone and the queue is empty.
    pub(crate) async fn recv(&mut self) -> Option<T> {
        let item = match self.rx.try_recv() {
            Ok(item) => item,
            Err(_) => {
                // About to wait: give all the room back so the sender never waits on us.
                self.give_back();
                self.rx.recv().await?
            }
        };
        self.taken += 1;
        if self.taken >= self.batch {
            self.give_back();
        }
        Some(item)
    }

    fn give_back(&mut self) {
        self.room.add_permits(self.taken);
        self.taken = 0;
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
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
        let (tx, mut rx) = channel(4);
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
        let (tx, mut rx) = channel(4);
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
        let (tx, rx) = channel(2);
        tx.send(1).await.unwrap();
        tx.send(2).await.unwrap();
        let waiting = tokio::spawn(async move { tx.send(3).await });
        tokio::task::yield_now().await;
        drop(rx);
        assert_eq!(waiting.await.unwrap(), Err(3));
    }
}
