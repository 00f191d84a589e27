//! How the pushes of a channel's subscriptions decode, in the same pass that reads the frame,
//! straight into the types a handler receives.

use std::borrow::Cow;

use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer};

use crate::bot::subscriptions::{Event, Kind};
use crate::model::{ChannelUpdate, ChatMessage, Follow, User, timestamp};

impl Kind {
    /// Decodes the payload of a push of this kind; `None` when its result holds no object. A
    /// chat message is written into the strings of a `spent` one, if there is one: a bot that
    /// keeps up allocates nothing per message.
    pub(crate) fn decode<'de, D: Deserializer<'de>>(
        self,
        payload: D,
        spent: &mut Option<Event>,
    ) -> Result<Option<Event>, D::Error> {
        Ok(match self {
            Kind::Chat => Push::<ChatData<'de>>::deserialize(payload)?
                .data()
                .and_then(|d| d.chat_message)
                .map(|m| {
                    let spent = match spent.take() {
                        Some(Event::Chat(message)) => Some(message),
                        _ => None,
                    };
                    Event::Chat(m.into_message(spent))
                }),
            Kind::Follow => Push::<FollowData<'de>>::deserialize(payload)?
                .data()
                .and_then(|d| d.followers)
                .map(|f| {
                    Event::Follow(Follow {
                        id: f.id.into_owned(),
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
struct ChatData<'a> {
    #[serde(rename = "chatMessage", borrow)]
    chat_message: Option<WireMessage<'a>>,
}

#[derive(Deserialize)]
struct FollowData<'a> {
    #[serde(borrow)]
    followers: Option<WireFollower<'a>>,
}

#[derive(Deserialize)]
struct ChannelData {
    channel: Option<WireChannel>,
}

/// The fields `chat_messages_subscription.graphql` selects, borrowed from the frame where they
/// hold no escapes.
#[derive(Deserialize)]
struct WireMessage<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(rename = "insertedAt", deserialize_with = "timestamp::deserialize")]
    inserted_at: NaiveDateTime,
    #[serde(borrow)]
    user: WireUser<'a>,
    metadata: Option<WireMetadata>,
}

#[derive(Deserialize)]
struct WireUser<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    username: Cow<'a, str>,
}

#[derive(Deserialize)]
struct WireMetadata {
    moderator: Option<bool>,
    streamer: Option<bool>,
}

/// The fields `followers_subscription.graphql` selects.
#[derive(Deserialize)]
struct WireFollower<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(rename = "insertedAt", deserialize_with = "timestamp::deserialize")]
    inserted_at: NaiveDateTime,
    #[serde(borrow)]
    user: WireUser<'a>,
}

#[derive(Deserialize)]
struct WireChannel {
    title: Option<String>,
}

impl From<WireUser<'_>> for User {
    fn from(u: WireUser<'_>) -> Self {
        User {
            id: u.id.into_owned(),
            username: u.username.into_owned(),
        }
    }
}

impl WireMessage<'_> {
    /// The message, in the strings of `spent` where there is one.
    fn into_message(self, spent: Option<Box<ChatMessage>>) -> Box<ChatMessage> {
        let metadata = self.metadata.as_ref();
        let mut message = spent.unwrap_or_else(|| {
            Box::new(ChatMessage {
                id: String::new(),
                text: String::new(),
                author: User {
                    id: String::new(),
                    username: String::new(),
                },
                author_is_moderator: false,
                author_is_streamer: false,
                sent_at: self.inserted_at,
                replayed: false,
            })
        });
        refill(&mut message.id, &self.id);
        refill(
            &mut message.text,
            self.message.as_deref().unwrap_or_default(),
        );
        refill(&mut message.author.id, &self.user.id);
        refill(&mut message.author.username, &self.user.username);
        message.author_is_moderator = metadata.and_then(|d| d.moderator).unwrap_or(false);
        message.author_is_streamer = metadata.and_then(|d| d.streamer).unwrap_or(false);
        message.sent_at = self.inserted_at;
        message.replayed = false;
        message
    }
}

/// Replaces `into`'s text with `text`, in the memory it has when that is enough.
fn refill(into: &mut String, text: &str) {
    into.clear();
    into.push_str(text);
}
