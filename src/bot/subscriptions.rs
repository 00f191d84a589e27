//! A channel's three subscriptions (its chat, its streamer's followers, its updates): the
//! documents the socket sends for them, and how their pushes decode, in the same pass that
//! reads the frame, straight into the types a handler receives.

use graphql_client::{GraphQLQuery, QueryBody};
use serde::{Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::api::queries::{
    ChannelUpdates, ChatMessages, Followers, channel_updates, chat_messages, followers,
};
use crate::model::{Channel, ChannelUpdate, ChatMessage, Follow};
use crate::socket::Subscriptions;

/// Every channel's subscriptions, [`Kind::ALL`] for each channel in turn; the socket knows
/// them by index.
pub(crate) struct ChannelSubscriptions {
    documents: Vec<Box<RawValue>>,
}

impl ChannelSubscriptions {
    pub(crate) fn new<'a>(channels: impl IntoIterator<Item = &'a Channel>) -> Self {
        let documents = channels
            .into_iter()
            .flat_map(|channel| Kind::ALL.map(|kind| kind.document(channel)))
            .collect();
        Self { documents }
    }

    /// The index of the channel that subscription `index` belongs to, and what it carries.
    pub(crate) fn owner(index: usize) -> (usize, Kind) {
        (index / Kind::ALL.len(), Kind::ALL[index % Kind::ALL.len()])
    }
}

impl Subscriptions for ChannelSubscriptions {
    type Event = Event;

    fn documents(&self) -> &[Box<RawValue>] {
        &self.documents
    }

    fn decode<'de, D: Deserializer<'de>>(
        &self,
        index: usize,
        payload: D,
        spent: &mut Option<Event>,
    ) -> Result<Option<Event>, D::Error> {
        Self::owner(index).1.decode(payload, spent)
    }
}

/// What a subscription carries; its value is its place among a channel's subscriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Chat = 0,
    Follow = 1,
    ChannelUpdate = 2,
}

/// Something that happened in a channel, as its handler receives it.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// Boxed: the event moves from the frame to the worker and back as a pointer, and a spent
    /// one's box is written into again.
    Chat(Box<ChatMessage>),
    Follow(Follow),
    ChannelUpdate(ChannelUpdate),
}

impl Kind {
    /// Every subscription a channel makes.
    pub(crate) const ALL: [Kind; 3] = [Kind::Chat, Kind::Follow, Kind::ChannelUpdate];

    /// The `doc` payload that subscribes `channel` to this kind of event.
    pub(crate) fn document(self, channel: &Channel) -> Box<RawValue> {
        fn doc<V: Serialize>(body: QueryBody<V>) -> Box<RawValue> {
            #[derive(Serialize)]
            struct Doc<'a, V> {
                query: &'a str,
                variables: V,
            }
            let doc = Doc {
                query: body.query,
                variables: body.variables,
            };
            // Strings and options of strings always serialize.
            serde_json::value::to_raw_value(&doc).unwrap_or_default()
        }
        match self {
            Kind::Chat => doc(ChatMessages::build_query(chat_messages::Variables {
                channel_id: Some(channel.id.clone()),
            })),
            Kind::Follow => doc(Followers::build_query(followers::Variables {
                streamer_id: Some(channel.streamer.id.clone()),
            })),
            Kind::ChannelUpdate => doc(ChannelUpdates::build_query(channel_updates::Variables {
                id: Some(channel.id.clone()),
            })),
        }
    }
}

mod decode;
#[cfg(test)]
mod tests;
