//! Shared test setup: an emulator on an ephemeral loopback port, and clients for it.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::time::Duration;

use glimbot::sim::{Sim, SimOptions, WorldInfo};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Every wait in the tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(10);

/// Starts an emulator with the seeded world.
pub async fn sim() -> Sim {
    sim_with(SimOptions::default()).await
}

/// Starts an emulator with these options.
pub async fn sim_with(options: SimOptions) -> Sim {
    Sim::start(options).await.unwrap()
}

thread_local! {
    // Building a client loads the system's root certificates, which takes tens of
    // milliseconds; each test runs on its own thread and runtime, so each gets one client.
    static HTTP: reqwest::Client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(WAIT)
        .build()
        .unwrap();
}

/// An HTTP client that does not follow redirects, so tests see them.
pub fn http() -> reqwest::Client {
    HTTP.with(Clone::clone)
}

/// A loopback redirect URI on some port, as a native app would use.
pub const REDIRECT: &str = "http://127.0.0.1:49152/callback";

/// Query parameters of a redirect's `Location`.
pub fn location_params(response: &reqwest::Response) -> Vec<(String, String)> {
    let location = response.headers()["location"].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    url.query_pairs().into_owned().collect()
}

pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Logs in through the consent form as `username`, returning the token response.
pub async fn login(sim: &Sim, username: &str, scope: &str) -> Value {
    let info = sim.info();
    let user_id = info.user_id(username).unwrap().to_owned();
    let answer = http()
        .post(format!("{}/oauth/authorize", sim.url()))
        .form(&[
            ("response_type", "code"),
            ("client_id", &info.client_id),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("state", "s"),
            ("action", "authorize"),
            ("user_id", &user_id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FOUND);
    let code = param(&location_params(&answer), "code").unwrap().to_owned();
    let (status, body) = token(
        sim,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &info.client_id),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// An access token for `username` with these scopes.
pub async fn access_token(sim: &Sim, username: &str, scope: &str) -> String {
    login(sim, username, scope).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `POST /api/oauth/token` with a form body.
pub async fn token(sim: &Sim, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{}/api/oauth/token", sim.url()))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// `POST /api/graph` with a bearer token.
pub async fn graph(sim: &Sim, token: &str, query: &str, variables: Value) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{}/api/graph", sim.url()))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// `POST /_sim/chat`: a message from anyone.
pub async fn post_chat(sim: &Sim, channel_id: &str, username: &str, message: &str) -> Value {
    let response = http()
        .post(format!("{}/_sim/chat", sim.url()))
        .json(&json!({"channel_id": channel_id, "username": username, "message": message}))
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

/// `GET /_sim/chat`: the channel's stored messages, oldest first.
pub async fn chat_log(sim: &Sim, channel_id: &str) -> Vec<Value> {
    let url = format!("{}/_sim/chat?channel_id={channel_id}", sim.url());
    http().get(url).send().await.unwrap().json().await.unwrap()
}

/// `POST /_sim/<path>` with a JSON body.
pub async fn control(sim: &Sim, path: &str, body: Value) -> Value {
    let response = http()
        .post(format!("{}/_sim/{path}", sim.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// The seeded streamer's channel id.
pub fn channel(info: &WorldInfo) -> String {
    info.channel_id(glimbot::sim::STREAMER).unwrap().to_owned()
}

/// What a recording bot saw, in the order it saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Ready(String),
    Reconnected(String),
    Message {
        channel: String,
        author: String,
        text: String,
    },
    Follow {
        channel: String,
        follower: String,
    },
    Update {
        channel: String,
        title: Option<String>,
    },
    Error {
        channel: String,
        error: String,
    },
}

/// A handler that reports everything it sees, and panics on the message "panic!".
pub struct Recorder(pub tokio::sync::mpsc::UnboundedSender<Seen>);

fn channel_of(ctx: &glimbot::Context) -> String {
    ctx.channel().streamer.username.clone()
}

#[async_trait::async_trait]
impl glimbot::Handler for Recorder {
    async fn on_ready(&self, ctx: &glimbot::Context) -> glimbot::Result<()> {
        let _ = self.0.send(Seen::Ready(channel_of(ctx)));
        Ok(())
    }
    async fn on_reconnect(&self, ctx: &glimbot::Context) -> glimbot::Result<()> {
        let _ = self.0.send(Seen::Reconnected(channel_of(ctx)));
        Ok(())
    }
    async fn on_message(
        &self,
        ctx: &glimbot::Context,
        message: &glimbot::ChatMessage,
    ) -> glimbot::Result<()> {
        assert!(message.text != "panic!", "asked to panic");
        let seen = Seen::Message {
            channel: channel_of(ctx),
            author: message.author.username.clone(),
            text: message.text.clone(),
        };
        let _ = self.0.send(seen);
        Ok(())
    }
    async fn on_follow(
        &self,
        ctx: &glimbot::Context,
        follow: &glimbot::Follow,
    ) -> glimbot::Result<()> {
        let _ = self.0.send(Seen::Follow {
            channel: channel_of(ctx),
            follower: follow.follower.username.clone(),
        });
        Ok(())
    }
    async fn on_channel_update(
        &self,
        ctx: &glimbot::Context,
        update: &glimbot::ChannelUpdate,
    ) -> glimbot::Result<()> {
        let _ = self.0.send(Seen::Update {
            channel: channel_of(ctx),
            title: update.title.clone(),
        });
        Ok(())
    }
    async fn on_error(&self, ctx: &glimbot::Context, error: glimbot::Error) {
        let _ = self.0.send(Seen::Error {
            channel: channel_of(ctx),
            error: error.to_string(),
        });
    }
}

/// A configuration for the emulator's seeded app, joining these channels.
pub fn config(sim: &Sim, channels: &[&str]) -> glimbot::Config {
    glimbot::Config {
        glimesh: glimbot::GlimeshConfig {
            base_url: sim.url().parse().unwrap(),
            client_id: sim.info().client_id.clone(),
            client_secret: None,
            redirect_uri: "http://127.0.0.1:0/callback".parse().unwrap(),
            scopes: vec!["public".into(), "chat".into()],
        },
        bot: glimbot::BotConfig {
            channels: channels.iter().map(|c| (*c).to_owned()).collect(),
            prefix: "!".into(),
        },
        auth: glimbot::AuthConfig {
            flow: glimbot::Flow::AuthorizationCode,
            token_path: None,
        },
        sending: glimbot::SendingConfig {
            per_second: 200.0,
            burst: 20,
        },
        metrics: glimbot::MetricsConfig::default(),
        state: glimbot::StateConfig::default(),
        resume: glimbot::ResumeConfig::default(),
        commands: Vec::new(),
        timers: Vec::new(),
        filters: glimbot::FiltersConfig::default(),
    }
}

/// A browser that follows the login URL; the emulator approves it.
pub fn following_browser() -> glimbot::Browser {
    glimbot::Browser::With(std::sync::Arc::new(|url| {
        tokio::spawn(reqwest::get(url));
    }))
}

/// A bot running in the background, and what its handler sees.
pub struct RunningBot {
    pub shutdown: glimbot::Shutdown,
    pub task: tokio::task::JoinHandle<glimbot::Result<()>>,
    pub seen: tokio::sync::mpsc::UnboundedReceiver<Seen>,
}

impl RunningBot {
    /// The next thing the handler saw.
    pub async fn next(&mut self) -> Seen {
        tokio::time::timeout(WAIT, self.seen.recv())
            .await
            .expect("the handler saw nothing in time")
            .unwrap()
    }

    /// Waits for the next message the handler saw, skipping other events.
    pub async fn next_message(&mut self) -> (String, String, String) {
        loop {
            if let Seen::Message {
                channel,
                author,
                text,
            } = self.next().await
            {
                return (channel, author, text);
            }
        }
    }

    /// The texts of the next `count` messages the handler saw, skipping reconnects; any
    /// other event (an error) fails the test.
    pub async fn messages(&mut self, count: usize) -> Vec<String> {
        let mut texts = Vec::new();
        while texts.len() < count {
            match self.next().await {
                Seen::Message { text, .. } => texts.push(text),
                Seen::Reconnected(_) => {}
                other => panic!("expected a message, saw {other:?} after {texts:?}"),
            }
        }
        texts
    }

    /// Stops the bot and waits until it has stopped.
    pub async fn stop(self) -> glimbot::Result<()> {
        self.shutdown.trigger();
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the bot did not stop in time")
            .unwrap()
    }
}

/// Starts a bot with a recording handler, and waits until every channel is ready.
pub async fn start_bot(
    sim: &Sim,
    channels: &[&str],
    customize: impl FnOnce(glimbot::BotBuilder) -> glimbot::BotBuilder,
) -> RunningBot {
    start_bot_with(sim, config(sim, channels), customize).await
}

/// As [`start_bot`], with this configuration.
pub async fn start_bot_with(
    sim: &Sim,
    config: glimbot::Config,
    customize: impl FnOnce(glimbot::BotBuilder) -> glimbot::BotBuilder,
) -> RunningBot {
    let channels = config.bot.channels.len();
    let _ = sim;
    let (tx, seen) = tokio::sync::mpsc::unbounded_channel();
    let builder = glimbot::Bot::builder(config)
        .handler(Recorder(tx))
        .token_store(glimbot::MemoryStore::new())
        .state(glimbot::State::in_memory())
        .browser(following_browser());
    let bot = customize(builder).build().unwrap();
    let shutdown = bot.shutdown();
    let mut running = RunningBot {
        shutdown,
        task: tokio::spawn(bot.run()),
        seen,
    };
    let mut ready = Vec::new();
    while ready.len() < channels {
        match running.next().await {
            Seen::Ready(channel) => ready.push(channel),
            other => panic!("expected the bot to get ready first, saw {other:?}"),
        }
    }
    running
}

/// An emulator that approves logins as the bot account.
pub async fn bot_sim() -> Sim {
    sim_with(SimOptions {
        auto_approve: Some(glimbot::sim::BOT.into()),
        ..SimOptions::default()
    })
    .await
}

/// The bot's chat lines as the emulator stores them, from the moment this is made.
pub struct BotLines(tokio::sync::mpsc::UnboundedReceiver<glimbot::sim::ChatLine>);

/// Starts watching for the bot's chat lines.
pub fn bot_lines(sim: &Sim) -> BotLines {
    BotLines(sim.chat_feed())
}

impl BotLines {
    /// The bot's next `count` lines.
    pub async fn take(&mut self, count: usize) -> Vec<String> {
        let mut lines = Vec::new();
        while lines.len() < count {
            let line = tokio::time::timeout(WAIT, self.0.recv()).await;
            let line = line
                .unwrap_or_else(|_| panic!("the bot wrote {lines:?}, not {count} lines"))
                .unwrap();
            if line.username == glimbot::sim::BOT {
                lines.push(line.message);
            }
        }
        lines
    }
}

/// Everything a `tracing` subscriber wrote, as [`capture_logs`] collects it.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures the logs (info and above, without colours) of everything that runs on this thread
/// until the guard is dropped; a `#[tokio::test]` runs its tasks on its own thread. Tracing
/// caches per process which call sites are enabled, so a test that reads logs runs alone in
/// its binary.
pub fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

/// A running process, killed when dropped so that a failing test leaves nothing behind.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the `glimesh-sim` binary on an ephemeral port and reads its first line.
pub fn start_sim_binary(args: &[&std::ffi::OsStr]) -> (Running, WorldInfo) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_glimesh-sim"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (Running(child), serde_json::from_str(&line).unwrap())
}

/// The lines a child writes to its (piped) stderr, read on a thread of their own so that a
/// test can wait for them with a timeout.
pub fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    lines
}
