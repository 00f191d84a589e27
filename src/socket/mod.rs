//! The Phoenix channels socket that carries Absinthe subscriptions. It knows topics, refs and
//! subscriptions by index; what the subscriptions mean belongs to the bot.

mod connection;
mod delivery;
mod serve;
mod session;

pub(crate) use connection::{SocketOptions, run};
pub(crate) use delivery::{Closed, Deliver, Delivery, Subscriptions};
