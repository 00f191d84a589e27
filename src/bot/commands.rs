//! The command router: `!name args`, with aliases, cooldowns and moderator-only commands.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::bot::Context;
use crate::bot::args::{Invocation, parse_invocation, rest_after_name};
use crate::bot::cooldown::StoredCooldowns;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::ChatMessage;
use crate::state::ScopedState;

/// A command's run, under way.
pub(crate) type Invoked = Pin<Box<dyn Future<Output = Result<()>> + Send>>;
type Run = Arc<dyn Fn(Call) -> Invoked + Send + Sync>;

/// A chat command.
///
/// ```
/// use glimbot::Command;
///
/// let ping = Command::new("ping", "Answers pong", |call| async move { call.reply("pong").await })
///     .alias("p");
/// ```
#[derive(Clone)]
pub struct Command {
    name: String,
    aliases: Vec<String>,
    description: String,
    moderators_only: bool,
    user_cooldown: Option<Duration>,
    global_cooldown: Option<Duration>,
    run: Run,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Command")
            .field("name", &self.name)
            .field("aliases", &self.aliases)
            .finish_non_exhaustive()
    }
}

/// One use of a command: where, by whom, with which arguments.
#[derive(Debug, Clone)]
pub struct Call {
    /// The channel it was used in.
    pub ctx: Context,
    /// The message that used it.
    pub message: ChatMessage,
    /// The arguments; double quotes group words.
    pub args: Vec<String>,
    prefix: String,
}

impl Call {
    /// Replies to whoever used the command.
    ///
    /// # Errors
    /// As [`Context::send`].
    pub async fn reply(&self, text: impl AsRef<str>) -> Result<()> {
        self.ctx.reply(&self.message, text).await
    }

    /// The state of the channel the command was used in: `call.ctx.state()`.
    pub fn state(&self) -> &ScopedState {
        self.ctx.state()
    }

    /// Everything after the command name, as typed.
    pub fn rest(&self) -> &str {
        rest_after_name(&self.message.text, &self.prefix).unwrap_or_default()
    }
}

impl Command {
    /// A command named `name` (matched without case) that runs `run`.
    pub fn new<F, Fut>(name: &str, description: &str, run: F) -> Self
    where
        F: Fn(Call) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        Self {
            name: name.to_lowercase(),
            aliases: Vec::new(),
            description: description.to_owned(),
            moderators_only: false,
            user_cooldown: None,
            global_cooldown: None,
            run: Arc::new(move |call| Box::pin(run(call))),
        }
    }

    /// Another name for the command.
    pub fn alias(mut self, alias: &str) -> Self {
        self.aliases.push(alias.to_lowercase());
        self
    }

    /// Only the channel's owner and moderators may use it; others are ignored.
    pub fn moderators_only(mut self) -> Self {
        self.moderators_only = true;
        self
    }

    /// How long one user must wait between uses; uses sooner are ignored.
    pub fn user_cooldown(mut self, wait: Duration) -> Self {
        self.user_cooldown = Some(wait);
        self
    }

    /// How long anyone must wait after any use in the channel; uses sooner are ignored.
    pub fn global_cooldown(mut self, wait: Duration) -> Self {
        self.global_cooldown = Some(wait);
        self
    }

    /// The command's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the command does.
    pub fn description(&self) -> &str {
        &self.description
    }

    fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.aliases.iter().any(|a| a == name)
    }
}

/// The name of the command that lists the others; a bot may define its own instead.
const LIST_COMMAND: &str = "commands";

/// A bot's commands, its prefix, and the clock their cooldowns run on.
#[derive(Debug)]
pub(crate) struct Commands {
    prefix: String,
    commands: Vec<Command>,
    clock: Clock,
}

impl Commands {
    /// # Errors
    /// [`Error::Config`] on `bot.commands` when two commands answer to one name.
    pub(crate) fn new(prefix: String, mut commands: Vec<Command>, clock: Clock) -> Result<Self> {
        let mut names = std::collections::HashSet::new();
        for name in commands
            .iter()
            .flat_map(|c| std::iter::once(&c.name).chain(&c.aliases))
        {
            if !names.insert(name.as_str()) {
                return Err(Error::Config {
                    key: "bot.commands".into(),
                    message: format!("two commands answer to `{prefix}{name}`; rename one"),
                });
            }
        }
        if !commands.iter().any(|c| c.answers_to(LIST_COMMAND)) {
            let list = Command::new(LIST_COMMAND, "Lists the commands", |call| async move {
                let moderator = call.message.author_is_moderator || call.message.author_is_streamer;
                call.reply(call.ctx.command_list(moderator)).await
            })
            .alias("help");
            commands.push(list);
        }
        commands.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Self {
            prefix,
            commands,
            clock,
        })
    }

    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether a command answers to `name` (lower case).
    pub(crate) fn answers_to(&self, name: &str) -> bool {
        self.commands.iter().any(|c| c.answers_to(name))
    }

    /// The commands' names, in the order [`invoked`](Self::invoked) numbers them.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.commands.iter().map(|c| c.name.as_str()).collect()
    }

    /// The commands a user may run, e.g. `Commands: !commands, !ping`.
    pub(crate) fn list(&self, moderator: bool) -> String {
        let names: Vec<String> = self
            .commands
            .iter()
            .filter(|c| moderator || !c.moderators_only)
            .map(|c| format!("{}{}", self.prefix, c.name))
            .collect();
        format!("Commands: {}", names.join(", "))
    }

    /// The run of the command a message invokes, and the command's place in
    /// [`names`](Self::names), if it is one the author may use now (and that use starts its
    /// cooldowns).
    pub(crate) fn invoked(
        &self,
        ctx: &Context,
        message: &ChatMessage,
        cooldowns: &mut StoredCooldowns,
    ) -> Option<(usize, Invoked)> {
        let Invocation { name, args } = parse_invocation(&message.text, &self.prefix)?;
        let index = self.commands.iter().position(|c| c.answers_to(&name))?;
        let command = &self.commands[index];
        if command.moderators_only && !(message.author_is_moderator || message.author_is_streamer) {
            tracing::debug!(command = %command.name, user = %message.author.username, "ignored: moderators only");
            return None;
        }
        let now = self.clock.now();
        let (user_wait, global_wait) = (command.user_cooldown, command.global_cooldown);
        if let Err(wait) = cooldowns.try_use(
            &command.name,
            &message.author.id,
            user_wait,
            global_wait,
            now,
        ) {
            tracing::debug!(command = %command.name, ?wait, "ignored: cooling down");
            return None;
        }
        let call = Call {
            ctx: ctx.clone(),
            message: message.clone(),
            args,
            prefix: self.prefix.clone(),
        };
        Some((index, (command.run)(call)))
    }
}
