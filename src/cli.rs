//! The command line every bot shares: `--config`, `--dev`, `--no-browser`, `--logout`,
//! `--log-format`, and `RUST_LOG` for the logs.

use std::io::Write;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};

use crate::auth::Browser;
use crate::bot::{Bot, BotBuilder};
use crate::config::Config;
use crate::config::LOG_FORMAT_VARIABLE;
use crate::error::Result;
use crate::logging::LogFormat;

/// The command line; the name, version and description are the bot's, from [`About`].
#[derive(Debug, Parser)]
pub(crate) struct Args {
    /// The configuration file; without one, the bot runs against a local Glimesh.
    #[arg(long, value_name = "PATH", default_value = "config.toml")]
    pub(crate) config: PathBuf,
    /// Whether `--config` was given: a file named on purpose must exist.
    #[arg(skip)]
    pub(crate) config_given: bool,
    /// Run against a local Glimesh, with this terminal as the chat.
    #[arg(long)]
    pub(crate) dev: bool,
    /// Print the login address instead of opening a browser.
    #[arg(long)]
    pub(crate) no_browser: bool,
    /// Forget the saved token (the next run logs in again), then exit.
    #[arg(long)]
    pub(crate) logout: bool,
    /// How logs are written to stderr: `text` for people, `json` (one object per line) for log
    /// collectors.
    #[arg(long, value_enum, env = LOG_FORMAT_VARIABLE, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
}

/// Who a bot is, for `--help` and `--version`. [`about!`](crate::about) fills it in from the
/// bot's own crate.
#[derive(Debug, Clone, Copy)]
pub struct About {
    /// The program's name.
    pub name: &'static str,
    /// Its version.
    pub version: &'static str,
    /// One line on what it does.
    pub description: &'static str,
}

/// The [`About`] of the bot being compiled: its binary's name, and its package's version and
/// description (or the description given).
///
/// ```
/// let about = glimbot::about!("Answers !ping");
/// assert_eq!(about.description, "Answers !ping");
/// ```
#[macro_export]
macro_rules! about {
    () => {
        $crate::about!(env!("CARGO_PKG_DESCRIPTION"))
    };
    ($description:expr) => {
        $crate::About {
            name: option_env!("CARGO_BIN_NAME").unwrap_or(env!("CARGO_PKG_NAME")),
            version: env!("CARGO_PKG_VERSION"),
            description: $description,
        }
    };
}

/// Runs a bot from the command line: reads the arguments and the configuration, logs in
/// when needed, and runs until Ctrl-C. `about` names the bot in `--help` and `--version`;
/// `setup` adds its handler and commands. When the bot has stopped, it ends the process:
/// with success after Ctrl-C or SIGTERM, and with an error message and failure otherwise.
///
/// Without a configuration file, or with `--dev`, the bot runs against a local Glimesh and
/// the terminal becomes its chat.
///
/// ```no_run
/// use glimbot::Command;
///
/// #[tokio::main]
/// async fn main() -> std::process::ExitCode {
///     glimbot::run(glimbot::about!(), |bot| {
///         bot.command(Command::new("ping", "Answers pong", |call| async move {
///             call.reply("pong").await
///         }))
///     })
///     .await
/// }
/// ```
pub async fn run(about: About, setup: impl FnOnce(BotBuilder) -> BotBuilder) -> ! {
    let args = parse(about);
    let default_level = if args.dev || !args.config.exists() {
        "warn"
    } else {
        "info"
    };
    crate::logging::init(default_level, args.log_format);
    let code = match serve(args, setup).await {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error}");
            1
        }
    };
    // Ending the process here rather than returning to the runtime: a read of the terminal
    // that is still blocked (a login waiting for a pasted code) would hold the runtime's
    // shutdown, and with it the process, until someone pressed Enter.
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

/// The arguments, with the bot's name, version and description in `--help` and `--version`.
fn parse(about: About) -> Args {
    let command = Args::command()
        .name(about.name)
        .version(about.version)
        .about(about.description);
    let matches = command.get_matches();
    let mut args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    args.config_given = matches.value_source("config") == Some(ValueSource::CommandLine);
    args
}

async fn serve(args: Args, setup: impl FnOnce(BotBuilder) -> BotBuilder) -> Result<()> {
    if args.dev || (!args.config_given && !args.config.exists()) {
        if !args.dev {
            eprintln!(
                "No {} here, so the bot runs against a local Glimesh. To connect to a real \
                 instance, copy config.example.toml to {0} and fill it in.",
                args.config.display()
            );
        }
        return dev(args, setup).await;
    }
    let config = Config::load(&args.config)?;
    let mut builder = setup(Bot::builder(config));
    if args.no_browser {
        builder = builder.browser(Browser::Off);
    }
    let bot = builder.build()?;
    if args.logout {
        bot.api().credentials().logout().await?;
        eprintln!("Logged out: the saved token is gone, and the next run logs in again.");
        return Ok(());
    }
    bot.run().await
}

#[cfg(feature = "sim")]
async fn dev(args: Args, setup: impl FnOnce(BotBuilder) -> BotBuilder) -> Result<()> {
    crate::dev::run(args.logout, setup).await
}

#[cfg(not(feature = "sim"))]
async fn dev(args: Args, _setup: impl FnOnce(BotBuilder) -> BotBuilder) -> Result<()> {
    let problem = if args.dev {
        "--dev asked for it"
    } else {
        "no such file"
    };
    Err(crate::error::Error::Config {
        key: args.config.display().to_string(),
        message: format!(
            "{problem}, and this build has no local Glimesh (the `sim` feature); \
             copy config.example.toml there, fill it in, and run without --dev"
        ),
    })
}
