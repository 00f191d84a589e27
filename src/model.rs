//! What a bot sees: plain data, with no I/O.

use chrono::NaiveDateTime;

use crate::api::queries::{recent_chat_messages, recent_followers};

pub(crate) mod timestamp;

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
    /// Whether it was sent while the bot was stopped, and read back when it started again.
    pub replayed: bool,
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
    /// The follow's id; ids grow with time within an instance.
    pub id: String,
    /// The new follower.
    pub follower: User,
    /// When they followed (UTC).
    pub followed_at: NaiveDateTime,
    /// Whether they followed while the bot was stopped, and it was read back when the bot
    /// started again.
    pub replayed: bool,
}

impl Follow {
    /// The id as a number, for ordering; `None` if the instance uses other ids.
    pub(crate) fn seq(&self) -> Option<u64> {
        self.id.parse().ok()
    }
}

/// The channel changed (its title, or going live).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelUpdate {
    /// The channel's title now.
    pub title: Option<String>,
}

/// A message read back over HTTP, as one pushed on the socket.
impl From<recent_chat_messages::RecentChatMessagesChannelChatMessagesEdgesNode> for ChatMessage {
    fn from(m: recent_chat_messages::RecentChatMessagesChannelChatMessagesEdgesNode) -> Self {
        let metadata = m.metadata.as_ref();
        Self {
            id: m.id,
            text: m.message.unwrap_or_default(),
            author: User {
                id: m.user.id,
                username: m.user.username,
            },
            author_is_moderator: metadata.and_then(|d| d.moderator).unwrap_or(false),
            author_is_streamer: metadata.and_then(|d| d.streamer).unwrap_or(false),
            sent_at: m.inserted_at,
            replayed: false,
        }
    }
}

/// A follow read back over HTTP, as one pushed on the socket.
impl From<recent_followers::RecentFollowersFollowersEdgesNode> for Follow {
    fn from(f: recent_followers::RecentFollowersFollowersEdgesNode) -> Self {
        Self {
            id: f.id,
            follower: User {
                id: f.user.id,
                username: f.user.username,
            },
            followed_at: f.inserted_at,
            replayed: false,
        }
    }
}
