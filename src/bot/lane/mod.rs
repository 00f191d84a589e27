//! A channel's lane: how the socket's deliveries reach the channel's worker, in order.
//!
//! When the worker is idle, the socket's task runs a delivery itself: an event handled at once
//! then costs no queue and no switch between tasks, which with many channels is most of what an
//! event costs. A delivery that has to wait (a handler sending a reply, a catch-up) is handed to
//! the lane's own task to finish ([`task`]), and every delivery behind it waits in the lane's
//! queue, which that task drains in order. Each queue is bounded, and all of them together by
//! a [`Budget`], so memory stays bounded however many channels fill at once.

mod budget;
mod task;

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::bot::subscriptions::Event;
use crate::bot::worker::Worker;
use crate::socket::Delivery;
pub(crate) use budget::Budget;
pub(crate) use task::Shutdown;

/// Work started on the socket's task that the lane's task finishes; the worker goes back to
/// the lane when the lease it ends with is dropped.
type Unfinished = Pin<Box<dyn Future<Output = (Lease, Delivery<Event>)> + Send>>;

/// One channel's lane.
pub(crate) struct Lane {
    slot: Mutex<Slot>,
    /// How many deliveries may wait in the queue.
    capacity: usize,
    /// The channel's span, entered wherever its worker runs.
    span: tracing::Span,
}

struct Slot {
    /// The worker, while nobody runs it.
    worker: Option<Box<Worker>>,
    unfinished: Option<Unfinished>,
    queued: VecDeque<Delivery<Event>>,
    /// The lane's task, when it waits for work.
    waiting: Option<Waker>,
}

/// What the socket's offer of a delivery came to.
pub(crate) enum Offer {
    /// The worker was idle: run the delivery now, on the socket's task.
    Run(Lease, Delivery<Event>),
    Queued,
    /// The queue or the budget is full; offer it again once there is room.
    Full(Delivery<Event>),
}

/// What the lane's task is to do next.
enum Next {
    Finish(Unfinished),
    Drain(Lease),
}

/// A worker taken from its lane, given back when dropped, however its work ended.
pub(crate) struct Lease {
    lane: Arc<Lane>,
    worker: Option<Box<Worker>>,
}

impl Lane {
    pub(crate) fn new(worker: Worker, capacity: usize, span: tracing::Span) -> Arc<Self> {
        let slot = Slot {
            worker: Some(Box::new(worker)),
            unfinished: None,
            queued: VecDeque::new(),
            waiting: None,
        };
        Arc::new(Self {
            slot: Mutex::new(slot),
            capacity: capacity.max(1),
            span,
        })
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        // Nothing panics while holding it; a poisoned lock still guards consistent data.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the worker to run `delivery` now if it is idle with nothing before it, or else
    /// queues the delivery if the queue and the budget have room.
    pub(crate) fn offer(self: &Arc<Self>, delivery: Delivery<Event>, budget: &Budget) -> Offer {
        let mut slot = self.slot();
        if slot.queued.is_empty()
            && slot.unfinished.is_none()
            && let Some(worker) = slot.worker.take()
        {
            return Offer::Run(self.lease(worker), delivery);
        }
        if slot.queued.len() >= self.capacity || !budget.take() {
            return Offer::Full(delivery);
        }
        slot.queued.push_back(delivery);
        let waiting = slot.waiting.take();
        drop(slot);
        wake(waiting);
        Offer::Queued
    }

    /// Gives work the socket's task started and could not finish to the lane's task.
    pub(crate) fn hand_over(&self, unfinished: Unfinished) {
        let mut slot = self.slot();
        slot.unfinished = Some(unfinished);
        let waiting = slot.waiting.take();
        drop(slot);
        wake(waiting);
    }

    /// Runs `f` inside the channel's span.
    pub(crate) fn in_span<T>(&self, f: impl FnOnce() -> T) -> T {
        self.span.in_scope(f)
    }

    /// The worker, if it is idle, whatever is queued.
    fn idle_worker(self: &Arc<Self>) -> Option<Lease> {
        let worker = self.slot().worker.take()?;
        Some(self.lease(worker))
    }

    /// What the lane's task does next, once there is something.
    fn next(self: &Arc<Self>, cx: &mut Context<'_>) -> Poll<Next> {
        let mut slot = self.slot();
        if let Some(unfinished) = slot.unfinished.take() {
            return Poll::Ready(Next::Finish(unfinished));
        }
        if !slot.queued.is_empty()
            && let Some(worker) = slot.worker.take()
        {
            return Poll::Ready(Next::Drain(self.lease(worker)));
        }
        if !slot
            .waiting
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            slot.waiting = Some(cx.waker().clone());
        }
        Poll::Pending
    }

    /// The next queued delivery.
    fn pop(&self) -> Option<Delivery<Event>> {
        self.slot().queued.pop_front()
    }

    /// Work the socket's task handed over and the lane's task never started.
    fn take_unfinished(&self) -> Option<Unfinished> {
        self.slot().unfinished.take()
    }

    fn lease(self: &Arc<Self>, worker: Box<Worker>) -> Lease {
        Lease {
            lane: Arc::clone(self),
            worker: Some(worker),
        }
    }
}

impl Lease {
    /// Runs one delivery, and ends with the lease for the next one and the delivery, spent.
    /// The worker goes back to its lane when the lease is dropped, or this is.
    pub(crate) async fn deliver(mut self, delivery: Delivery<Event>) -> (Lease, Delivery<Event>) {
        if let Some(worker) = self.worker.as_deref_mut() {
            worker.deliver(&delivery).await;
        }
        (self, delivery)
    }

    fn worker(&mut self) -> Option<&mut Worker> {
        self.worker.as_deref_mut()
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            let mut slot = self.lane.slot();
            slot.worker = Some(worker);
            let waiting = if slot.queued.is_empty() {
                None
            } else {
                slot.waiting.take()
            };
            drop(slot);
            wake(waiting);
        }
    }
}

/// Wakes the lane's task if it waits; called once the lane's lock is released.
fn wake(waiting: Option<Waker>) {
    if let Some(waker) = waiting {
        waker.wake();
    }
}
