//! The records the emulator keeps, as Glimesh's tables hold them.

use chrono::{NaiveDateTime, Timelike, Utc};

/// The current time as Glimesh stores it: UTC, whole seconds, no zone.
pub(crate) fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond(0).unwrap_or(now)
}

/// A user account.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: u64,
    pub(crate) username: String,
    pub(crate) inserted_at: NaiveDateTime,
}

/// A channel; its id is unrelated to its streamer's user id.
#[derive(Debug, Clone)]
pub(crate) struct Channel {
    pub(crate) id: u64,
    pub(crate) streamer_id: u64,
    pub(crate) title: String,
    pub(crate) block_links: bool,
    pub(crate) moderators: Vec<u64>,
    pub(crate) inserted_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

/// A stored chat message.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub(crate) id: u64,
    pub(crate) channel_id: u64,
    pub(crate) user_id: u64,
    pub(crate) text: String,
    pub(crate) is_followed_message: bool,
    pub(crate) moderator: bool,
    pub(crate) streamer: bool,
    pub(crate) inserted_at: NaiveDateTime,
}

/// A follow of a streamer by a user.
#[derive(Debug, Clone)]
pub(crate) struct Follow {
    pub(crate) id: u64,
    pub(crate) streamer_id: u64,
    pub(crate) user_id: u64,
    pub(crate) has_live_notifications: bool,
    pub(crate) inserted_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

/// A moderation action, as `ChannelModerationLog` shows it.
#[derive(Debug, Clone)]
pub(crate) struct ModLog {
    pub(crate) id: u64,
    pub(crate) channel_id: u64,
    pub(crate) moderator_id: u64,
    pub(crate) user_id: u64,
    pub(crate) action: &'static str,
    pub(crate) inserted_at: NaiveDateTime,
}

/// A live stream of a channel, current (`ended_at` is `None`) or past.
#[derive(Debug, Clone)]
pub(crate) struct Stream {
    pub(crate) id: u64,
    pub(crate) channel_id: u64,
    /// The channel's title when the stream started.
    pub(crate) title: String,
    pub(crate) started_at: NaiveDateTime,
    pub(crate) ended_at: Option<NaiveDateTime>,
    pub(crate) updated_at: NaiveDateTime,
}
