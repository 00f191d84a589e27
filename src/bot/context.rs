//! What a handler can do in its channel.

use std::sync::Arc;

use crate::api::Api;
use crate::api::queries::{
    BanUser, DeleteChatMessage, LongTimeoutUser, ShortTimeoutUser, UnbanUser, ban_user,
    delete_chat_message, long_timeout_user, short_timeout_user, unban_user,
};
use crate::bot::commands::Commands;
use crate::bot::sender::Outbox;
use crate::error::Result;
use crate::model::{Channel, ChatMessage, User};
use crate::state::ScopedState;

/// A handle on one channel: send and reply, moderate, and the API for anything else.
/// Cloning is cheap.
#[derive(Clone)]
pub struct Context {
    inner: Arc<Inner>,
}

struct Inner {
    channel: Channel,
    me: User,
    api: Api,
    outbox: Outbox,
    commands: Arc<Commands>,
    state: ScopedState,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("channel", &self.inner.channel)
            .field("me", &self.inner.me)
            .finish_non_exhaustive()
    }
}

impl Context {
    pub(crate) fn new(
        channel: Channel,
        me: User,
        api: Api,
        outbox: Outbox,
        commands: Arc<Commands>,
        state: ScopedState,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                channel,
                me,
                api,
                outbox,
                commands,
                state,
            }),
        }
    }

    /// The channel this context acts in.
    pub fn channel(&self) -> &Channel {
        &self.inner.channel
    }

    /// The bot's own account.
    pub fn me(&self) -> &User {
        &self.inner.me
    }

    /// This channel's state, kept across restarts; [`ScopedState::global`] is the bot-wide
    /// state shared by all channels.
    ///
    /// ```
    /// # async fn count(ctx: glimbot::Context) -> glimbot::Result<()> {
    /// let here = ctx.state().incr("greetings", 1).await?;
    /// let everywhere = ctx.state().global().incr("greetings", 1).await?;
    /// ctx.send(format!("{here} greetings here, {everywhere} in all")).await
    /// # }
    /// ```
    pub fn state(&self) -> &ScopedState {
        &self.inner.state
    }

    /// The typed API client, for anything this context has no method for.
    pub fn api(&self) -> &Api {
        &self.inner.api
    }

    /// Sends a chat message and waits until the server has it. Text longer than Glimesh
    /// allows goes out as several messages, split between words. Messages of one channel
    /// leave in order, no faster than the configured rate.
    ///
    /// # Errors
    /// [`crate::Error::GraphQl`] with Glimesh's reason when it refuses the message (a ban, a
    /// timeout, links disabled), or the error of the request.
    pub async fn send(&self, text: impl Into<String>) -> Result<()> {
        self.inner.outbox.send(text.into()).await
    }

    /// Sends a message that addresses the author of `to`: `@author text`.
    ///
    /// # Errors
    /// As [`Context::send`].
    pub async fn reply(&self, to: &ChatMessage, text: impl AsRef<str>) -> Result<()> {
        self.send(format!("@{} {}", to.author.username, text.as_ref()))
            .await
    }

    /// Deletes a message.
    ///
    /// # Errors
    /// [`crate::Error::GraphQl`] (`unauthorized`) when the bot does not moderate the channel.
    pub async fn delete(&self, message: &ChatMessage) -> Result<()> {
        let variables = delete_chat_message::Variables {
            channel_id: self.inner.channel.id.clone(),
            message_id: message.id.clone(),
        };
        self.inner
            .api
            .run::<DeleteChatMessage>(variables)
            .await
            .map(drop)
    }

    /// Times a user out for 5 minutes and hides their messages.
    ///
    /// # Errors
    /// As [`Context::delete`].
    pub async fn short_timeout(&self, user: &User) -> Result<()> {
        let variables = short_timeout_user::Variables {
            channel_id: self.channel_id(),
            user_id: user.id.clone(),
        };
        self.inner
            .api
            .run::<ShortTimeoutUser>(variables)
            .await
            .map(drop)
    }

    /// Times a user out for 15 minutes and hides their messages.
    ///
    /// # Errors
    /// As [`Context::delete`].
    pub async fn long_timeout(&self, user: &User) -> Result<()> {
        let variables = long_timeout_user::Variables {
            channel_id: self.channel_id(),
            user_id: user.id.clone(),
        };
        self.inner
            .api
            .run::<LongTimeoutUser>(variables)
            .await
            .map(drop)
    }

    /// Bans a user from the channel and hides their messages.
    ///
    /// # Errors
    /// As [`Context::delete`].
    pub async fn ban(&self, user: &User) -> Result<()> {
        let variables = ban_user::Variables {
            channel_id: self.channel_id(),
            user_id: user.id.clone(),
        };
        self.inner.api.run::<BanUser>(variables).await.map(drop)
    }

    /// Lifts a user's ban.
    ///
    /// # Errors
    /// As [`Context::delete`]; Glimesh also fails when the user is not banned.
    pub async fn unban(&self, user: &User) -> Result<()> {
        let variables = unban_user::Variables {
            channel_id: self.channel_id(),
            user_id: user.id.clone(),
        };
        self.inner.api.run::<UnbanUser>(variables).await.map(drop)
    }

    /// The commands a user may run here, e.g. `!commands, !ping, !roll`.
    pub fn command_list(&self, moderator: bool) -> String {
        self.inner.commands.list(moderator)
    }

    fn channel_id(&self) -> String {
        self.inner.channel.id.clone()
    }
}
