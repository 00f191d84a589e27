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
mod inject;
mod oauth;
mod pubsub;
mod rows;
mod schema;
mod server;
mod socket;
mod store;
mod streams;
mod world;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

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
