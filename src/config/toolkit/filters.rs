//! `[filters]`: chat filters and their escalation ladders.

use toml::Value;

use crate::error::Result;

/// The `[filters]` section; by default every filter is off.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FiltersConfig {}

pub(super) fn read(value: Value) -> Result<FiltersConfig> {
    let _ = value;
    Ok(FiltersConfig::default())
}
