//! What reaches the logs, with every target of every dependency logging at trace level through
//! the subscriber the command line installs: no secret (nor in `Debug` output), no raw text
//! from outside, and one warning for a token that cannot be saved. These tests have their own
//! binary because that subscriber is installed for the whole process.
#![allow(clippy::unwrap_used)]

#[path = "../auth_support/mod.rs"]
mod auth_support;
#[path = "../common/mod.rs"]
mod common;
mod refusals;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use auth_support::{approving_sim, whoami};
use chrono::{TimeDelta, Utc};
use common::{
    Captured, Seen, bot_lines, bot_sim, channel, control, following_browser, start_bot_with,
};
use glimbot::{
    Api, Browser, Command, Credentials, Error, FileStore, LoginOptions, MemoryStore, OAuthApp,
    Secret, Token, TokenStore,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing_subscriber::util::SubscriberInitExt;

/// A store in memory that remembers every token it was given.
#[derive(Debug, Clone, Default)]
struct Recording {
    store: MemoryStore,
    saved: Arc<Mutex<Vec<Token>>>,
}

#[async_trait::async_trait]
impl TokenStore for Recording {
    async fn load(&self) -> glimbot::Result<Option<Token>> {
        self.store.load().await
    }
    async fn save(&self, token: &Token) -> glimbot::Result<()> {
        self.saved.lock().unwrap().push(token.clone());
        self.store.save(token).await
    }
    async fn clear(&self) -> glimbot::Result<()> {
        self.store.clear().await
    }
}

/// Everything logged in this process so far, at trace level for every target.
fn logs() -> String {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    let captured = CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        glimbot::log_subscriber("trace", glimbot::LogFormat::Text, false, move || {
            writer.clone()
        })
        .try_init()
        .unwrap();
        captured
    });
    captured.text()
}

fn url_encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_logs_at_trace_level_or_debug_output() {
    logs();
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut config = common::config(&sim, &[glimbot::sim::STREAMER]);
    config.glimesh.client_secret = Some(Secret::new(sim.info().client_secret.clone()));
    let store = Recording::default();
    let ping = Command::new("ping", "Answers pong", |call| async move {
        call.reply("pong").await
    });
    let mut lines = bot_lines(&sim);
    let recording = store.clone();
    let shown_config = format!("{config:?}");
    let mut bot =
        start_bot_with(&sim, config, |bot| bot.token_store(recording).command(ping)).await;
    let mut ping = async || {
        sim.post_chat(&channel_id, "viewer", "!ping").unwrap();
        assert_eq!(lines.take(1).await, ["@viewer pong"]);
    };
    ping().await;

    // A refresh, then a socket connect with the refreshed token.
    sim.expire_tokens();
    ping().await;
    control(&sim, "sockets/drop", json!({})).await;
    while !matches!(bot.next().await, Seen::Reconnected(_)) {}

    // A refused refresh, a new login, and a socket connect with its token.
    sim.revoke_tokens();
    control(&sim, "sockets/drop", json!({})).await;
    while !matches!(bot.next().await, Seen::Reconnected(_)) {}
    ping().await;
    bot.stop().await.unwrap();

    let logs = logs();
    for said in [
        "access token refreshed",
        "the refresh was refused",
        "socket connected",
        "tungstenite",
        "hyper",
        "reqwest",
    ] {
        assert!(logs.contains(said), "the capture holds {said:?}");
    }
    let saved = store.saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 3, "a login, a refresh and a new login");
    let mut secrets = vec![sim.info().client_secret.clone()];
    for token in &saved {
        secrets.push(token.access_token.expose().to_owned());
        secrets.push(token.refresh_token.as_ref().unwrap().expose().to_owned());
    }
    let debug = format!("{shown_config} {store:?} {saved:?}");
    for secret in secrets {
        for form in [secret.clone(), url_encoded(&secret)] {
            assert!(!logs.contains(&form), "a secret is in the logs");
            assert!(!debug.contains(&form), "a secret is in Debug output");
        }
    }
}
