//! The trait a bot implements.

use async_trait::async_trait;

use crate::bot::Context;
use crate::error::{Error, Result};
use crate::model::{ChannelUpdate, ChatMessage, Follow};

/// A bot's reactions to what happens in its channels. Every method has a default that does
/// nothing, so a bot implements only what it needs.
///
/// Events of one channel arrive in order, one at a time; channels run concurrently. An error
/// returned from a method, or a panic inside it, goes to [`Handler::on_error`] and the bot
/// keeps running.
///
/// A method runs on the task that reads the socket until it first waits, so one that blocks
/// its thread (long computation with no `.await`) holds up every channel: hand such work to
/// [`tokio::task::spawn_blocking`].
#[async_trait]
pub trait Handler: Send + Sync + 'static {
    /// The bot is in the channel and listening.
    async fn on_ready(&self, ctx: &Context) -> Result<()> {
        let _ = ctx;
        Ok(())
    }

    /// A chat message from someone else (the bot's own messages are not passed here).
    async fn on_message(&self, ctx: &Context, message: &ChatMessage) -> Result<()> {
        let _ = (ctx, message);
        Ok(())
    }

    /// Someone followed the channel.
    async fn on_follow(&self, ctx: &Context, follow: &Follow) -> Result<()> {
        let _ = (ctx, follow);
        Ok(())
    }

    /// The channel changed, e.g. its title.
    async fn on_channel_update(&self, ctx: &Context, update: &ChannelUpdate) -> Result<()> {
        let _ = (ctx, update);
        Ok(())
    }

    /// The connection was lost and is back; messages sent meanwhile follow this call.
    async fn on_reconnect(&self, ctx: &Context) -> Result<()> {
        let _ = ctx;
        Ok(())
    }

    /// A method above failed or panicked, or a command did. The default logs it.
    async fn on_error(&self, ctx: &Context, error: Error) {
        let channel = crate::escape::Escaped(&ctx.channel().streamer.username);
        tracing::error!(%channel, %error, "handler failed");
    }
}

/// The handler of a bot that only has commands.
pub(crate) struct NoHandler;

impl Handler for NoHandler {}
