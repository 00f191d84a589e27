//! The keys of the file, one row each, and what to tell a person who gets one wrong.

use super::config_error;
use super::diagnostics::suggestion;
use crate::error::{Error, Result};

/// The sections of the file.
pub(super) const SECTIONS: [&str; 7] =
    ["glimesh", "bot", "auth", "sending", "metrics", "state", "resume"];

/// One key of the file, and what to tell a person who gets it wrong.
#[derive(Clone, Copy)]
pub(super) struct Key {
    pub(super) section: &'static str,
    pub(super) name: &'static str,
    /// What belongs there, completing "expected …" and "set it to …".
    pub(super) wants: &'static str,
    /// A valid value as written in TOML.
    pub(super) example: &'static str,
}

impl Key {
    pub(super) fn path(&self) -> String {
        format!("{}.{}", self.section, self.name)
    }

    pub(super) fn env_var(&self) -> String {
        format!("GLIMBOT_{}_{}", self.section, self.name).to_uppercase()
    }

    pub(super) fn error(&self, message: impl Into<String>) -> Error {
        config_error(self.path(), message)
    }

    pub(super) fn missing(&self) -> Error {
        let (wants, var) = (self.wants, self.env_var());
        self.error(format!("missing; set it to {wants} (or {var})"))
    }

    pub(super) fn wrong_type(&self, found: &str) -> Error {
        let (wants, name, example) = (self.wants, self.name, self.example);
        self.error(format!(
            "expected {wants}, e.g. {name} = {example}; found {found}"
        ))
    }
}

pub(super) const BASE_URL: Key = Key { section: "glimesh", name: "base_url",
    wants: "the URL of the Glimesh instance", example: r#""https://glimesh.example.org""# };
pub(super) const CLIENT_ID: Key = Key { section: "glimesh", name: "client_id",
    wants: "your application's client id", example: r#""8a6d1f26-…""# };
pub(super) const CLIENT_SECRET: Key = Key { section: "glimesh", name: "client_secret",
    wants: "your application's client secret", example: r#""…""# };
pub(super) const REDIRECT_URI: Key = Key { section: "glimesh", name: "redirect_uri",
    wants: "the login callback URL", example: r#""http://127.0.0.1:8910/callback""# };
pub(super) const SCOPES: Key = Key { section: "glimesh", name: "scopes",
    wants: "a list of OAuth scopes", example: r#"["public", "chat"]"# };
pub(super) const CHANNELS: Key = Key { section: "bot", name: "channels",
    wants: "a list of streamer usernames", example: r#"["streamer"]"# };
pub(super) const PREFIX: Key = Key { section: "bot", name: "prefix",
    wants: "the command prefix", example: r#""!""# };
pub(super) const FLOW: Key = Key { section: "auth", name: "flow",
    wants: "the login flow", example: r#""authorization_code""# };
pub(super) const TOKEN_PATH: Key = Key { section: "auth", name: "token_path",
    wants: "the token file's path", example: r#""token.json""# };
pub(super) const PER_SECOND: Key = Key { section: "sending", name: "per_second",
    wants: "messages per second per channel", example: "1.0" };
pub(super) const BURST: Key = Key { section: "sending", name: "burst",
    wants: "how many messages may go out at once", example: "3" };
pub(super) const LISTEN: Key = Key { section: "metrics", name: "listen",
    wants: "an IP address and port to serve metrics on", example: r#""127.0.0.1:9464""# };

/// The environment variable of the command line's `--log-format`: not a key of the file, but a
/// `GLIMBOT_` variable all the same.
pub(crate) const LOG_FORMAT_VARIABLE: &str = "GLIMBOT_LOG_FORMAT";

pub(super) const STATE_PATH: Key = Key { section: "state", name: "path",
    wants: "the state file's path", example: r#""state.sqlite3""# };
pub(super) const CHECKPOINT: Key = Key { section: "resume", name: "checkpoint",
    wants: "seconds between resume checkpoints", example: "1.0" };
pub(super) const MAX_AGE: Key = Key { section: "resume", name: "max_age",
    wants: "the age in seconds past which missed messages and follows are not replayed",
    example: "600" };
pub(super) const COMMAND_MAX_AGE: Key = Key { section: "resume", name: "command_max_age",
    wants: "the age in seconds past which replayed commands do not run", example: "60" };

/// Every key, in the order they are checked.
pub(super) const ALL: [Key; 16] = [
    BASE_URL, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPES,
    CHANNELS, PREFIX, FLOW, TOKEN_PATH, PER_SECOND, BURST, LISTEN,
    STATE_PATH, CHECKPOINT, MAX_AGE, COMMAND_MAX_AGE,
];

/// Refuses a `GLIMBOT_` variable that names no key: a misspelt one would otherwise be ignored
/// and leave the file's value in force.
pub(super) fn check_variable_names(names: impl IntoIterator<Item = String>) -> Result<()> {
    let mut valid: Vec<String> = ALL.iter().map(Key::env_var).collect();
    valid.push(LOG_FORMAT_VARIABLE.to_owned());
    let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
    for name in names {
        if name.starts_with("GLIMBOT_") && !valid.contains(&name.as_str()) {
            let hint = suggestion(&name, &valid, ("`", "`"), "variables");
            return Err(config_error(name, format!("no such setting; {hint}")));
        }
    }
    Ok(())
}
