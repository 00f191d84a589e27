//! Dev mode: the bot against a local Glimesh, with the terminal as the chat.
//!
//! Each line typed is posted as the viewer; `/as USER`, `/follow`, `/title TEXT` and `/quit`
//! act on the emulator. Every chat line is printed as `[channel] user: text`. When the input
//! ends (a pipe, or `/quit`), the bot finishes answering, sends what it queued, and stops.

mod counting;
mod terminal;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use crate::auth::{Browser, MemoryStore};
use crate::bot::{Bot, BotBuilder};
use crate::config::{
    AuthConfig, BotConfig, Config, FiltersConfig, Flow, GlimeshConfig, MetricsConfig, ResumeConfig,
    SendingConfig, StateConfig,
};
use crate::error::{Error, Result};
use crate::escape::Escaped;
use crate::secret::Secret;
use crate::sim::{BOT, STREAMER, Sim, SimOptions, VIEWER, WorldInfo};
use crate::state::State;
use counting::Counting;
use terminal::{print_feed, print_line, stdin_lines};

/// How long the bot may take to answer the last line before dev mode stops it anyway.
const ANSWER_WAIT: Duration = Duration::from_secs(30);

/// A failure of dev mode's own machinery (the local Glimesh, the terminal), told as a problem
/// with `--dev` because running without it is the way around it.
fn dev_failure(message: impl std::fmt::Display) -> Error {
    Error::Config {
        key: "--dev".into(),
        message: format!("{message}; run without --dev against a Glimesh instance"),
    }
}

/// The bot's task ended without an outcome: it panicked.
fn bot_panicked(error: tokio::task::JoinError) -> Error {
    Error::Panic(error.to_string())
}

/// A configuration for the emulator's seeded application and channel.
pub(crate) fn config(info: &WorldInfo) -> Result<Config> {
    Ok(Config {
        glimesh: GlimeshConfig {
            base_url: info.url.parse().map_err(dev_failure)?,
            client_id: info.client_id.clone(),
            client_secret: Some(Secret::new(info.client_secret.clone())),
            redirect_uri: "http://127.0.0.1:0/callback".parse().map_err(dev_failure)?,
            scopes: vec!["public".into(), "chat".into()],
        },
        bot: BotConfig {
            channels: vec![STREAMER.into()],
            prefix: "!".into(),
        },
        auth: AuthConfig {
            flow: Flow::AuthorizationCode,
            token_path: None,
        },
        sending: SendingConfig {
            per_second: 5.0,
            burst: 5,
        },
        metrics: MetricsConfig::default(),
        state: StateConfig::default(),
        resume: ResumeConfig::default(),
        commands: Vec::new(),
        timers: Vec::new(),
        filters: FiltersConfig::default(),
    })
}

/// A browser that follows the login URL: the emulator approves at once, so following its
/// redirect completes the real login flow.
pub(crate) fn following_browser() -> Browser {
    Browser::With(Arc::new(|url| {
        tokio::spawn(reqwest::get(url));
    }))
}

