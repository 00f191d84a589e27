//! The Phoenix channels socket that carries Absinthe subscriptions.

mod connection;
pub mod frame;
mod session;

#[cfg(feature = "sim")]
pub(crate) use connection::SOCKET_PATH;
pub(crate) use connection::{Deliver, SocketEvent, SocketOptions, run};
pub(crate) use session::{Event, Topic};
