//! The streamer's toolkit: building blocks a bot adds with one
//! [`BotBuilder::module`](crate::BotBuilder::module) call, configured in code or from the
//! `[[commands]]`, `[[timers]]` and `[filters]` sections of the file.

mod filters;
mod text_commands;
mod timers;

pub use filters::Filters;
pub use text_commands::TextCommands;
pub use timers::Timers;
