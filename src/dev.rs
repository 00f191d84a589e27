//! Dev mode: the bot against a local Glimesh, with the terminal as the chat.
//!
//! Each line typed is posted as the viewer; `/as USER`, `/follow`, `/title TEXT` and `/quit`
//! act on the emulator. Every chat line is printed as `[channel] user: text`. When the input
//! ends (a pipe, or `/quit`), the bot finishes answering, sends what it queued, and stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::auth::{Browser, FileStore, Flow};
use crate::bot::{Bot, BotBuilder};
use crate::config::{AuthConfig, BotConfig, Config, GlimeshConfig, SendingConfig};
use crate::error::{Error, Result};
use crate::escape::Escaped;
use crate::secret::Secret;
use crate::sim::{BOT, ChatLine, STREAMER, Sim, SimOptions, VIEWER, WorldInfo};

/// How long the bot may take to answer the last line before dev mode stops it anyway.
const ANSWER_WAIT: Duration = Duration::from_secs(30);

fn invalid(message: impl std::fmt::Display) -> Error {
    Error::Emulator(message.to_string())
}

/// A configuration for the emulator's seeded application and channel.
fn config(info: &WorldInfo) -> Result<Config> {
    Ok(Config {
        glimesh: GlimeshConfig {
            base_url: info.url.parse().map_err(invalid)?,
            client_id: info.client_id.clone(),
            client_secret: Some(Secret::new(info.client_secret.clone())),
            redirect_uri: "http://127.0.0.1:0/callback".parse().map_err(invalid)?,
            scopes: vec!["public".into(), "chat".into()],
        },
        bot: BotConfig {
            channels: vec![STREAMER.into()],
            prefix: "!".into(),
        },
        auth: AuthConfig {
            flow: Flow::AuthorizationCode,
            token_path: FileStore::default_path(&info.client_id),
        },
        sending: SendingConfig {
            per_second: 5.0,
            burst: 5,
        },
    })
}

/// Runs a bot against a fresh local Glimesh until the input ends.
pub(crate) async fn run(logout: bool, setup: impl FnOnce(BotBuilder) -> BotBuilder) -> Result<()> {
    let options = SimOptions {
        auto_approve: Some(BOT.into()),
        ..SimOptions::default()
    };
    let sim = Sim::start(options).await.map_err(invalid)?;
    let info = sim.info().clone();
    // The emulator approves at once, so following its redirect completes the real login flow.
    let browser = Browser::With(Arc::new(|url| {
        tokio::spawn(reqwest::get(url));
    }));
    let bot = setup(Bot::builder(config(&info)?))
        .browser(browser)
        .build()?;
    if logout {
        return bot.api().credentials().logout().await;
    }
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
        ended = &mut bot_run => return ended.map_err(invalid)?,
        ready = progress.wait_for(|p| p.ready > 0) => { ready.map_err(invalid)?; }
    }
    eprintln!(
        "You are {VIEWER} in {STREAMER}'s chat. Type a message, or /as USER, /follow, /title TEXT, /quit."
    );
    let mut last_posted = 0;
    let mut me = VIEWER.to_owned();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        let line = tokio::select! {
            ended = &mut bot_run => return ended.map_err(invalid)?,
            line = lines.next_line() => line.map_err(invalid)?,
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
            ("/follow", _) => sim.follow(&channel_id, &me),
            ("/title", title) => sim.set_title(&channel_id, title),
            _ => sim.post_chat(&channel_id, &me, line).map(|posted| {
                last_posted = posted.id.parse().unwrap_or(last_posted);
            }),
        };
        if let Err(reason) = outcome {
            eprintln!("({reason})");
        }
    }
    // Let the bot answer the last line, then stop it; stopping sends whatever it queued.
    let answered =
        tokio::time::timeout(ANSWER_WAIT, progress.wait_for(|p| p.handled >= last_posted)).await;
    if answered.is_err() {
        eprintln!(
            "(the bot did not answer within {} s)",
            ANSWER_WAIT.as_secs()
        );
    }
    shutdown.trigger();
    let outcome = bot_run.await.map_err(invalid)?;
    printer.abort();
    for line in sim.chat_log(&channel_id) {
        if line.id.parse::<u64>().unwrap_or(0) > printed.load(Ordering::SeqCst) {
            print_line(&info, &line);
        }
    }
    outcome
}

async fn print_feed(
    mut feed: tokio::sync::mpsc::UnboundedReceiver<ChatLine>,
    info: WorldInfo,
    printed: Arc<AtomicU64>,
) {
    while let Some(line) = feed.recv().await {
        print_line(&info, &line);
        printed.fetch_max(line.id.parse().unwrap_or(0), Ordering::SeqCst);
    }
}

fn print_line(info: &WorldInfo, line: &ChatLine) {
    let channel = info
        .channels
        .iter()
        .find(|c| c.id == line.channel_id)
        .map_or("?", |c| c.streamer.as_str());
    println!(
        "[{channel}] {}: {}",
        Escaped(&line.username),
        Escaped(&line.message)
    );
}
