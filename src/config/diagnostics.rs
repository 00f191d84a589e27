//! What a person reads when the file is wrong: the nearest valid name, the type found, and
//! the position of a TOML syntax error.

use toml::Value;

use super::config_error;
use crate::error::Error;

/// "did you mean `prefix`? (valid keys in [bot]: channels, prefix)": names the valid name
/// nearest to `word` (between `quotes`) when one is near enough to be what was meant.
pub(super) fn suggestion(word: &str, valid: &[&str], quotes: (&str, &str), what: &str) -> String {
    let word = word.to_lowercase();
    let nearest = valid
        .iter()
        .map(|v| {
            let score = strsim::normalized_damerau_levenshtein(&word, &v.to_lowercase());
            (score, v)
        })
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let (list, (open, close)) = (valid.join(", "), quotes);
    match nearest {
        Some((_, v)) => format!("did you mean {open}{v}{close}? (valid {what}: {list})"),
        None => format!("valid {what}: {list}"),
    }
}

pub(super) fn found(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a decimal number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// Names the line, the column and the key on that line, but never quotes the line itself as
/// toml's `Display` does: it may be the one holding the client secret.
pub(super) fn syntax_error(text: &str, error: &toml::de::Error) -> Error {
    let problem = error.message().trim();
    let Some(span) = error.span() else {
        return config_error("", format!("invalid TOML: {problem}"));
    };
    let start = (0..=span.start.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i));
    let (before, after) = text.split_at(start.unwrap_or(0));
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    let this_line = &text[line_start..before.len() + after.find('\n').unwrap_or(after.len())];

    let section = before[..line_start]
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix('['))
        .and_then(|l| l.trim_start_matches('[').split(']').next())
        .map(str::trim);
    let name = this_line
        .split_once('=')
        .map(|(name, _)| name.trim())
        .filter(|n| !n.is_empty());
    let key = match (section, name) {
        (Some(section), Some(name)) => format!("{section}.{name}"),
        (section, name) => section.or(name).unwrap_or_default().to_owned(),
    };
    let message = format!("invalid TOML at line {line}, column {column}: {problem}; fix it there");
    config_error(key, message)
}
