//! The streamer's toolkit in the file: `[[commands]]`, `[[timers]]` and `[filters]`.
//!
//! Unlike the key table's sections these are lists and nested tables; each is taken out of the
//! file before the key table reads the rest, and checked here with the same care: every mistake
//! names its dotted key (`commands[2].reply`) and the fix.

mod commands;
mod fields;
mod filters;
mod timers;

use toml::Table;

pub use commands::TextCommandConfig;
pub(crate) use commands::{name_problem, too_long};
pub(crate) use filters::{Check, Pattern, RuleConfig, Share};
pub use filters::{FiltersConfig, Rule, Step};
pub use timers::TimerConfig;
pub(super) use timers::check_channels;

use crate::error::Result;

/// The toolkit's sections, as given; each absent one is empty.
pub(super) struct Toolkit {
    pub(super) commands: Vec<TextCommandConfig>,
    pub(super) timers: Vec<TimerConfig>,
    pub(super) filters: FiltersConfig,
}

/// Takes the toolkit's sections out of `table` and checks them.
pub(super) fn take(table: &mut Table) -> Result<Toolkit> {
    Ok(Toolkit {
        commands: table
            .remove("commands")
            .map(commands::read)
            .transpose()?
            .unwrap_or_default(),
        timers: table
            .remove("timers")
            .map(timers::read)
            .transpose()?
            .unwrap_or_default(),
        filters: table
            .remove("filters")
            .map(filters::read)
            .transpose()?
            .unwrap_or_default(),
    })
}

/// The toolkit's sections, for "did you mean" on a misspelt section name.
pub(super) const SECTIONS: [&str; 3] = ["commands", "timers", "filters"];

#[cfg(test)]
mod tests;
