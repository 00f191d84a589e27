//! `[[timers]]`: messages the bot posts on a schedule while chat is active.

use toml::Value;

use crate::error::Result;

/// One `[[timers]]` table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimerConfig {}

pub(super) fn read(value: Value) -> Result<Vec<TimerConfig>> {
    let _ = value;
    Ok(Vec::new())
}
