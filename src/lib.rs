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
mod clock;
mod config;
#[cfg(feature = "sim")]
mod dev;
mod error;
mod escape;
mod http;
mod logging;
mod metrics;
mod model;
pub mod protocol;
mod secret;
#[cfg(feature = "sim")]
pub mod sim;
mod socket;
mod state;
mod template;
#[cfg(feature = "sim")]
pub mod testing;
mod toolkit;

pub use api::{Api, queries};
pub use async_trait::async_trait;
pub use auth::{
    Browser, Credentials, FileStore, LoginOptions, MemoryStore, OAuthApp, Token, TokenStore,
};
pub use bot::{Bot, BotBuilder, Call, Command, Context, Handler, Module, Shutdown, Verdict};
pub use cli::{About, run};
pub use clock::Clock;
pub use config::{
    AuthConfig, BotConfig, Config, FiltersConfig, Flow, GlimeshConfig, MetricsConfig, ResumeConfig,
    Rule, SendingConfig, StateConfig, Step, TextCommandConfig, TimerConfig,
};
pub use error::{Error, Result};
pub use logging::{LogFormat, log_subscriber};
pub use metrics::{ApiOutcome, ChannelMetrics, EventKind, Metrics, MetricsListener};
pub use model::{Channel, ChannelUpdate, ChatMessage, Follow, User};
pub use secret::Secret;
pub use state::{InMemoryStore, Scope, ScopedState, SqliteStore, State, Store, UpdateFn};
pub use template::{Template, TemplateError};
pub use toolkit::{Filters, TextCommands, Timers};
