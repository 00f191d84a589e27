//! What reaches the logs, with every target of every dependency logging at trace level through
//! the subscriber the command line installs: no secret (nor in `Debug` output), no raw text
//! from outside, and one warning for a token that cannot be saved. These tests have their own
//! binary because that subscriber is installed for the whole process.
#![allow(clippy::unwrap_used)]

mod auth_support;
mod common;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use auth_support::{approving_sim, whoami};
use chrono::{TimeDelta, Utc};
use common::{
    Captured, Seen, bot_lines, bot_sim, channel, control, following_browser, http, start_bot_with,
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
    http()
        .post(format!("{}/_sim/tokens/expire", sim.url()))
        .send()
        .await
        .unwrap();
    ping().await;
    control(&sim, "sockets/drop", json!({})).await;
    while !matches!(bot.next().await, Seen::Reconnected(_)) {}

    // A refused refresh, a new login, and a socket connect with its token.
    http()
        .post(format!("{}/_sim/tokens/revoke", sim.url()))
        .send()
        .await
        .unwrap();
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

fn app(base_url: &str, client_id: &str) -> OAuthApp {
    OAuthApp {
        base_url: base_url.parse().unwrap(),
        client_id: client_id.to_owned(),
        client_secret: None,
        redirect_uri: "http://127.0.0.1:0/callback".parse().unwrap(),
        scopes: vec!["public".into()],
    }
}

fn login_options(browser: Browser) -> LoginOptions {
    LoginOptions {
        browser,
        timeout: Duration::from_millis(500),
        ..LoginOptions::default()
    }
}

/// A token server that refuses every grant with terminal controls in its words.
async fn hostile_token_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let body = json!({
        "error": "invalid_grant\u{1b}[2J\u{1b}]0;pwned\u{7}",
        "error_description": "gone\r\nERROR forged line",
    })
    .to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = tokio::time::timeout(common::WAIT, stream.read(&mut request)).await;
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_refusal_from_the_token_server_is_logged_escaped() {
    logs();
    let url = hostile_token_server().await;
    let store = MemoryStore::new();
    let expired = Token {
        access_token: Secret::new("old"),
        refresh_token: Some(Secret::new("old-refresh")),
        scope: "public chat".into(),
        expires_at: Utc::now() - TimeDelta::minutes(1),
    };
    store.save(&expired).await.unwrap();
    let ignoring = Browser::With(Arc::new(|_| {}));
    let credentials = Credentials::new(
        app(&url, "hostile"),
        Arc::new(store),
        login_options(ignoring),
    )
    .unwrap();

    let error = credentials.access_token().await.unwrap_err();

    assert!(matches!(error, Error::Login(_)), "{error}");
    let logs = logs();
    let refused = logs
        .lines()
        .find(|line| line.contains("the refresh was refused"))
        .unwrap();
    assert!(
        refused.contains("invalid_grant\\u{1b}[2J\\u{1b}]0;pwned\\u{7}"),
        "{refused}"
    );
    for raw in ['\u{1b}', '\u{7}', '\r'] {
        assert!(!logs.contains(raw), "{raw:?} reached the logs raw");
    }
    assert!(
        !logs.contains("\nERROR forged line"),
        "a forged line in the logs"
    );
}

#[tokio::test]
async fn a_token_that_cannot_be_saved_is_warned_about_once() {
    logs();
    let sim = approving_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    let path = blocker.join("token.json");
    let store = Arc::new(FileStore::new(&path));
    let options = login_options(following_browser());
    let credentials = Credentials::new(app(sim.url(), &sim.info().client_id), store, options);
    let api = Api::new(Arc::new(credentials.unwrap())).unwrap();

    whoami(&api).await.unwrap();
    for _ in 0..2 {
        http()
            .post(format!("{}/_sim/tokens/expire", sim.url()))
            .send()
            .await
            .unwrap();
        whoami(&api).await.unwrap();
    }

    let shown = path.display().to_string();
    let warnings: Vec<String> = logs()
        .lines()
        .filter(|line| line.contains(&shown) && line.contains("WARN"))
        .map(str::to_owned)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("cannot save the token"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("writable"), "{}", warnings[0]);
    assert_eq!(sim.stats().token_grants_by_type["refresh_token"], 2);
}
