//! A recording bot against the emulator: what it saw, how it is started and stopped, and what
//! it wrote to chat.

use glimbot::sim::Sim;

use super::WAIT;

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
