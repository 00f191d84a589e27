//! `RootMutationType`: chat, moderation, follows and stream info, with Glimesh's permission rules.

use std::time::Duration;

use async_graphql::{Context, ID, Object, Result};

use super::types::{Channel, ChannelModerationLog, ChatMessage, ChatMessageInput, Follower};
use super::{id_arg, store};
use crate::protocol::{NOT_FOUND, UNAUTHORIZED};
use crate::sim::grants::Access;
use crate::sim::store::ModAction;

/// The mutation root.
pub(crate) struct RootMutationType;

/// The token's user, if the token has the scope.
fn user_with(ctx: &Context<'_>, scope: &str) -> Result<u64> {
    Ok(ctx
        .data_unchecked::<Access>()
        .user_with(scope)
        .ok_or(UNAUTHORIZED)?)
}

/// Carries out a moderation action for the token's user, who must moderate the channel.
fn moderate(
    ctx: &Context<'_>,
    channel_id: &ID,
    user_id: &ID,
    action: ModAction,
) -> Result<Option<ChannelModerationLog>> {
    let moderator = user_with(ctx, "chat")?;
    let (channel_id, user_id) = (id_arg(channel_id)?, id_arg(user_id)?);
    let mut state = store(ctx).lock();
    let channel = state.channel(channel_id).ok_or(NOT_FOUND)?;
    if !state.can_moderate(channel, moderator) {
        return Err(UNAUTHORIZED.into());
    }
    state.user(user_id).ok_or(NOT_FOUND)?;
    // Glimesh's unban raises when there is no ban, which the API reports as a server error.
    let log = state
        .moderate(channel_id, moderator, user_id, action)
        .ok_or("internal server error")?;
    Ok(Some(ChannelModerationLog(log)))
}

#[Object]
impl RootMutationType {
    /// Create a chat message
    async fn create_chat_message(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        message: ChatMessageInput,
    ) -> Result<Option<ChatMessage>> {
        let user_id = user_with(ctx, "chat")?;
        let channel_id = id_arg(&channel_id)?;
        let text = message.message.unwrap_or_default();
        let stored = store(ctx)
            .lock()
            .post_message(channel_id, user_id, &text, Duration::ZERO)?;
        Ok(Some(ChatMessage(stored)))
    }

    /// Short timeout (5 minutes) a user from a chat channel.
    async fn short_timeout_user(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        user_id: ID,
    ) -> Result<Option<ChannelModerationLog>> {
        moderate(ctx, &channel_id, &user_id, ModAction::ShortTimeout)
    }

    /// Long timeout (15 minutes) a user from a chat channel.
    async fn long_timeout_user(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        user_id: ID,
    ) -> Result<Option<ChannelModerationLog>> {
        moderate(ctx, &channel_id, &user_id, ModAction::LongTimeout)
    }

    /// Ban a user from a chat channel.
    async fn ban_user(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        user_id: ID,
    ) -> Result<Option<ChannelModerationLog>> {
        moderate(ctx, &channel_id, &user_id, ModAction::Ban)
    }

    /// Unban a user from a chat channel.
    async fn unban_user(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        user_id: ID,
    ) -> Result<Option<ChannelModerationLog>> {
        moderate(ctx, &channel_id, &user_id, ModAction::Unban)
    }

    /// Deletes a specific chat message from channel.
    async fn delete_chat_message(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        message_id: ID,
    ) -> Result<Option<ChannelModerationLog>> {
        let message_id = id_arg(&message_id)?;
        let author = {
            let state = store(ctx).lock();
            let message = message_id
                .checked_sub(1)
                .and_then(|i| state.messages.get(i as usize));
            message.map(|m| m.user_id).ok_or(NOT_FOUND)?
        };
        moderate(
            ctx,
            &channel_id,
            &ID(author.to_string()),
            ModAction::Delete(message_id),
        )
    }

    /// Follow a channel
    async fn follow(
        &self,
        ctx: &Context<'_>,
        streamer_id: ID,
        #[graphql(default = false)] live_notifications: bool,
    ) -> Result<Option<Follower>> {
        let user_id = user_with(ctx, "follow")?;
        let streamer_id = id_arg(&streamer_id)?;
        let mut state = store(ctx).lock();
        state.user(streamer_id).ok_or(NOT_FOUND)?;
        Ok(Some(Follower(state.follow(
            streamer_id,
            user_id,
            live_notifications,
            Duration::ZERO,
        ))))
    }

    /// Unfollow a channel
    async fn unfollow(&self, ctx: &Context<'_>, streamer_id: ID) -> Result<Option<Follower>> {
        let user_id = user_with(ctx, "follow")?;
        let streamer_id = id_arg(&streamer_id)?;
        let follow = store(ctx)
            .lock()
            .unfollow(streamer_id, user_id)
            .ok_or(NOT_FOUND)?;
        Ok(Some(Follower(follow)))
    }

    /// Update a channel's stream info
    async fn update_stream_info(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        title: String,
    ) -> Result<Option<Channel>> {
        let user_id = user_with(ctx, "stream_info")?;
        let channel_id = id_arg(&channel_id)?;
        let mut state = store(ctx).lock();
        let channel = state.channel(channel_id).ok_or(NOT_FOUND)?;
        if channel.streamer_id != user_id {
            return Err(UNAUTHORIZED.into());
        }
        Ok(state.set_title(channel_id, &title).map(Channel))
    }
}
