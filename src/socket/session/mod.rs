//! The socket's protocol state, with no I/O: frames in, frames to send and events out.
//!
//! It joins the Absinthe control channel, subscribes every document once joined, matches
//! replies to requests by ref, routes `subscription:data` pushes by subscription id, and rejoins
//! when the server reports that the channel crashed. The documents and what their pushes mean
//! belong to whoever asked for them ([`Subscriptions`]); a push is decoded by them in the same
//! pass that reads its frame.

mod requests;

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeSeed;

use crate::protocol::frame::{self, Decoded, Reply, ReplyStatus};
use crate::socket::delivery::{Delivery, Subscriptions};
use requests::Pending;

/// What a received frame means for the connection.
#[derive(Debug)]
pub(crate) enum Received<E> {
    /// Frames to send now.
    Send(Vec<String>),
    /// Something to hand on.
    Deliver(Delivery<E>),
    /// Nothing to do.
    Nothing,
}

/// Why a frame could not be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionError {
    /// Not a frame of the protocol; it is skipped.
    #[error("malformed frame: {0}")]
    Malformed(String),
    /// The server refused the join or a subscription.
    #[error("the server refused {0}")]
    Refused(String),
}

/// Subscription indexes by the hash of their ids, so that a push is routed without comparing
/// its id's hundred bytes against a stored copy. Two of the bot's own ids sharing a 64-bit hash
/// is too unlikely to plan for, and a server that forged one could as well push to the other id.
type Live = HashMap<u64, usize, foldhash::fast::FixedState>;

/// The key of a subscription id in [`Live`].
fn id_hash(id: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(id)
}

/// The state of one connection.
pub(crate) struct Session<S: Subscriptions> {
    subscriptions: Arc<S>,
    next_ref: u64,
    join_ref: String,
    pending: HashMap<u64, Pending>,
    live: Live,
    heartbeat: Option<u64>,
    /// An event handled already, for the next push to decode into.
    spent: Option<S::Event>,
}

/// Decodes a push's payload with the subscription it was pushed to.
struct PushSeed<'a, S: Subscriptions> {
    subscriptions: &'a S,
    index: usize,
    spent: &'a mut Option<S::Event>,
}

impl<'de, S: Subscriptions> DeserializeSeed<'de> for PushSeed<'_, S> {
    type Value = (usize, Option<S::Event>);

    fn deserialize<D: serde::Deserializer<'de>>(self, payload: D) -> Result<Self::Value, D::Error> {
        let event = self.subscriptions.decode(self.index, payload, self.spent)?;
        Ok((self.index, event))
    }
}

impl<S: Subscriptions> Session<S> {
    pub(crate) fn new(subscriptions: Arc<S>) -> Self {
        Self {
            subscriptions,
            next_ref: 0,
            join_ref: String::new(),
            pending: HashMap::new(),
            live: Live::default(),
            heartbeat: None,
            spent: None,
        }
    }

    /// Keeps an event handled already, for the next push to decode into.
    pub(crate) fn recycle(&mut self, spent: S::Event) {
        self.spent = Some(spent);
    }

    /// Whether every subscription is acknowledged.
    pub(crate) fn all_subscribed(&self) -> bool {
        self.live.len() == self.subscriptions.documents().len()
    }

    /// What a received text frame means.
    pub(crate) fn receive(&mut self, text: &str) -> Result<Received<S::Event>, SessionError> {
        let (live, subscriptions, spent) = (&self.live, &*self.subscriptions, &mut self.spent);
        let claimed = frame::decode_with(text, move |topic, event| {
            let index = *live.get(&id_hash(topic))?;
            (event == frame::SUBSCRIPTION_DATA).then_some(PushSeed {
                subscriptions,
                index,
                spent,
            })
        });
        let frame = match claimed {
            Ok(Decoded::Claimed((index, event))) => {
                return Ok(event.map_or(Received::Nothing, |event| {
                    Received::Deliver(Delivery::Event(index, event))
                }));
            }
            Ok(Decoded::Frame(frame)) => frame,
            Err(e) => return Err(SessionError::Malformed(e.to_string())),
        };
        match frame.event {
            frame::PHX_REPLY => self.reply(&frame),
            frame::PHX_ERROR if frame.topic == frame::CONTROL_TOPIC => {
                tracing::warn!("the server's channel crashed; joining again");
                Ok(Received::Send(vec![self.join()]))
            }
            _ => Ok(Received::Nothing),
        }
    }

    fn reply(&mut self, frame: &frame::Frame<'_>) -> Result<Received<S::Event>, SessionError> {
        let pending = frame
            .msg_ref
            .and_then(|r| serde_json::from_str::<&str>(r.get()).ok())
            .and_then(|r| r.parse::<u64>().ok())
            .and_then(|r| Some((r, self.pending.remove(&r)?)));
        let Some((msg_ref, pending)) = pending else {
            return Ok(Received::Nothing);
        };
        let reply: Reply<'_> = serde_json::from_str(frame.payload.get())
            .map_err(|e| SessionError::Malformed(e.to_string()))?;
        match (pending, reply.status) {
            (Pending::Leave, _) => Ok(Received::Nothing),
            (Pending::Heartbeat, _) => {
                if self.heartbeat == Some(msg_ref) {
                    self.heartbeat = None;
                }
                Ok(Received::Nothing)
            }
            (Pending::Join, ReplyStatus::Ok) => {
                let subscriptions = Arc::clone(&self.subscriptions);
                let subscribe = subscriptions
                    .documents()
                    .iter()
                    .enumerate()
                    .map(|(i, document)| {
                        self.request(
                            Pending::Subscribe(i),
                            frame::CONTROL_TOPIC,
                            frame::DOC,
                            document,
                        )
                    })
                    .collect();
                Ok(Received::Send(subscribe))
            }
            (Pending::Subscribe(index), ReplyStatus::Ok) => {
                #[derive(Deserialize)]
                struct Subscribed<'a> {
                    #[serde(rename = "subscriptionId", borrow)]
                    subscription_id: &'a str,
                }
                let ack: Subscribed<'_> = serde_json::from_str(reply.response.get())
                    .map_err(|e| SessionError::Malformed(e.to_string()))?;
                self.live.insert(id_hash(ack.subscription_id), index);
                Ok(Received::Deliver(Delivery::Subscribed(index)))
            }
            (Pending::Join, ReplyStatus::Error) => Err(SessionError::Refused(format!(
                "the join: {}",
                reply.response.get()
            ))),
            (Pending::Subscribe(index), ReplyStatus::Error) => Err(SessionError::Refused(format!(
                "subscription {index}: {}",
                reply.response.get()
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
