//! The Phoenix channels socket that carries Absinthe subscriptions. It knows topics, refs and
//! subscriptions by index; what the subscriptions mean belongs to the bot.

mod connection;
mod session;

pub(crate) use connection::{Deliver, SocketOptions, run};
pub(crate) use session::{Delivery, Subscriptions};
