//! The streamer's toolkit: building blocks a bot adds with one
//! [`BotBuilder::module`](crate::BotBuilder::module) call, configured in code or from the
//! `[[commands]]`, `[[timers]]` and `[filters]` sections of the file.

mod filters;

pub use filters::Filters;
