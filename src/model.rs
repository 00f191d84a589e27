//! What a bot sees: plain data, with no I/O.

use chrono::NaiveDateTime;

use crate::api::queries::{channel_updates, chat_messages, followers, recent_chat_messages};

/// A Glimesh account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The account's id.
    pub id: String,
    /// The lowercase login name.
    pub username: String,
}

/// A channel the bot is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// The channel's id (not its streamer's user id).
    pub id: String,
    /// The owner.
    pub streamer: User,
    /// The title when the bot joined.
    pub title: String,
}

/// A chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// The message's id; ids grow with time within an instance.
    pub id: String,
    /// The text as the author typed it; not sanitised.
    pub text: String,
    /// Who wrote it.
    pub author: User,
    /// Whether the author moderates the channel.
    pub author_is_moderator: bool,
    /// Whether the author owns the channel.
    pub author_is_streamer: bool,
    /// When it was sent (UTC).
    pub sent_at: NaiveDateTime,
}

impl ChatMessage {
    /// The id as a number, for ordering; `None` if the instance uses other ids.
    pub(crate) fn seq(&self) -> Option<u64> {
        self.id.parse().ok()
    }
}

/// Someone followed the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    /// The new follower.
    pub follower: User,
}

/// The channel changed (its title, or going live).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelUpdate {
    /// The channel's title now.
    pub title: Option<String>,
}

/// Converts a generated message type into [`ChatMessage`]; both documents select the same fields.
macro_rules! chat_message_from {
    ($module:ident :: $ty:ident) => {
        impl From<$module::$ty> for ChatMessage {
            fn from(m: $module::$ty) -> Self {
                let metadata = m.metadata;
                Self {
                    id: m.id,
                    text: m.message.unwrap_or_default(),
                    author: User {
                        id: m.user.id,
                        username: m.user.username,
                    },
                    author_is_moderator: metadata
                        .as_ref()
                        .and_then(|d| d.moderator)
                        .unwrap_or(false),
                    author_is_streamer: metadata.as_ref().and_then(|d| d.streamer).unwrap_or(false),
                    sent_at: m.inserted_at,
                }
            }
        }
    };
}

chat_message_from!(chat_messages::ChatMessagesChatMessage);
chat_message_from!(recent_chat_messages::RecentChatMessagesChannelChatMessagesEdgesNode);

impl From<followers::FollowersFollowers> for Follow {
    fn from(f: followers::FollowersFollowers) -> Self {
        Self {
            follower: User {
                id: f.user.id,
                username: f.user.username,
            },
        }
    }
}

impl From<channel_updates::ChannelUpdatesChannel> for ChannelUpdate {
    fn from(c: channel_updates::ChannelUpdatesChannel) -> Self {
        Self { title: c.title }
    }
}
