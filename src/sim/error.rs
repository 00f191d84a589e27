//! Why the emulator could not start.

use std::net::SocketAddr;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The world file is not valid.
    #[error("invalid world: {0}")]
    World(String),
    /// `--auto-approve` names no user of the world.
    #[error("cannot auto-approve {0:?}: no such user in the world")]
    UnknownUser(String),
}
