//! The Phoenix channels socket that carries Absinthe subscriptions.

pub mod frame;
