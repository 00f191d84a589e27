//! The configuration: `config.toml`, with every key overridable from the environment as
//! `GLIMBOT_<SECTION>_<KEY>`.
//!
//! The file is read as a plain TOML table and walked against a table of the keys rather than
//! deserialized with serde, so that every mistake names its exact dotted key, unknown keys get a
//! "did you mean", and values from the environment go through the same checks as the file's.

mod diagnostics;
// The key table reads best as one row per key.
#[rustfmt::skip]
mod keys;
#[cfg(test)]
mod tests;
mod toolkit;
mod validate;
mod values;

use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Table;
use url::Url;

use crate::error::{Error, Result};
use crate::secret::Secret;
use diagnostics::syntax_error;
pub(crate) use keys::LOG_FORMAT_VARIABLE;
use keys::check_variable_names;
pub(crate) use toolkit::{Check, Pattern, RuleConfig, Share};
pub use toolkit::{FiltersConfig, Rule, Step, TextCommandConfig, TimerConfig};
pub(crate) use toolkit::{name_problem, too_long};
use values::{Raw, Values, file_values};

/// Everything a bot needs to know before it connects.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The Glimesh instance and the OAuth application.
    pub glimesh: GlimeshConfig,
    /// What the bot does in chat.
    pub bot: BotConfig,
    /// How the bot logs in.
    pub auth: AuthConfig,
    /// How fast the bot may send.
    pub sending: SendingConfig,
    /// Whether and where the bot serves its metrics.
    pub metrics: MetricsConfig,
    /// Where the bot keeps its state.
    pub state: StateConfig,
    /// What the bot replays after a restart.
    pub resume: ResumeConfig,
    /// The `[[commands]]` tables: text commands written in the file.
    pub commands: Vec<TextCommandConfig>,
    /// The `[[timers]]` tables: messages posted on a schedule while chat is active.
    pub timers: Vec<TimerConfig>,
    /// The `[filters]` section: chat filters and what they do to those who trip them.
    pub filters: FiltersConfig,
}

/// The `[glimesh]` section: where the instance is and who the bot's application is.
#[derive(Debug, Clone, PartialEq)]
pub struct GlimeshConfig {
    /// The instance's base URL; the API, OAuth and socket paths are joined to it.
    pub base_url: Url,
    /// The OAuth application's client id.
    pub client_id: String,
    /// The OAuth application's client secret; only the client credentials flow needs it.
    pub client_secret: Option<Secret>,
    /// Where the browser returns after login: https, or http on a loopback address.
    pub redirect_uri: Url,
    /// The OAuth scopes to request.
    pub scopes: Vec<String>,
}

/// The `[bot]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct BotConfig {
    /// The usernames of the streamers whose chats the bot joins.
    pub channels: Vec<String>,
    /// What a chat message starts with to be a command.
    pub prefix: String,
}

/// The `[auth]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthConfig {
    /// How the bot gets its token.
    pub flow: Flow,
    /// Where the token is saved; `None` leaves the choice to the token store.
    pub token_path: Option<PathBuf>,
}

/// The `[sending]` section: the rate limit of outgoing chat messages.
#[derive(Debug, Clone, PartialEq)]
pub struct SendingConfig {
    /// Messages per second per channel, in the long run.
    pub per_second: f64,
    /// How many messages may go out at once before the rate applies.
    pub burst: u32,
}

/// The `[metrics]` section: the HTTP listener of `/metrics`, `/healthz` and `/readyz`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricsConfig {
    /// The address to listen on, such as `127.0.0.1:9464`; `None` (the default) serves nothing.
    /// Checked when the bot binds it, before it connects.
    pub listen: Option<String>,
}

/// The `[state]` section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateConfig {
    /// The SQLite file of the bot's [`State`](crate::State); `None` is the default,
    /// [`State::default_path`](crate::State::default_path).
    pub path: Option<PathBuf>,
}

/// The `[resume]` section: what a bot reads back of what was sent and followed while it was
/// stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumeConfig {
    /// How often each channel's newest handled message and follow are written down, at most.
    pub checkpoint: Duration,
    /// Missed messages and follows older than this are counted and logged, not delivered.
    pub max_age: Duration,
    /// Replayed messages older than this run no command.
    pub command_max_age: Duration,
}

impl Default for ResumeConfig {
    fn default() -> Self {
        Self {
            checkpoint: Duration::from_secs(1),
            max_age: Duration::from_secs(600),
            command_max_age: Duration::from_secs(60),
        }
    }
}

/// How a bot gets its token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Flow {
    /// A person logs in once in a browser (the bot acts as that account and can chat).
    #[default]
    AuthorizationCode,
    /// The application's own credentials: no login, read-only.
    ClientCredentials,
}

impl Config {
    /// Reads a file and applies the process environment.
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read (its `key` is then the path) or any value
    /// in it or in the environment is missing or wrong.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let shown = path.display();
            let message = match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("no such file; copy config.example.toml to {shown} and edit it")
                }
                _ => format!("cannot read it: {e}"),
            };
            config_error(shown.to_string(), message)
        })?;
        let names = std::env::vars_os().map(|(name, _)| name.to_string_lossy().into_owned());
        check_variable_names(names)?;
        // A variable that is not Unicode is kept (mangled) rather than ignored, so that it fails
        // a check instead of silently leaving the file's value in force.
        let env = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        Self::from_toml(&text, env)
    }

    /// Parses TOML text with variables from `env` (a lookup function), for tests and for callers
    /// with their own environment.
    ///
    /// # Errors
    /// [`Error::Config`] naming the first key that is unknown, missing or wrong, with the fix.
    pub fn from_toml(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let mut table: Table = text.parse().map_err(|e| syntax_error(text, &e))?;
        let toolkit = toolkit::take(&mut table)?;
        let mut given = file_values(table)?;
        for key in keys::ALL {
            let var = key.env_var();
            if let Some(text) = env(&var) {
                given.insert((key.section, key.name), Raw::Env { var, text });
            }
        }
        let values = Values(given);
        let config = validate::build(&values).map_err(|e| values.name_variable(e))?;
        toolkit::check_channels(&toolkit.timers, &config.bot.channels)?;
        Ok(Config {
            commands: toolkit.commands,
            timers: toolkit.timers,
            filters: toolkit.filters,
            ..config
        })
    }
}

impl Config {
    /// This configuration with the toolkit's sections (`[[commands]]`, `[[timers]]`,
    /// `[filters]`) of the TOML `text` in place of its own, checked as [`Config::from_toml`]
    /// checks them. The test harness runs a bot on its own connection settings this way.
    ///
    /// # Errors
    /// [`Error::Config`] naming the first wrong key, or a section of `text` that is not the
    /// toolkit's.
    #[cfg(any(test, feature = "sim"))]
    pub(crate) fn with_toolkit_toml(self, text: &str) -> Result<Config> {
        let mut table: Table = text.parse().map_err(|e| syntax_error(text, &e))?;
        let toolkit = toolkit::take(&mut table)?;
        if let Some(other) = table.keys().next() {
            let message = "only [[commands]], [[timers]] and [filters] can be given here";
            return Err(config_error(other.clone(), message));
        }
        toolkit::check_channels(&toolkit.timers, &self.bot.channels)?;
        Ok(Config {
            commands: toolkit.commands,
            timers: toolkit.timers,
            filters: toolkit.filters,
            ..self
        })
    }
}

fn config_error(key: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Config {
        key: key.into(),
        message: message.into(),
    }
}
