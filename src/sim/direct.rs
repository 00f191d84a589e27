//! What a Rust test does to the emulator directly, beside the `/_sim/` routes: people joining
//! and being made moderators, the faults of those routes, and what moderators did.

use chrono::{DateTime, Utc};

use crate::sim::Sim;
use crate::sim::rows::{User, now};
use crate::sim::store::State;

/// A moderation action the emulator carried out, as its moderation log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderation {
    /// Who acted.
    pub moderator: String,
    /// Whom it was done to (for a deleted message, its author).
    pub user: String,
    /// `short_timeout`, `long_timeout`, `ban`, `unban` or `delete_message`.
    pub action: String,
}

/// A token the emulator granted, as its token endpoint would answer it.
#[derive(Debug, Clone)]
pub struct Granted {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
    /// The granted scopes, space-separated.
    pub scope: String,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
}

impl State {
    /// The user named so, signed up now if there is none.
    fn user_or_sign_up(&mut self, username: &str) -> u64 {
        if let Some(user) = self.user_by_name(username) {
            return user.id;
        }
        let id = self.users.len() as u64 + 1;
        self.users.push(User {
            id,
            username: username.to_lowercase(),
            inserted_at: now(),
        });
        id
    }
}

impl Sim {
    /// Signs up a user with this name, unless one exists.
    pub fn add_user(&self, username: &str) {
        self.shared.store.lock().user_or_sign_up(username);
    }

    /// Makes a user (signed up now if needed) a moderator of the channel; `false` when there
    /// is no such channel.
    pub fn add_moderator(&self, channel_id: &str, username: &str) -> bool {
        let mut world = self.shared.store.lock();
        let user_id = world.user_or_sign_up(username);
        let index = channel_id
            .parse::<usize>()
            .ok()
            .and_then(|id| id.checked_sub(1));
        let Some(channel) = index.and_then(|i| world.channels.get_mut(i)) else {
            return false;
        };
        if !channel.moderators.contains(&user_id) {
            channel.moderators.push(user_id);
        }
        true
    }

    /// A token of the world's application for this user, as a login with this scope would
    /// grant; `None` when there is no such user.
    pub fn grant_token(&self, username: &str, scope: &str) -> Option<Granted> {
        let mut world = self.shared.store.lock();
        let user_id = world.user_by_name(username)?.id;
        let client_id = self.info.client_id.clone();
        let row = world.grants.issue_token(&client_id, user_id, scope);
        Some(Granted {
            access_token: row.access_token,
            refresh_token: row.refresh_token,
            scope: row.scope,
            expires_at: DateTime::from_timestamp(row.expires_at, 0).unwrap_or_default(),
        })
    }

    /// Closes every open socket abruptly, as `POST /_sim/sockets/drop` does.
    pub fn drop_sockets(&self) {
        self.shared.socket_drops.send_modify(|n| *n += 1);
    }

    /// Makes every token expire now, as `POST /_sim/tokens/expire` does.
    pub fn expire_tokens(&self) {
        self.shared.store.lock().grants.expire_all();
    }

    /// Revokes every token, as `POST /_sim/tokens/revoke` does.
    pub fn revoke_tokens(&self) {
        self.shared.store.lock().grants.revoke_all();
    }

    /// The moderation actions carried out in the channel, oldest first.
    pub fn moderation_log(&self, channel_id: &str) -> Vec<Moderation> {
        let world = self.shared.store.lock();
        let name = |id| {
            world
                .user(id)
                .map(|u| u.username.clone())
                .unwrap_or_default()
        };
        world
            .mod_logs
            .iter()
            .filter(|log| log.channel_id.to_string() == channel_id)
            .map(|log| Moderation {
                moderator: name(log.moderator_id),
                user: name(log.user_id),
                action: log.action.to_owned(),
            })
            .collect()
    }

    /// Whether the chat message was removed from view: deleted, or its author banned or timed
    /// out.
    pub fn is_hidden(&self, message_id: &str) -> bool {
        let id = message_id.parse().unwrap_or(0);
        self.shared.store.lock().is_hidden(id)
    }
}
