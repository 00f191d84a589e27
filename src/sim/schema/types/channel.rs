//! A channel and what hangs off it: its status, its followers and its moderation log.

use async_graphql::{Context, Enum, ID, Object, Result};

use super::chat::ChatMessage;
use super::page::{Connection, Edge, Page};
use super::{NaiveDateTimeScalar, User, id, lookup, time, user};
use crate::sim::rows;
use crate::sim::schema::store;
use crate::sim::schema::stream::Stream;

/// The current status of a channel.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChannelStatus {
    Live,
    Offline,
}

/// A channel is a user's actual container for live streaming.
pub(crate) struct Channel(pub(crate) rows::Channel);

#[Object]
impl Channel {
    async fn id(&self) -> Option<ID> {
        Some(id(self.0.id))
    }

    /// The title of the channel
    async fn title(&self) -> Option<&str> {
        Some(&self.0.title)
    }

    /// The current status of the channnel
    async fn status(&self, ctx: &Context<'_>) -> Option<ChannelStatus> {
        let live = store(ctx).lock().live_stream(self.0.id).is_some();
        Some(if live {
            ChannelStatus::Live
        } else {
            ChannelStatus::Offline
        })
    }

    /// If the channel is live, this will be the current Stream
    async fn stream(&self, ctx: &Context<'_>) -> Option<Stream> {
        store(ctx)
            .lock()
            .live_stream(self.0.id)
            .cloned()
            .map(Stream)
    }

    /// Toggle for blocking anyone from posting links
    async fn block_links(&self) -> Option<bool> {
        Some(self.0.block_links)
    }

    async fn streamer(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.streamer_id)
    }

    async fn chat_messages(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Option<Connection<Edge<ChatMessage>>> {
        let messages = store(ctx).lock().visible_messages(self.0.id);
        let page = Page {
            after,
            before,
            first,
            last,
        };
        Some(page.connect(messages, ChatMessage))
    }

    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }

    async fn updated_at(&self) -> NaiveDateTimeScalar {
        time(self.0.updated_at)
    }
}

/// A follower is a user who subscribes to notifications for a particular user's channel.
pub(crate) struct Follower(pub(crate) rows::Follow);

#[Object]
impl Follower {
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    async fn has_live_notifications(&self) -> bool {
        self.0.has_live_notifications
    }

    async fn streamer(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.streamer_id)
    }

    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.user_id)
    }

    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }

    async fn updated_at(&self) -> NaiveDateTimeScalar {
        time(self.0.updated_at)
    }
}

/// A moderation event that happened
pub(crate) struct ChannelModerationLog(pub(crate) rows::ModLog);

#[Object]
impl ChannelModerationLog {
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    async fn action(&self) -> Option<&str> {
        Some(self.0.action)
    }

    async fn channel(&self, ctx: &Context<'_>) -> Result<Channel> {
        lookup(ctx, |s| s.channel(self.0.channel_id).cloned()).map(Channel)
    }

    async fn moderator(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.moderator_id)
    }

    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.user_id)
    }

    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }

    async fn updated_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }
}
