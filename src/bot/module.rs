//! Building blocks a bot adds whole: they see each chat message before the commands and the
//! handler, bring commands of their own, and can act in a channel on their own time.

use async_trait::async_trait;

use crate::bot::{Command, Context};
use crate::error::Result;
use crate::model::ChatMessage;

/// What becomes of a message once a [`Module`] has seen it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The next module, the commands and the handler see it too.
    Continue,
    /// Nothing after this module sees it: a filter removed it, say.
    Consumed,
}

/// A building block a bot adds with [`BotBuilder::module`](crate::BotBuilder::module), such as
/// a filter, a set of commands kept in the store, or a timer.
///
/// Modules see a message in the order they were added, before the commands and the handler,
/// and each may keep it from those after it. Like the handler, a module sees one channel's
/// messages in order and one at a time; an error or panic goes to
/// [`Handler::on_error`](crate::Handler::on_error) and the message goes on to the next.
///
/// ```
/// use glimbot::{ChatMessage, Context, Module, Verdict, async_trait};
///
/// /// Keeps messages in capitals from the rest of the bot.
/// struct NoShouting;
///
/// #[async_trait]
/// impl Module for NoShouting {
///     async fn on_message(&self, _: &Context, message: &ChatMessage) -> glimbot::Result<Verdict> {
///         let shouted = message.text.chars().any(char::is_alphabetic)
///             && !message.text.chars().any(char::is_lowercase);
///         Ok(if shouted { Verdict::Consumed } else { Verdict::Continue })
///     }
/// }
/// ```
#[async_trait]
pub trait Module: Send + Sync + 'static {
    /// The commands the module brings; they join the bot's own, and a name used twice stops
    /// the bot before it connects.
    fn commands(&self) -> Vec<Command> {
        Vec::new()
    }

    /// The bot is in the channel and listening, for the first time since it started: a module
    /// that acts on its own time starts here (see [`Context::stopped`]).
    async fn on_ready(&self, ctx: &Context) -> Result<()> {
        let _ = ctx;
        Ok(())
    }

    /// A chat message from someone else, before the commands and the handler see it.
    async fn on_message(&self, ctx: &Context, message: &ChatMessage) -> Result<Verdict> {
        let _ = (ctx, message);
        Ok(Verdict::Continue)
    }
}
