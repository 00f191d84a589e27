//! A channel's three subscriptions (its chat, its streamer's followers, its updates): the
//! documents the socket sends for them, and how their pushes decode, in the same pass that
//! reads the frame, straight into the types a handler receives.

use chrono::NaiveDateTime;
use graphql_client::{GraphQLQuery, QueryBody};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::api::queries::{
    ChannelUpdates, ChatMessages, Followers, channel_updates, chat_messages, followers,
};
use crate::model::{Channel, ChannelUpdate, ChatMessage, Follow, User, timestamp};
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
    ) -> Result<Option<Event>, D::Error> {
        Self::owner(index).1.decode(payload)
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
    Chat(ChatMessage),
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

    /// Decodes the payload of a push of this kind; `None` when its result holds no object.
    pub(crate) fn decode<'de, D: Deserializer<'de>>(
        self,
        payload: D,
    ) -> Result<Option<Event>, D::Error> {
        Ok(match self {
            Kind::Chat => Push::<ChatData>::deserialize(payload)?
                .data()
                .and_then(|d| d.chat_message)
                .map(|m| Event::Chat(m.into())),
            Kind::Follow => Push::<FollowData>::deserialize(payload)?
                .data()
                .and_then(|d| d.followers)
                .map(|f| {
                    Event::Follow(Follow {
                        id: f.id,
                        follower: f.user.into(),
                        followed_at: f.inserted_at,
                        replayed: false,
                    })
                }),
            Kind::ChannelUpdate => Push::<ChannelData>::deserialize(payload)?
                .data()
                .and_then(|d| d.channel)
                .map(|c| Event::ChannelUpdate(ChannelUpdate { title: c.title })),
        })
    }
}

/// A `subscription:data` payload: `{"result": {"data": …}, "subscriptionId": …}`.
#[derive(Deserialize)]
struct Push<T> {
    result: PushResult<T>,
}

#[derive(Deserialize)]
struct PushResult<T> {
    data: Option<T>,
}

impl<T> Push<T> {
    fn data(self) -> Option<T> {
        self.result.data
    }
}

#[derive(Deserialize)]
struct ChatData {
    #[serde(rename = "chatMessage")]
    chat_message: Option<WireMessage>,
}

#[derive(Deserialize)]
struct FollowData {
    followers: Option<WireFollower>,
}

#[derive(Deserialize)]
struct ChannelData {
    channel: Option<WireChannel>,
}

/// The fields `chat_messages_subscription.graphql` selects.
#[derive(Deserialize)]
struct WireMessage {
    id: String,
    message: Option<String>,
    #[serde(rename = "insertedAt", deserialize_with = "timestamp::deserialize")]
    inserted_at: NaiveDateTime,
    user: WireUser,
    metadata: Option<WireMetadata>,
}

#[derive(Deserialize)]
struct WireUser {
    id: String,
    username: String,
}

#[derive(Deserialize)]
struct WireMetadata {
    moderator: Option<bool>,
    streamer: Option<bool>,
}

/// The fields `followers_subscription.graphql` selects.
#[derive(Deserialize)]
struct WireFollower {
    id: String,
    #[serde(rename = "insertedAt", deserialize_with = "timestamp::deserialize")]
    inserted_at: NaiveDateTime,
    user: WireUser,
}

#[derive(Deserialize)]
struct WireChannel {
    title: Option<String>,
}

impl From<WireUser> for User {
    fn from(u: WireUser) -> Self {
        User {
            id: u.id,
            username: u.username,
        }
    }
}

impl From<WireMessage> for ChatMessage {
    fn from(m: WireMessage) -> Self {
        let metadata = m.metadata.as_ref();
        ChatMessage {
            id: m.id,
            text: m.message.unwrap_or_default(),
            author: m.user.into(),
            author_is_moderator: metadata.and_then(|d| d.moderator).unwrap_or(false),
            author_is_streamer: metadata.and_then(|d| d.streamer).unwrap_or(false),
            sent_at: m.inserted_at,
            replayed: false,
        }
    }
}
