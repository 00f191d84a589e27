//! The emulator's state: accounts, channels, chat, follows and moderation.
//!
//! One mutex guards it all; it is never held across an await, and events are published while it
//! is held so that every subscriber sees them in the order they were stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::NaiveDateTime;
use serde::Serialize;
use tokio::sync::mpsc;
use unicode_segmentation::UnicodeSegmentation;

use crate::protocol::NOT_FOUND;
use crate::sim::grants::Grants;
use crate::sim::pubsub::{Event, Subscribers, Topic};
use crate::sim::rows::{Channel, Follow, Message, ModLog, Stream, User, now};
use crate::sim::world::World;

pub(crate) use crate::protocol::MAX_MESSAGE_GRAPHEMES;
/// The text of the chat message a follow creates (clients prefix the username).
pub(crate) const FOLLOWED_TEXT: &str = " just followed the stream!";
/// How long a follow suppresses another follow message from the same user.
const FOLLOW_MESSAGE_COOLDOWN_SECS: i64 = 6 * 3600;

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

/// Counters that tests read through `GET /_sim/stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Requests to `/oauth/authorize`, GET and POST.
    pub authorize_requests: u64,
    /// Successful token grants, all types.
    pub token_grants: u64,
    /// Successful token grants by grant type.
    pub token_grants_by_type: HashMap<String, u64>,
    /// Requests to `/api/graph`.
    pub graph_requests: u64,
    /// Websockets open now.
    pub sockets_open: u64,
    /// Websockets accepted since start.
    pub sockets_accepted: u64,
    /// Socket upgrades refused by the `refuse_upgrades_ms` fault.
    pub upgrades_refused: u64,
    /// Chat messages stored since start.
    pub messages_created: u64,
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

/// What kind of message is stored, beside its text.
#[derive(Debug, Clone, Copy)]
struct Kind {
    is_followed_message: bool,
    moderator: bool,
    streamer: bool,
}

/// The time `age` ago in whole seconds, as Glimesh stores times.
fn ago(age: Duration) -> NaiveDateTime {
    chrono::TimeDelta::try_seconds(i64::try_from(age.as_secs()).unwrap_or(i64::MAX))
        .and_then(|age| now().checked_sub_signed(age))
        .unwrap_or(NaiveDateTime::MIN)
}

/// Everything that changes while the emulator runs.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) users: Vec<User>,
    pub(crate) channels: Vec<Channel>,
    pub(crate) messages: Vec<Arc<Message>>,
    pub(crate) follows: Vec<Follow>,
    /// The id of the newest follow ever stored: ids are not reused after an unfollow.
    last_follow_id: u64,
    pub(crate) mod_logs: Vec<ModLog>,
    /// Every stream, current and past, in id order.
    pub(crate) streams: Vec<Stream>,
    /// Channel bans by (channel id, user id): `None` is permanent, `Some` a timeout's end.
    bans: HashMap<(u64, u64), Option<NaiveDateTime>>,
    hidden: std::collections::HashSet<u64>,
    pub(crate) grants: Grants,
    pub(crate) subscribers: Subscribers,
    pub(crate) stats: Stats,
}

/// The shared, locked state.
#[derive(Debug)]
pub(crate) struct Store {
    state: Mutex<State>,
}

impl Store {
    pub(crate) fn new(world: &World) -> Self {
        let at = now();
        let mut state = State::default();
        for (i, seed) in world.users.iter().enumerate() {
            state.users.push(User {
                id: i as u64 + 1,
                username: seed.username.to_lowercase(),
                inserted_at: at,
            });
        }
        for (i, seed) in world.channels.iter().enumerate() {
            let id_of = |name: &str| state.user_by_name(name).map(|u| u.id);
            let channel = Channel {
                id: i as u64 + 1,
                streamer_id: id_of(&seed.streamer).unwrap_or_default(),
                title: seed.title.clone(),
                block_links: seed.block_links,
                moderators: seed.moderators.iter().filter_map(|m| id_of(m)).collect(),
                inserted_at: at,
                updated_at: at,
            };
            state.channels.push(channel);
        }
        state.grants = Grants::new(world, &state.users);
        Self {
            state: Mutex::new(state),
        }
    }

