//! The values given, from the file or the environment, read as the key table says.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::config_error;
use super::diagnostics::{found, suggestion};
use super::keys::{ALL, Key, SECTIONS};
use super::toolkit;
use crate::error::{Error, Result};

/// A value before it is checked, and where it came from.
pub(super) enum Raw {
    File(Value),
    Env { var: String, text: String },
}

/// The values given, by section and key name.
pub(super) struct Values(pub(super) BTreeMap<(&'static str, &'static str), Raw>);

pub(super) fn file_values(table: Table) -> Result<BTreeMap<(&'static str, &'static str), Raw>> {
    let mut values = BTreeMap::new();
    for (section, body) in table {
        if !SECTIONS.contains(&section.as_str()) {
            let all: Vec<&str> = SECTIONS.iter().chain(&toolkit::SECTIONS).copied().collect();
            let hint = suggestion(&section, &all, ("`[", "]`"), "sections");
            return Err(config_error(section, format!("unknown section; {hint}")));
        }
        let Value::Table(body) = body else {
            let message = format!("expected a section [{section}]; found {}", found(&body));
            return Err(config_error(section, message));
        };
        let in_section = || ALL.into_iter().filter(|k| k.section == section);
        for (name, value) in body {
            let Some(key) = in_section().find(|k| k.name == name) else {
                let valid: Vec<&str> = in_section().map(|k| k.name).collect();
                let hint = suggestion(&name, &valid, ("`", "`"), &format!("keys in [{section}]"));
                return Err(config_error(
                    format!("{section}.{name}"),
                    format!("unknown key; {hint}"),
                ));
            };
            values.insert((key.section, key.name), Raw::File(value));
        }
    }
    Ok(values)
}

impl Values {
    pub(super) fn get(&self, key: &Key) -> Option<&Raw> {
        self.0.get(&(key.section, key.name))
    }

    pub(super) fn string(&self, key: &Key) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Raw::Env { text, .. } | Raw::File(Value::String(text))) => Ok(Some(text.clone())),
            Some(Raw::File(other)) => Err(key.wrong_type(found(other))),
        }
    }

    pub(super) fn list(&self, key: &Key) -> Result<Option<Vec<String>>> {
        let items = match self.get(key) {
            None => return Ok(None),
            Some(Raw::Env { text, .. }) if text.trim().is_empty() => Vec::new(),
            Some(Raw::Env { text, .. }) => text.split(',').map(|s| s.trim().to_owned()).collect(),
            Some(Raw::File(Value::Array(items))) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(key.wrong_type(&format!("a list holding {}", found(other)))),
                })
                .collect::<Result<_>>()?,
            Some(Raw::File(other)) => return Err(key.wrong_type(found(other))),
        };
        Ok(Some(items))
    }

    pub(super) fn number(&self, key: &Key) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Raw::Env { var, text }) => parse_env(key, var, text, "a number").map(Some),
            Some(Raw::File(Value::Float(x))) => Ok(Some(*x)),
            // `per_second = 2` means 2.0, not a type error.
            Some(Raw::File(Value::Integer(n))) => Ok(Some(*n as f64)),
            Some(Raw::File(other)) => Err(key.wrong_type(found(other))),
        }
    }

    pub(super) fn integer(&self, key: &Key) -> Result<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Raw::Env { var, text }) => parse_env(key, var, text, "a whole number").map(Some),
            Some(Raw::File(Value::Integer(n))) => Ok(Some(*n)),
            Some(Raw::File(other)) => Err(key.wrong_type(found(other))),
        }
    }

    /// Names the variable in an error about a value from the environment: a person reading
    /// the error would otherwise look for the value in the file.
    pub(super) fn name_variable(&self, error: Error) -> Error {
        let Error::Config { key, message } = error else {
            return error;
        };
        let var = ALL
            .iter()
            .find(|k| k.path() == key)
            .and_then(|k| match self.get(k) {
                Some(Raw::Env { var, .. }) if !message.contains(var.as_str()) => Some(var),
                _ => None,
            });
        let message = match var {
            Some(var) => format!("{message} (set by {var})"),
            None => message,
        };
        Error::Config { key, message }
    }
}

fn parse_env<T: std::str::FromStr>(key: &Key, var: &str, text: &str, what: &str) -> Result<T> {
    text.trim().parse().map_err(|_| {
        let (wants, example) = (key.wants, key.example);
        key.error(format!(
            "{var}={text:?} is not {what}; set it to {wants}, e.g. {var}={example}"
        ))
    })
}
