//! The emulator's state: accounts, channels, chat, follows and moderation.
//!
//! One mutex guards it all; it is never held across an await, and events are published while it
//! is held so that every subscriber sees them in the order they were stored. This file holds the
//! tables, their lookups and the one place a chat message is stored and pushed.

mod chat;
mod follows;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::NaiveDateTime;
use serde::Serialize;
use tokio::sync::mpsc;

use crate::sim::grants::Grants;
use crate::sim::pubsub::{Event, Subscribers, Topic};
use crate::sim::rows::{Channel, Follow, Message, ModLog, Stream, User, now};
use crate::sim::world::World;
pub(crate) use chat::{ChatRefusal, ModAction};

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
}
