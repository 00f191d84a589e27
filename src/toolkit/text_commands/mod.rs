//! Text commands: commands that answer with a text, written in the file's `[[commands]]`, in
//! code, or added from chat by the streamer and moderators with `!command add`.

mod editor;
mod render;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;

use crate::bot::args::{parse_invocation, rest_after_name};
use crate::bot::cooldown::Cooldowns;
use crate::bot::{Command, Context, Module, Verdict};
use crate::config::TextCommandConfig;
use crate::error::Result;
use crate::escape::Escaped;
use crate::model::ChatMessage;
use crate::template::Template;
use render::Use;

/// How long a command added from chat waits between uses in a channel. It has no settings of
/// its own, and without one a busy chat would have the bot repeat it line after line.
const CHAT_COMMAND_COOLDOWN: Duration = Duration::from_secs(5);

/// Commands that answer with a text, and `!command`, with which the streamer and moderators
/// add, edit, remove and list more of them from chat. A [`Module`]: a bot adds them with
/// [`BotBuilder::module`](crate::BotBuilder::module).
///
/// Replies may hold variables: `{user}`, `{target}` (the first argument, without `@`), `{args}`,
/// `{arg1}`…, `{channel}`, `{title}`, `{count}` (how often the command ran in the channel),
/// `{random 1-100}` and `{uptime}`; see [`Template`].
///
/// The commands of the file or the code are ordinary commands: `!commands` lists them, and a
/// name one of them shares with another command stops the bot before it connects. Those added
/// from chat are kept per channel in the bot's [`State`](crate::State), and answer at most once
/// every 5 seconds in a channel. Chat cannot change the commands of the file or the code, nor
/// any other command of the bot.
///
/// ```
/// use glimbot::{Bot, Config, TextCommands};
///
/// # fn setup(config: Config) -> glimbot::Result<()> {
/// let commands = TextCommands::from_config(&config.commands)
///     .command("discord", "Join us at https://discord.gg/example, {user}!")?;
/// let bot = Bot::builder(config).module(commands).build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct TextCommands {
    configured: Vec<TextCommandConfig>,
    /// The cooldowns of the commands added from chat, by channel id.
    cooldowns: Arc<Mutex<HashMap<String, Cooldowns>>>,
}

impl TextCommands {
    /// No text commands but `!command`, which adds them from chat.
    pub fn new() -> Self {
        Self::default()
    }

    /// The file's `[[commands]]` (`config.commands`), and `!command`.
    pub fn from_config(commands: &[TextCommandConfig]) -> Self {
        Self {
            configured: commands.to_vec(),
            ..Self::default()
        }
    }

    /// Adds the command `name` that answers `reply`.
    ///
    /// # Errors
    /// [`crate::Error::Config`] when the name is not one word, or the reply has an unknown
    /// variable or is too long for a chat message.
    pub fn command(self, name: &str, reply: &str) -> Result<Self> {
        Ok(self.with(TextCommandConfig::new(name, reply)?))
    }

    /// Adds a command with all its settings: aliases, cooldowns, moderators only, usage.
    pub fn with(mut self, command: TextCommandConfig) -> Self {
        self.configured.push(command);
        self
    }
}

impl TextCommands {
    /// Whether the chat command `name` was used in this channel too recently to answer; if
    /// not, this use starts its cooldown.
    fn cooling_down(&self, ctx: &Context, name: &str) -> bool {
        let mut channels = self
            .cooldowns
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let cooldowns = channels.entry(ctx.channel().id.clone()).or_default();
        let wait = Some(CHAT_COMMAND_COOLDOWN);
        cooldowns
            .try_use(name, "", None, wait, ctx.clock().now())
            .is_err()
    }
}

#[async_trait]
impl Module for TextCommands {
    fn commands(&self) -> Vec<Command> {
        let names = self
            .configured
            .iter()
            .flat_map(|c| std::iter::once(&c.name).chain(&c.aliases).cloned());
        let mut commands: Vec<Command> = self.configured.iter().map(command).collect();
        commands.push(editor::editor(names.collect()));
        commands
    }

    /// Answers the commands added from chat. The bot's own commands come first: a command
    /// stored before the bot got one of the same name stays silent.
    async fn on_message(&self, ctx: &Context, message: &ChatMessage) -> Result<Verdict> {
        let prefix = ctx.prefix();
        let Some(invocation) = parse_invocation(&message.text, prefix) else {
            return Ok(Verdict::Continue);
        };
        // What was said while the bot was away may be long past: it gets no answer.
        if message.replayed || ctx.is_command(&invocation.name) {
            return Ok(Verdict::Continue);
        }
        let stored = editor::stored(ctx.state()).await?;
        let Some(text) = stored.get(&invocation.name) else {
            return Ok(Verdict::Continue);
        };
        let reply = match Template::parse(text) {
            Ok(reply) => reply,
            Err(why) => {
                let name = Escaped(&invocation.name);
                tracing::warn!(%name, %why, "a stored text command no longer parses; ignored");
                return Ok(Verdict::Continue);
            }
        };
        if self.cooling_down(ctx, &invocation.name) {
            return Ok(Verdict::Consumed);
        }
        let used = Use {
            ctx,
            message,
            name: &invocation.name,
            args: &invocation.args,
            rest: rest_after_name(&message.text, prefix).unwrap_or_default(),
        };
        ctx.send(render::reply(&reply, None, &used).await?).await?;
        Ok(Verdict::Consumed)
    }
}

/// The command of one `[[commands]]` table.
fn command(config: &TextCommandConfig) -> Command {
    let shared = Arc::new(config.clone());
    let run = move |call: crate::Call| {
        let config = Arc::clone(&shared);
        async move {
            let used = Use {
                ctx: &call.ctx,
                message: &call.message,
                name: &config.name,
                args: &call.args,
                rest: call.rest(),
            };
            let text = render::reply(&config.reply, config.usage.as_ref(), &used).await?;
            call.ctx.send(text).await
        }
    };
    let mut command = Command::new(&config.name, "Answers with a text", run);
    for alias in &config.aliases {
        command = command.alias(alias);
    }
    if let Some(wait) = config.cooldown {
        command = command.global_cooldown(wait);
    }
    if let Some(wait) = config.user_cooldown {
        command = command.user_cooldown(wait);
    }
    if config.mods_only {
        command = command.moderators_only();
    }
    command
}
