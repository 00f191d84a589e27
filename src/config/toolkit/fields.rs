//! The tables of a `[[section]]` list, read key by key so that every mistake names its dotted
//! key (`timers[0].every`) and the fix.

use std::time::Duration;

use toml::{Table, Value};

use crate::config::config_error;
use crate::config::diagnostics::{found, suggestion};
use crate::error::{Error, Result};
use crate::template::Template;

/// One table of a `[[section]]` list.
pub(super) struct Fields {
    /// Where it is, e.g. `commands[2]`.
    at: String,
    table: Table,
}

/// The tables of the `[[section]]` list `value`, each with the keys in `valid` only.
pub(super) fn tables(section: &str, value: Value, valid: &[&str]) -> Result<Vec<Fields>> {
    let Value::Array(items) = value else {
        return Err(config_error(
            section,
            format!(
                "expected a list of [[{section}]] tables; found {}: write each as [[{section}]]",
                found(&value)
            ),
        ));
    };
    let mut tables = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let at = format!("{section}[{index}]");
        let Value::Table(table) = item else {
            let message = format!("expected a [[{section}]] table; found {}", found(&item));
            return Err(config_error(at, message));
        };
        known_keys(&at, &table, valid, &format!("[[{section}]]"))?;
        tables.push(Fields { at, table });
    }
    Ok(tables)
}

/// Refuses a key of `table` (at the dotted `at`) that is not in `valid`, with the nearest valid
/// one; `label` names the table for the hint, e.g. `[[commands]]`.
pub(super) fn known_keys(at: &str, table: &Table, valid: &[&str], label: &str) -> Result<()> {
    match table.keys().find(|k| !valid.contains(&k.as_str())) {
        None => Ok(()),
        Some(unknown) => {
            let hint = suggestion(unknown, valid, ("`", "`"), &format!("keys in {label}"));
            let message = format!("unknown key; {hint}");
            Err(config_error(format!("{at}.{unknown}"), message))
        }
    }
}

/// The duration `text` at the dotted `key` (its last part `name`), such as `"15m"` or `"90s"`,
/// longer than zero.
pub(super) fn duration(key: String, name: &str, text: &str) -> Result<Duration> {
    let fix = format!("write a duration such as {name} = \"90s\", \"10m\" or \"1h 30m\"");
    match humantime::parse_duration(text) {
        Ok(duration) if !duration.is_zero() => Ok(duration),
        Ok(_) => Err(config_error(
            key,
            format!("{text:?} is no time at all: it must be longer than 0; {fix}"),
        )),
        Err(why) => Err(config_error(
            key,
            format!("{text:?} is not a duration ({why}); {fix}"),
        )),
    }
}

impl Fields {
    /// The dotted key of `name` in this table, e.g. `commands[2].reply`.
    pub(super) fn key(&self, name: &str) -> String {
        format!("{}.{name}", self.at)
    }

    /// An error on the key `name`.
    pub(super) fn error(&self, name: &str, message: impl Into<String>) -> Error {
        config_error(self.key(name), message)
    }

    fn wrong_type(&self, name: &str, wants: &str, value: &Value) -> Error {
        self.error(name, format!("expected {wants}; found {}", found(value)))
    }

    pub(super) fn string(&self, name: &str) -> Result<Option<String>> {
        match self.table.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.wrong_type(name, "text in quotes", other)),
        }
    }

    /// A string that must be there; `example` shows how to write it.
    pub(super) fn required(&self, name: &str, example: &str) -> Result<String> {
        self.string(name)?
            .ok_or_else(|| self.error(name, format!("missing; add it, e.g. {name} = {example}")))
    }

    pub(super) fn strings(&self, name: &str) -> Result<Option<Vec<String>>> {
        let wants = "a list of texts in quotes";
        match self.table.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(text) => Ok(text.clone()),
                    other => Err(self.wrong_type(name, wants, other)),
                })
                .collect::<Result<_>>()
                .map(Some),
            Some(other) => Err(self.wrong_type(name, wants, other)),
        }
    }

    pub(super) fn boolean(&self, name: &str) -> Result<Option<bool>> {
        match self.table.get(name) {
            None => Ok(None),
            Some(Value::Boolean(yes)) => Ok(Some(*yes)),
            Some(other) => Err(self.wrong_type(name, "true or false", other)),
        }
    }

    /// A whole number of 0 or more.
    pub(super) fn count(&self, name: &str) -> Result<Option<u32>> {
        match self.table.get(name) {
            None => Ok(None),
            Some(Value::Integer(n)) => u32::try_from(*n)
                .map(Some)
                .map_err(|_| self.error(name, format!("{n} is not a whole number of 0 or more"))),
            Some(other) => Err(self.wrong_type(name, "a whole number", other)),
        }
    }

    /// A duration such as `"15m"` or `"90s"`, longer than zero.
    pub(super) fn duration(&self, name: &str) -> Result<Option<Duration>> {
        let Some(text) = self.string(name)? else {
            return Ok(None);
        };
        duration(self.key(name), name, &text).map(Some)
    }

    /// A reply with variables, checked now; its text alone must fit in one chat message.
    pub(super) fn template(&self, name: &str, text: &str) -> Result<Template> {
        let template = Template::parse(text).map_err(|why| self.error(name, why.to_string()))?;
        match super::commands::too_long(&template) {
            Some(problem) => Err(self.error(name, problem)),
            None => Ok(template),
        }
    }
}
