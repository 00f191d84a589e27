//! The command line every bot shares: `--config`, `--dev`, `--no-browser`, `--logout`, and
//! `RUST_LOG` for the logs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::auth::Browser;
use crate::bot::{Bot, BotBuilder};
use crate::config::Config;
use crate::error::Result;

/// A glimbot chat bot for Glimesh.
#[derive(Debug, Parser)]
#[command(version, about)]
pub(crate) struct Args {
    /// The configuration file.
    #[arg(long, value_name = "PATH", default_value = "config.toml")]
    pub(crate) config: PathBuf,
    /// Run against a local Glimesh, with this terminal as the chat.
    #[arg(long)]
    pub(crate) dev: bool,
    /// Print the login address instead of opening a browser.
    #[arg(long)]
    pub(crate) no_browser: bool,
    /// Forget the saved token (the next run logs in again), then exit.
    #[arg(long)]
    pub(crate) logout: bool,
}

/// Runs a bot from the command line: reads the arguments and the configuration, logs in
/// when needed, and runs until Ctrl-C. `setup` adds the bot's handler and commands.
///
/// Without a configuration file, or with `--dev`, the bot runs against a local Glimesh and
/// the terminal becomes its chat.
///
/// ```no_run
/// use glimbot::Command;
///
/// #[tokio::main]
/// async fn main() -> std::process::ExitCode {
///     glimbot::run(|bot| bot.command(Command::new("ping", "Answers pong", |call| async move {
///         call.reply("pong").await
///     })))
///     .await
/// }
/// ```
pub async fn run(setup: impl FnOnce(BotBuilder) -> BotBuilder) -> ExitCode {
    let args = Args::parse();
    let default_level = if args.dev || !args.config.exists() {
        "warn"
    } else {
        "info"
    };
    crate::logging::init(default_level);
    match serve(args, setup).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args, setup: impl FnOnce(BotBuilder) -> BotBuilder) -> Result<()> {
    if args.dev || !args.config.exists() {
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
    Err(crate::error::Error::Config {
        key: args.config.display().to_string(),
        message: "no such file, and this build has no local Glimesh (the `sim` feature); \
                  copy config.example.toml there and fill it in"
            .into(),
    })
}
