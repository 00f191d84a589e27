//! What a handler can do in its channel.

mod moderation;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::api::Api;
use crate::bot::args::parse_invocation;
use crate::bot::commands::Commands;
use crate::bot::sender::Outbox;
use crate::clock::Clock;
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
    /// One copy for every channel.
    me: Arc<User>,
    outbox: Outbox,
    state: ScopedState,
    bot: Shared,
}

/// What every channel's context shares.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) api: Api,
    pub(crate) commands: Arc<Commands>,
    pub(crate) clock: Clock,
    /// Cancelled when the bot stops.
    pub(crate) stop: CancellationToken,
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
        me: Arc<User>,
        outbox: Outbox,
        state: ScopedState,
        bot: Shared,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                channel,
                me,
                outbox,
                state,
                bot,
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
        &self.inner.bot.api
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

    /// The commands a user may run here, e.g. `!commands, !ping, !roll`.
    pub fn command_list(&self, moderator: bool) -> String {
        self.inner.bot.commands.list(moderator)
    }

    /// What a chat message starts with to be a command, e.g. `!`.
    pub fn prefix(&self) -> &str {
        self.inner.bot.commands.prefix()
    }

    /// Whether `name` (without the prefix, any case) is one of the bot's commands or aliases.
    pub fn is_command(&self, name: &str) -> bool {
        self.inner.bot.commands.answers_to(&name.to_lowercase())
    }

    /// The name of the command a message invokes (lower case, without the prefix), and its
    /// arguments (double quotes group words); `None` when it invokes none.
    pub fn invocation(&self, message: &ChatMessage) -> Option<(String, Vec<String>)> {
        let invocation = parse_invocation(&message.text, self.prefix())?;
        Some((invocation.name, invocation.args))
    }

    /// The bot's clock: what cooldowns, the send rate and timers read.
    pub fn clock(&self) -> &Clock {
        &self.inner.bot.clock
    }

    /// Ends when the bot stops: work a module does on its own time races this.
    ///
    /// ```
    /// # async fn tick(ctx: glimbot::Context) {
    /// loop {
    ///     tokio::select! {
    ///         () = ctx.stopped() => break,
    ///         () = ctx.clock().sleep(std::time::Duration::from_secs(60)) => {
    ///             let _ = ctx.send("a minute has passed").await;
    ///         }
    ///     }
    /// }
    /// # }
    /// ```
    pub async fn stopped(&self) {
        self.inner.bot.stop.cancelled().await;
    }
}
