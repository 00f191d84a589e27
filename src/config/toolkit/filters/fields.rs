//! Reading one table of `[filters]`: each key taken by type, named by its dotted key when it
//! is wrong, and any key left over refused with the nearest valid name.

use std::time::Duration;

use toml::{Table, Value};

use super::super::fields::{duration, known_keys};
use super::Step;
use crate::config::config_error;
use crate::config::diagnostics::{found, suggestion};
use crate::error::Result;

/// The keys of one table, under its dotted name (`filters.links`).
pub(super) struct Fields {
    key: String,
    table: Table,
}

impl Fields {
    /// The table `value` is, named `key`, whose valid keys are `valid`.
    pub(super) fn new(key: String, value: Value, valid: &[&str]) -> Result<Fields> {
        let Value::Table(table) = value else {
            let message = format!("expected a table [{key}]; found {}", found(&value));
            return Err(config_error(key, message));
        };
        known_keys(&key, &table, valid, &format!("[{key}]"))?;
        Ok(Fields { key, table })
    }

    /// The table's dotted name.
    pub(super) fn name(&self) -> &str {
        &self.key
    }

    /// The dotted name of `name` in this table.
    pub(super) fn key(&self, name: &str) -> String {
        format!("{}.{name}", self.key)
    }

    /// Takes the value of `name` out, if given.
    pub(super) fn take(&mut self, name: &str) -> Option<(String, Value)> {
        let value = self.table.remove(name)?;
        Some((self.key(name), value))
    }

    pub(super) fn boolean(&mut self, name: &str) -> Result<Option<bool>> {
        self.take(name)
            .map(|(key, value)| match value {
                Value::Boolean(yes) => Ok(yes),
                other => Err(expected(key, "true or false", &other)),
            })
            .transpose()
    }

    /// A whole number in `range`; `unit` says what it counts, for the error.
    pub(super) fn whole(
        &mut self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
        unit: &str,
    ) -> Result<Option<u32>> {
        let Some((key, value)) = self.take(name) else {
            return Ok(None);
        };
        let (low, high) = (range.start(), range.end());
        let wanted = format!("a whole number of {unit} from {low} to {high}");
        match value {
            Value::Integer(n) if range.contains(&n) => Ok(u32::try_from(n).ok()),
            Value::Integer(n) => Err(config_error(key, format!("{n} is out of range; {wanted}"))),
            other => Err(expected(key, &wanted, &other)),
        }
    }

    /// A duration written as text, e.g. `"90s"`, `"10m"` or `"1h 30m"`.
    pub(super) fn duration(&mut self, name: &str) -> Result<Option<Duration>> {
        let Some((key, value)) = self.take(name) else {
            return Ok(None);
        };
        let Value::String(text) = value else {
            let wanted = "a duration such as \"90s\", \"10m\" or \"1h\"";
            return Err(expected(key, wanted, &value));
        };
        duration(key, name, &text).map(Some)
    }

    pub(super) fn text(&mut self, name: &str) -> Result<Option<String>> {
        self.take(name)
            .map(|(key, value)| match value {
                Value::String(text) if !text.trim().is_empty() => Ok(text),
                Value::String(_) => Err(config_error(
                    key,
                    "is empty; write some text or leave it out",
                )),
                other => Err(expected(key, "text in quotes", &other)),
            })
            .transpose()
    }

    /// A list of texts, each checked by `check` (its dotted key with the index, the text).
    pub(super) fn texts(
        &mut self,
        name: &str,
        mut check: impl FnMut(String, &str) -> Result<()>,
    ) -> Result<Option<Vec<String>>> {
        let Some((key, value)) = self.take(name) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(expected(
                key,
                "a list of texts, e.g. [\"one\", \"two\"]",
                &value,
            ));
        };
        let mut texts = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let key = format!("{key}[{index}]");
            let Value::String(text) = item else {
                return Err(expected(key, "text in quotes", &item));
            };
            check(key, &text)?;
            texts.push(text);
        }
        Ok(Some(texts))
    }

    /// An escalation ladder: a list of steps, at least one.
    pub(super) fn ladder(&mut self, name: &str) -> Result<Option<Vec<Step>>> {
        let names: Vec<&str> = Step::ALL.iter().map(|s| s.name()).collect();
        let key = self.key(name);
        let Some(given) = self.texts(name, |key, text| match Step::named(text) {
            Some(_) => Ok(()),
            None => {
                let hint = suggestion(text, &names, ("\"", "\""), "steps");
                Err(config_error(key, format!("unknown step {text:?}; {hint}")))
            }
        })?
        else {
            return Ok(None);
        };
        if given.is_empty() {
            let example = r#"e.g. ["warn", "delete", "short_timeout"]"#;
            return Err(config_error(
                key,
                format!("is empty; give at least one step, {example}"),
            ));
        }
        Ok(Some(given.iter().filter_map(|s| Step::named(s)).collect()))
    }
}

fn expected(key: String, wanted: &str, value: &Value) -> crate::error::Error {
    config_error(key, format!("expected {wanted}; found {}", found(value)))
}
