//! Follows: following a streamer, with the chat message it posts, and unfollowing.

use std::sync::Arc;
use std::time::Duration;

use super::{Kind, State, ago};
use crate::sim::pubsub::Event;
use crate::sim::rows::Follow;

/// The text of the chat message a follow creates (clients prefix the username).
pub(crate) const FOLLOWED_TEXT: &str = " just followed the stream!";
/// How long a follow suppresses another follow message from the same user.
const FOLLOW_MESSAGE_COOLDOWN_SECS: i64 = 6 * 3600;

impl State {
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
}
