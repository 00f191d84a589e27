//! The Phoenix channels socket that carries Absinthe subscriptions.

mod connection;
pub mod frame;
mod session;

pub(crate) use connection::{Deliver, SocketEvent, SocketOptions, run};
pub(crate) use session::{Event, Topic};
