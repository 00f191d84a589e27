//! `[[commands]]`: text commands a streamer writes in the file.

use toml::Value;

use crate::error::Result;

/// One `[[commands]]` table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextCommandConfig {}

pub(super) fn read(value: Value) -> Result<Vec<TextCommandConfig>> {
    let _ = value;
    Ok(Vec::new())
}
