//! A local Glimesh: the OAuth provider, GraphQL over HTTP and the Absinthe socket, in-process.
//!
//! Glimesh.tv shut down in July 2023 and lives on as self-hosted instances, so glimbot's tests,
//! benchmarks and dev mode run against this emulator. It answers as the real server does (paths,
//! status codes, error texts, frame shapes) and adds a control surface under `/_sim/` that lets a
//! test act as other users and inject events.
//!
//! ```no_run
//! # async fn demo() -> Result<(), glimbot::sim::SimError> {
//! use glimbot::sim::{Sim, SimOptions};
//!
//! let sim = Sim::start(SimOptions::default()).await?;
//! println!("a Glimesh at {}", sim.url());
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```

// Handlers refuse a request by returning the finished response early.
#![allow(clippy::result_large_err)]

mod api;
mod control;
mod direct;
mod error;
mod faults;
mod grants;
mod oauth;
mod pubsub;
mod rows;
mod schema;
mod socket;
mod store;
mod streams;
mod world;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::protocol::{
    AUTHORIZE_PATH, GRAPH_PATH, INTROSPECT_PATH, REVOKE_PATH, SOCKET_PATH, TOKEN_PATH,
};
pub use control::ChatLine;
pub use direct::{Granted, Moderation};
pub use error::SimError;
pub use schema::sdl;
pub use store::Stats;
pub use world::{
    AppSeed, BOT, CLIENT_ID, CLIENT_SECRET, ChannelInfo, ChannelSeed, REDIRECT_URI, STREAMER,
    UserInfo, UserSeed, VIEWER, World, WorldInfo,
};

/// How to start the emulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Approve every authorize request at once as this user, without a consent page.
    pub auto_approve: Option<String>,
    /// Who exists.
    pub world: World,
    /// Lifetime of access tokens.
    pub token_ttl: Duration,
    /// Require PKCE from every client, as a self-hosted instance may.
    pub pkce: bool,
    /// How long a socket may stay silent before the server closes it.
    pub idle_timeout: Duration,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            auto_approve: None,
            world: World::seed(),
            token_ttl: Duration::from_secs(86_400),
            pkce: false,
            idle_timeout: socket::IDLE_TIMEOUT,
        }
    }
}

/// What every request handler shares.
struct Shared {
    store: Arc<store::Store>,
    schema: schema::GlimeshSchema,
    base_url: String,
    auto_approve: Option<u64>,
    pkce: bool,
    idle_timeout: Duration,
    /// Bumped to make every open socket close abruptly.
    socket_drops: watch::Sender<u64>,
    faults: faults::Faults,
}

/// A running emulator. Dropping it stops the server.
pub struct Sim {
    addr: SocketAddr,
    info: WorldInfo,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("url", &self.info.url)
            .finish_non_exhaustive()
    }
}

impl Sim {
    /// Binds the listener and starts serving.
    ///
    /// # Errors
    /// [`SimError::Bind`] when the address cannot be bound, [`SimError::UnknownUser`] when
    /// `auto_approve` names nobody.
    pub async fn start(options: SimOptions) -> Result<Sim, SimError> {
        let listener =
            TcpListener::bind(options.listen)
                .await
                .map_err(|source| SimError::Bind {
                    addr: options.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: options.listen,
            source,
        })?;
        let base_url = format!("http://{addr}");
        let store = Arc::new(store::Store::new(&options.world));
        store.lock().grants.token_ttl_secs = options.token_ttl.as_secs() as i64;
        let auto_approve = match &options.auto_approve {
            None => None,
            Some(name) => Some(
                store
                    .lock()
                    .user_by_name(name)
                    .map(|u| u.id)
                    .ok_or_else(|| SimError::UnknownUser(name.clone()))?,
            ),
        };
        let info = world_info(&store, &base_url);
        let shared = Arc::new(Shared {
            schema: schema::build(Arc::clone(&store), base_url.clone()),
            store,
            base_url,
            auto_approve,
            pkce: options.pkce,
            idle_timeout: options.idle_timeout,
            socket_drops: watch::Sender::new(0),
            faults: faults::Faults::default(),
        });
        let (stop, task) = serve(listener, Arc::clone(&shared));
        tracing::info!(url = %info.url, "emulator listening");
        Ok(Sim {
            addr,
            info,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Stops serving and starts again on the same address with the same state, as a server
    /// restarted over its database: every socket is cut, tokens and messages stay.
    ///
    /// # Errors
    /// [`SimError::Bind`] when the address cannot be bound again.
    pub async fn restart(&mut self) -> Result<(), SimError> {
        self.stop_serving().await;
        let listener = TcpListener::bind(self.addr)
            .await
            .map_err(|source| SimError::Bind {
                addr: self.addr,
                source,
            })?;
        let (stop, task) = serve(listener, Arc::clone(&self.shared));
        self.stop = Some(stop);
        self.task = Some(task);
        Ok(())
    }

    async fn stop_serving(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.info.url
    }

    /// The world: the application's credentials, users and channels.
    pub fn info(&self) -> &WorldInfo {
        &self.info
    }

    /// The counters of `GET /_sim/stats`.
    pub fn stats(&self) -> Stats {
        self.shared.store.lock().stats.clone()
    }

    /// Posts a chat message as any user, as `POST /_sim/chat` does.
    ///
    /// # Errors
    /// The reason the emulator refused it, in Glimesh's words where Glimesh has them.
    pub fn post_chat(
        &self,
        channel_id: &str,
        username: &str,
        text: &str,
    ) -> Result<ChatLine, String> {
        self.post_chat_aged(channel_id, username, text, Duration::ZERO)
    }

    /// Posts a chat message stamped `age` ago (in whole seconds), as one sent then and stored
    /// late, as `POST /_sim/chat` with `age_secs` does. Its id is the next one all the same.
    ///
    /// # Errors
    /// The reason the emulator refused it, in Glimesh's words where Glimesh has them.
    pub fn post_chat_aged(
        &self,
        channel_id: &str,
        username: &str,
        text: &str,
        age: Duration,
    ) -> Result<ChatLine, String> {
        self.shared
            .post_chat(channel_id.parse().ok(), username, text, age)
            .map_err(|e| e.to_string())
    }

    /// A follow of the channel by any user, as `POST /_sim/follow` does.
    ///
    /// # Errors
    /// When the channel or the user does not exist.
    pub fn follow(&self, channel_id: &str, username: &str) -> Result<(), String> {
        self.follow_aged(channel_id, username, Duration::ZERO)
    }

    /// A follow of the channel stamped `age` ago, as `POST /_sim/follow` with `age_secs` does.
    ///
    /// # Errors
    /// When the channel or the user does not exist.
    pub fn follow_aged(
        &self,
        channel_id: &str,
        username: &str,
        age: Duration,
    ) -> Result<(), String> {
        self.shared
            .follow(channel_id.parse().ok(), username, age)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// A new title for the channel, as `POST /_sim/channel` does.
    ///
    /// # Errors
    /// When the channel does not exist.
    pub fn set_title(&self, channel_id: &str, title: &str) -> Result<(), String> {
        self.shared
            .set_title(channel_id.parse().ok(), title)
            .map_err(|e| e.to_string())
    }

    /// The channel goes live: a stream starts now, on the emulator's clock (real UTC), as
    /// `POST /_sim/stream` with `"live": true` does. A live channel keeps its stream.
    ///
    /// # Errors
    /// When the channel does not exist.
    pub fn go_live(&self, channel_id: &str) -> Result<(), String> {
        self.shared
            .set_live(channel_id.parse().ok(), true)
            .map_err(|e| e.to_string())
    }

    /// The channel's stream ends, as `POST /_sim/stream` with `"live": false` does.
    ///
    /// # Errors
    /// When the channel does not exist.
    pub fn go_offline(&self, channel_id: &str) -> Result<(), String> {
        self.shared
            .set_live(channel_id.parse().ok(), false)
            .map_err(|e| e.to_string())
    }

    /// A channel's stored messages, oldest first, as `GET /_sim/chat` lists them.
    pub fn chat_log(&self, channel_id: &str) -> Vec<ChatLine> {
        self.shared
            .chat_log(channel_id.parse().ok())
            .unwrap_or_default()
    }

    /// Every chat message stored from now on, in every channel, in order.
    pub fn chat_feed(&self) -> tokio::sync::mpsc::UnboundedReceiver<ChatLine> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut events = self
            .shared
            .store
            .lock()
            .subscribe(pubsub::Topic::Chat(None));
        let store = Arc::clone(&self.shared.store);
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                if let pubsub::Event::Chat(message) = event {
                    let line = control::chat_line(&store.lock(), &message);
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        });
        rx
    }

    /// Stops the server, closes every socket, and waits until it has stopped.
    pub async fn shutdown(mut self) {
        self.stop_serving().await;
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn world_info(store: &store::Store, base_url: &str) -> WorldInfo {
    let state = store.lock();
    let app = state.grants.apps.first();
    WorldInfo {
        url: base_url.to_owned(),
        client_id: app.map(|a| a.client_id.clone()).unwrap_or_default(),
        client_secret: app.map(|a| a.client_secret.clone()).unwrap_or_default(),
        redirect_uri: app
            .and_then(|a| a.redirect_uris.first().cloned())
            .unwrap_or_default(),
        users: state
            .users
            .iter()
            .map(|u| UserInfo {
                id: u.id.to_string(),
                username: u.username.clone(),
            })
            .collect(),
        channels: state
            .channels
            .iter()
            .map(|c| ChannelInfo {
                id: c.id.to_string(),
                streamer: state
                    .user(c.streamer_id)
                    .map(|u| u.username.clone())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

/// Serves until the returned sender fires (or is dropped).
fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
) -> (tokio::sync::oneshot::Sender<()>, JoinHandle<()>) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let drops = shared.socket_drops.clone();
    let app = router(shared);
    let task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
            // Open sockets would keep a graceful shutdown waiting forever.
            drops.send_modify(|n| *n += 1);
        };
        // Small frames (socket replies) would otherwise wait for the client's delayed ACK.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "emulator server failed");
        }
    });
    (stop, task)
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            AUTHORIZE_PATH,
            get(oauth::authorize_page).post(oauth::authorize_answer),
        )
        .route(TOKEN_PATH, post(oauth::token))
        .route(REVOKE_PATH, post(oauth::revoke))
        .route(INTROSPECT_PATH, post(oauth::introspect))
        .route(
            GRAPH_PATH,
            get(api::graph_get)
                .post(api::graph_post)
                .layer(DefaultBodyLimit::max(api::BODY_LIMIT)),
        )
        .route(SOCKET_PATH, get(socket::upgrade))
        .nest(
            "/_sim",
            control::routes().route("/faults", post(faults::change)),
        )
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            faults::delay,
        ))
        .with_state(shared)
}
