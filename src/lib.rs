//! glimbot: chat bots for Glimesh.

mod api;
mod auth;
mod backoff;
mod error;
mod http;
mod secret;
#[cfg(feature = "sim")]
pub mod sim;
mod socket;

pub use api::{Api, GRAPH_PATH, queries};
pub use auth::{
    Browser, Credentials, FileStore, Flow, LoginOptions, MemoryStore, OAuthApp, Token, TokenStore,
};
pub use error::{Error, Result};
pub use secret::Secret;
pub use socket::frame;