/// Runs a bot against a fresh local Glimesh until the input ends or the bot is stopped.
pub(crate) async fn run(logout: bool, setup: impl FnOnce(BotBuilder) -> BotBuilder) -> Result<()> {
    if logout {
        eprintln!(
            "Dev mode keeps its token in memory only, so there is nothing to forget. \
             --logout forgets the token of a bot with a config.toml."
        );
        return Ok(());
    }
    let options = SimOptions {
        auto_approve: Some(BOT.into()),
        ..SimOptions::default()
    };
    let sim = Sim::start(options)
        .await
        .map_err(|e| dev_failure(format!("the local Glimesh cannot start: {e}")))?;
    let info = sim.info().clone();
    let finished = Arc::new(watch::Sender::new(0));
    let counted = Arc::clone(&finished);
    // Each emulator is a new world that would refuse a token saved by the last one, and whose
    // channel ids would meet the state of another.
    let bot = setup(Bot::builder(config(&info)?))
        .token_store(MemoryStore::new())
        .state(State::in_memory())
        .browser(following_browser())
        .wrap_handler(|inner| Arc::new(Counting { inner, counted }))
        .build()?;
    let channel_id = info.channel_id(STREAMER).unwrap_or_default().to_owned();
    let mut progress = bot.progress();
    let shutdown = bot.shutdown();
    let printed = Arc::new(AtomicU64::new(0));
    let printer = tokio::spawn(print_feed(
        sim.chat_feed(),
        info.clone(),
        Arc::clone(&printed),
    ));
    let mut bot_run = tokio::spawn(bot.run());

    eprintln!(
        "Local Glimesh at {}; the bot is logging in as {BOT}.",
        info.url
    );
    tokio::select! {
        ended = &mut bot_run => return ended.map_err(bot_panicked)?,
        ready = progress.wait_for(|p| p.ready > 0) => {
            ready.map(drop).map_err(|_| Error::Stopped("the bot ended before joining the chat"))?;
        }
    }
    eprintln!(
        "You are {VIEWER} in {STREAMER}'s chat. Type a message, or /as USER, /follow, /title TEXT, /quit."
    );
    // What the input caused, for the bot to finish with before it stops: the newest chat
    // message, and how many follows and channel updates.
    let (mut last_posted, mut caused) = (0, 0);
    let mut me = VIEWER.to_owned();
    let mut lines = stdin_lines();
    loop {
        let line = tokio::select! {
            ended = &mut bot_run => return ended.map_err(bot_panicked)?,
            line = lines.recv() => line.transpose().map_err(|e| dev_failure(format!("cannot read the terminal: {e}")))?,
        };
        let Some(line) = line else { break };
        let line = line.trim();
        let outcome = match line.split_once(' ').unwrap_or((line, "")) {
            ("", _) => Ok(()),
            ("/quit", _) => break,
            ("/as", name) if info.user_id(name.trim()).is_some() => {
                me = name.trim().to_owned();
                Ok(())
            }
            ("/as", name) => Err(format!("no user named {name:?}")),
            ("/follow", _) => sim.follow(&channel_id, &me).map(|()| caused += 1),
            ("/title", title) => sim.set_title(&channel_id, title).map(|()| {
                caused += 1;
                println!("[{STREAMER}] (the title is now: {})", Escaped(title));
            }),
            _ => sim.post_chat(&channel_id, &me, line).map(|posted| {
                last_posted = posted.id.parse().unwrap_or(last_posted);
            }),
        };
        if let Err(reason) = outcome {
            eprintln!("({reason})");
        }
    }
    // Let the bot finish with what the input caused, then stop it; stopping sends whatever
    // it queued. Each `Ref` of a watch is dropped at once: holding one blocks the bot.
    let mut finished = finished.subscribe();
    let handled_all = async {
        let messages = progress
            .wait_for(|p| p.handled >= last_posted)
            .await
            .is_ok();
        messages && finished.wait_for(|n| *n >= caused).await.is_ok()
    };
    tokio::select! {
        ended = &mut bot_run => return ended.map_err(bot_panicked)?,
        answered = tokio::time::timeout(ANSWER_WAIT, handled_all) => {
            if answered.is_err() {
                eprintln!("(the bot did not answer within {} s)", ANSWER_WAIT.as_secs());
            }
        }
    }
    shutdown.trigger();
    let outcome = bot_run.await.map_err(bot_panicked)?;
    // Waiting for the printer to stop, not only telling it to: a line it is printing at this
    // moment must count as printed before the rest are.
    printer.abort();
    let _ = printer.await;
    for line in sim.chat_log(&channel_id) {
        if line.id.parse::<u64>().unwrap_or(0) > printed.load(Ordering::SeqCst) {
            print_line(&info, &line);
        }
    }
    outcome
}
