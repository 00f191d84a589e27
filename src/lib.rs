#![doc = include_str!("../README.md")]
//!
//! ## The example bot, in full
//!
//! `bots/mybot.rs`, which `cargo run --bin mybot` runs:
//!
//! ```no_run
#![doc = include_str!("../bots/mybot.rs")]
//! ```

mod api;
mod auth;
mod backoff;
mod bot;
mod cli;
mod config;
#[cfg(feature = "sim")]
mod dev;
mod error;
mod escape;
mod http;
mod metrics;
mod model;
mod secret;
#[cfg(feature = "sim")]
pub mod sim;
mod socket;

pub use api::{Api, GRAPH_PATH, queries};
pub use async_trait::async_trait;
pub use auth::{
    Browser, Credentials, FileStore, Flow, LoginOptions, MemoryStore, OAuthApp, Token, TokenStore,
};
pub use bot::{Bot, BotBuilder, Call, Command, Context, Handler, Shutdown};
pub use cli::run;
pub use config::{AuthConfig, BotConfig, Config, GlimeshConfig, SendingConfig};
pub use error::{Error, Result};
pub use metrics::{ApiOutcome, ChannelMetrics, EventKind, Metrics, MetricsListener};
pub use model::{Channel, ChannelUpdate, ChatMessage, Follow, User};
pub use secret::Secret;
pub use socket::frame;