    /// Locks the state. A panic elsewhere leaves plain data behind, so poisoning is ignored.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    pub(crate) fn user(&self, id: u64) -> Option<&User> {
        id.checked_sub(1).and_then(|i| self.users.get(i as usize))
    }

    pub(crate) fn user_by_name(&self, name: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(name))
    }

    pub(crate) fn channel(&self, id: u64) -> Option<&Channel> {
        id.checked_sub(1)
            .and_then(|i| self.channels.get(i as usize))
    }

    pub(crate) fn channel_of(&self, streamer_id: u64) -> Option<&Channel> {
        self.channels.iter().find(|c| c.streamer_id == streamer_id)
    }

    pub(crate) fn subscribe(&mut self, topic: Topic) -> mpsc::UnboundedReceiver<Event> {
        self.subscribers.subscribe(topic)
    }

    /// The channel's visible messages, oldest first.
    pub(crate) fn visible_messages(&self, channel_id: u64) -> Vec<Arc<Message>> {
        self.messages
            .iter()
            .filter(|m| m.channel_id == channel_id && !self.hidden.contains(&m.id))
            .cloned()
            .collect()
    }

    /// Whether the message was deleted, or hidden by a ban or timeout of its author.
    pub(crate) fn is_hidden(&self, message_id: u64) -> bool {
        self.hidden.contains(&message_id)
    }

    /// Whether the user may moderate the channel: its owner or one of its moderators.
    pub(crate) fn can_moderate(&self, channel: &Channel, user_id: u64) -> bool {
        channel.streamer_id == user_id || channel.moderators.contains(&user_id)
    }

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

    fn store_message(
        &mut self,
        channel_id: u64,
        user_id: u64,
        text: &str,
        kind: Kind,
        inserted_at: NaiveDateTime,
    ) -> Arc<Message> {
        let message = Arc::new(Message {
            id: self.messages.len() as u64 + 1,
            channel_id,
            user_id,
            text: text.to_owned(),
            is_followed_message: kind.is_followed_message,
            moderator: kind.moderator,
            streamer: kind.streamer,
            inserted_at,
        });
        self.messages.push(Arc::clone(&message));
        self.stats.messages_created += 1;
        self.subscribers.publish(&Event::Chat(Arc::clone(&message)));
        message
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

    /// Follows a streamer: stores the follow, pushes it, and posts the follow chat message
    /// unless this user's last one in that channel is younger than six hours. A follow stamped
    /// `age` ago (zero for one made now) stands for one made earlier and stored late.
    pub(crate) fn follow(
        &mut self,
        streamer_id: u64,
        user_id: u64,
        live_notifications: bool,
        age: Duration,
    ) -> Follow {
        let at = ago(age);
        let existing = self
            .follows
            .iter_mut()
            .find(|f| f.streamer_id == streamer_id && f.user_id == user_id);
        let follow = match existing {
            Some(follow) => {
                follow.has_live_notifications = live_notifications;
                follow.updated_at = at;
                follow.clone()
            }
            None => {
                self.last_follow_id += 1;
                let follow = Follow {
                    id: self.last_follow_id,
                    streamer_id,
                    user_id,
                    has_live_notifications: live_notifications,
                    inserted_at: at,
                    updated_at: at,
                };
                self.follows.push(follow.clone());
                follow
            }
        };
        self.subscribers
            .publish(&Event::Follow(Arc::new(follow.clone())));
        if let Some(channel_id) = self.channel_of(streamer_id).map(|c| c.id) {
            let recent = self.messages.iter().rev().any(|m| {
                m.is_followed_message
                    && m.channel_id == channel_id
                    && m.user_id == user_id
                    && (at - m.inserted_at).num_seconds() < FOLLOW_MESSAGE_COOLDOWN_SECS
            });
            if !recent {
                let kind = Kind {
                    is_followed_message: true,
                    moderator: false,
                    streamer: false,
                };
                self.store_message(channel_id, user_id, FOLLOWED_TEXT, kind, at);
            }
        }
        follow
    }

    /// Removes a follow, returning it; Glimesh pushes nothing for an unfollow.
    pub(crate) fn unfollow(&mut self, streamer_id: u64, user_id: u64) -> Option<Follow> {
        let i = self
            .follows
            .iter()
            .position(|f| f.streamer_id == streamer_id && f.user_id == user_id)?;
        Some(self.follows.remove(i))
    }

    /// Changes a channel's title and pushes the channel to its subscribers.
    pub(crate) fn set_title(&mut self, channel_id: u64, title: &str) -> Option<Channel> {
        let channel = self.channels.get_mut(channel_id.checked_sub(1)? as usize)?;
        channel.title = title.to_owned();
        channel.updated_at = now();
        let channel = channel.clone();
        self.subscribers
            .publish(&Event::Channel(Arc::new(channel.clone())));
        Some(channel)
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
