//! What crosses from the socket to the bot: the subscriptions the bot asks for, each known to
//! the socket only by its index, and the deliveries it hands back, in the order it read them.

use serde_json::value::RawValue;

/// What a socket subscribes to: `doc` payloads sent as they are, known to the socket only by
/// their index, and how the pushes of each decode.
pub(crate) trait Subscriptions: Send + Sync + 'static {
    /// What a push decodes into.
    type Event: Send + 'static;

    /// The `doc` payload (`{"query": …, "variables": …}`) of every subscription.
    fn documents(&self) -> &[Box<RawValue>];

    /// Decodes the payload of a push to subscription `index` as the frame is read; `None`
    /// when the push holds no event (a null result). `spent` may hold an event already
    /// handled, whose memory the new one may take instead of allocating its own.
    fn decode<'de, D: serde::Deserializer<'de>>(
        &self,
        index: usize,
        payload: D,
        spent: &mut Option<Self::Event>,
    ) -> Result<Option<Self::Event>, D::Error>;
}

/// What the socket hands on, from the frame to the channel's worker.
#[derive(Debug)]
pub(crate) enum Delivery<E> {
    /// Subscription `index` is acknowledged: at start, or again on a new connection, so
    /// whatever happened before now was not delivered.
    Subscribed(usize),
    /// An event pushed to subscription `index`.
    Event(usize, E),
}

impl<E> Delivery<E> {
    /// The event delivered, if this is one.
    pub(crate) fn into_event(self) -> Option<E> {
        match self {
            Delivery::Subscribed(_) => None,
            Delivery::Event(_, event) => Some(event),
        }
    }
}

/// Nobody takes deliveries any more: the bot stopped.
#[derive(Debug)]
pub(crate) struct Closed;

/// Where the socket hands what it receives. The socket reads nothing more while `deliver`
/// waits, so a slow consumer slows the socket down (and TCP the server) instead of losing
/// events.
pub(crate) trait Deliver<E>: Send {
    /// Hands a delivery on. When the event was handled at once it comes back, spent, for the
    /// next push to decode into (see [`Subscriptions::decode`]).
    fn deliver(
        &mut self,
        delivery: Delivery<E>,
    ) -> impl Future<Output = Result<Option<E>, Closed>> + Send;

    /// The socket is about to wait for frames (or has lost its connection): whatever the
    /// consumer kept from one delivery for the next goes back.
    fn rest(&mut self);
}
