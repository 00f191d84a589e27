//! Chat messages: posting one through Glimesh's checks, pushing one without storing it, and the
//! moderation actions that ban, time out and hide.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use unicode_segmentation::UnicodeSegmentation;

use super::{Kind, State, ago};
use crate::protocol::{MAX_MESSAGE_GRAPHEMES, NOT_FOUND};
use crate::sim::pubsub::Event;
use crate::sim::rows::{Message, ModLog, now};

/// A moderation action and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModAction {
    ShortTimeout,
    LongTimeout,
    Ban,
    Unban,
    Delete(u64),
}

impl ModAction {
    fn log_name(self) -> &'static str {
        match self {
            ModAction::ShortTimeout => "short_timeout",
            ModAction::LongTimeout => "long_timeout",
            ModAction::Ban => "ban",
            ModAction::Unban => "unban",
            ModAction::Delete(_) => "delete_message",
        }
    }
}

/// Why the emulator refused a chat message (texts as Glimesh words them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ChatRefusal {
    #[error("{}", NOT_FOUND)]
    NoChannel,
    #[error("You are permanently banned from this channel.")]
    Banned,
    #[error("You are banned from this channel for {0} more minutes.")]
    TimedOut(i64),
    #[error("This channel has links disabled!")]
    LinksDisabled,
    #[error("message: can't be blank")]
    Blank,
    #[error("message: should be at most 255 character(s)")]
    TooLong,
}

impl State {
    /// Stores a chat message after Glimesh's checks, and pushes it to subscribers. A message
    /// stamped `age` ago (zero for one sent now) stands for one sent earlier and stored late.
    pub(crate) fn post_message(
        &mut self,
        channel_id: u64,
        user_id: u64,
        text: &str,
        age: Duration,
    ) -> Result<Arc<Message>, ChatRefusal> {
        let Some(channel) = self.channel(channel_id) else {
            return Err(ChatRefusal::NoChannel);
        };
        let at = now();
        match self.bans.get(&(channel_id, user_id)) {
            Some(None) => return Err(ChatRefusal::Banned),
            Some(Some(until)) if *until > at => {
                let secs = (*until - at).num_seconds();
                return Err(ChatRefusal::TimedOut((secs + 59) / 60));
            }
            _ => {}
        }
        if channel.block_links && text.contains("http") && text.contains("://") {
            return Err(ChatRefusal::LinksDisabled);
        }
        if text.trim().is_empty() {
            return Err(ChatRefusal::Blank);
        }
        if text.graphemes(true).count() > MAX_MESSAGE_GRAPHEMES {
            return Err(ChatRefusal::TooLong);
        }
        let moderator = channel.moderators.contains(&user_id);
        let streamer = channel.streamer_id == user_id;
        let kind = Kind {
            is_followed_message: false,
            moderator,
            streamer,
        };
        Ok(self.store_message(channel_id, user_id, text, kind, ago(age)))
    }

    /// Pushes a message to live subscriptions under a chosen id without storing it, as a
    /// server that numbers messages wrongly would.
    pub(crate) fn push_message(&mut self, channel_id: u64, user_id: u64, text: &str, id: u64) {
        let message = Message {
            id,
            channel_id,
            user_id,
            text: text.to_owned(),
            is_followed_message: false,
            moderator: false,
            streamer: false,
            inserted_at: now(),
        };
        self.subscribers.publish(&Event::Chat(Arc::new(message)));
    }

    /// Forgets every chat message, so that ids start again at 1, as a server restored from an
    /// empty backup would.
    pub(crate) fn forget_chat(&mut self) {
        self.messages.clear();
        self.hidden.clear();
    }

    /// Carries out a moderation action and logs it. `None` when an unban finds no ban.
    pub(crate) fn moderate(
        &mut self,
        channel_id: u64,
        moderator_id: u64,
        user_id: u64,
        action: ModAction,
    ) -> Option<ModLog> {
        let at = now();
        let until = |minutes| Some(at + chrono::Duration::minutes(minutes));
        match action {
            ModAction::ShortTimeout => self.ban(channel_id, user_id, until(5)),
            ModAction::LongTimeout => self.ban(channel_id, user_id, until(15)),
            ModAction::Ban => self.ban(channel_id, user_id, None),
            ModAction::Unban => {
                self.bans.remove(&(channel_id, user_id))?;
            }
            ModAction::Delete(message_id) => {
                self.hidden.insert(message_id);
            }
        }
        let log = ModLog {
            id: self.mod_logs.len() as u64 + 1,
            channel_id,
            moderator_id,
            user_id,
            action: action.log_name(),
            inserted_at: at,
        };
        self.mod_logs.push(log.clone());
        Some(log)
    }

    /// Bans or times out a user and hides their visible messages in the channel.
    fn ban(&mut self, channel_id: u64, user_id: u64, until: Option<NaiveDateTime>) {
        self.bans.insert((channel_id, user_id), until);
        let theirs = self
            .messages
            .iter()
            .filter(|m| m.channel_id == channel_id && m.user_id == user_id)
            .map(|m| m.id);
        self.hidden.extend(theirs);
    }
}
