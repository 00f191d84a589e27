//! The configuration: `config.toml`, with every key overridable from the environment as
//! `GLIMBOT_<SECTION>_<KEY>`.
//!
//! The file is read as a plain TOML table and walked against a table of the keys rather than
//! deserialized with serde, so that every mistake names its exact dotted key, unknown keys get a
//! "did you mean", and values from the environment go through the same checks as the file's.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use toml::{Table, Value};
use url::{Host, Url};

use crate::auth::Flow;
use crate::auth::oauth::SCOPES as GLIMESH_SCOPES;
use crate::error::{Error, Result};
use crate::secret::Secret;

const SECTIONS: [&str; 4] = ["glimesh", "bot", "auth", "sending"];
const DEFAULT_SCOPES: [&str; 2] = ["public", "chat"];
const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:8910/callback";
const DEFAULT_PREFIX: &str = "!";
const DEFAULT_PER_SECOND: f64 = 1.0;
const DEFAULT_BURST: u32 = 3;

/// Everything a bot needs to know before it connects.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The Glimesh instance and the OAuth application.
    pub glimesh: GlimeshConfig,
    /// What the bot does in chat.
    pub bot: BotConfig,
    /// How the bot logs in.
    pub auth: AuthConfig,
    /// How fast the bot may send.
    pub sending: SendingConfig,
}

/// The `[glimesh]` section: where the instance is and who the bot's application is.
#[derive(Debug, Clone, PartialEq)]
pub struct GlimeshConfig {
    /// The instance's base URL; the API, OAuth and socket paths are joined to it.
    pub base_url: Url,
    /// The OAuth application's client id.
    pub client_id: String,
    /// The OAuth application's client secret; only the client credentials flow needs it.
    pub client_secret: Option<Secret>,
    /// Where the browser returns after login: https, or http on a loopback address.
    pub redirect_uri: Url,
    /// The OAuth scopes to request.
    pub scopes: Vec<String>,
}

/// The `[bot]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct BotConfig {
    /// The usernames of the streamers whose chats the bot joins.
    pub channels: Vec<String>,
    /// What a chat message starts with to be a command.
    pub prefix: String,
}

/// The `[auth]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthConfig {
    /// How the bot gets its token.
    pub flow: Flow,
    /// Where the token is saved; `None` leaves the choice to the token store.
    pub token_path: Option<PathBuf>,
}

/// The `[sending]` section: the rate limit of outgoing chat messages.
#[derive(Debug, Clone, PartialEq)]
pub struct SendingConfig {
    /// Messages per second per channel, in the long run.
    pub per_second: f64,
    /// How many messages may go out at once before the rate applies.
    pub burst: u32,
}

/// One key of the file, and what to tell a person who gets it wrong.
#[derive(Clone, Copy)]
struct Key {
    section: &'static str,
    name: &'static str,
    /// What belongs there, completing "expected …" and "set it to …".
    wants: &'static str,
    /// A valid value as written in TOML.
    example: &'static str,
}

impl Key {
    fn path(&self) -> String {
        format!("{}.{}", self.section, self.name)
    }

    fn env_var(&self) -> String {
        format!("GLIMBOT_{}_{}", self.section, self.name).to_uppercase()
    }

    fn error(&self, message: impl Into<String>) -> Error {
        config_error(self.path(), message)
    }

    fn missing(&self) -> Error {
        let (wants, var) = (self.wants, self.env_var());
        self.error(format!("missing; set it to {wants} (or {var})"))
    }

    fn wrong_type(&self, found: &str) -> Error {
        let (wants, name, example) = (self.wants, self.name, self.example);
        self.error(format!(
            "expected {wants}, e.g. {name} = {example}; found {found}"
        ))
    }
}

/// The keys of the file, one row each.
#[rustfmt::skip]
mod keys {
    use super::Key;

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

    /// Every key, in the order they are checked.
    pub(super) const ALL: [Key; 11] = [
        BASE_URL, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPES,
        CHANNELS, PREFIX, FLOW, TOKEN_PATH, PER_SECOND, BURST,
    ];
}

impl Config {
    /// Reads a file and applies the process environment.
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read (its `key` is then the path) or any value
    /// in it or in the environment is missing or wrong.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let shown = path.display();
            let message = match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("no such file; copy config.example.toml to {shown} and edit it")
                }
                _ => format!("cannot read it: {e}"),
            };
            config_error(shown.to_string(), message)
        })?;
        let names = std::env::vars_os().map(|(name, _)| name.to_string_lossy().into_owned());
        check_variable_names(names)?;
        // A variable that is not Unicode is kept (mangled) rather than ignored, so that it fails
        // a check instead of silently leaving the file's value in force.
        let env = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        Self::from_toml(&text, env)
    }

    /// Parses TOML text with variables from `env` (a lookup function), for tests and for callers
    /// with their own environment.
    ///
    /// # Errors
    /// [`Error::Config`] naming the first key that is unknown, missing or wrong, with the fix.
    pub fn from_toml(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let table: Table = text.parse().map_err(|e| syntax_error(text, &e))?;
        let mut given = file_values(table)?;
        for key in keys::ALL {
            let var = key.env_var();
            if let Some(text) = env(&var) {
                given.insert((key.section, key.name), Raw::Env { var, text });
            }
        }
        let values = Values(given);
        build(&values).map_err(|e| values.name_variable(e))
    }
}

/// Refuses a `GLIMBOT_` variable that names no key: a misspelt one would otherwise be ignored
/// and leave the file's value in force.
fn check_variable_names(names: impl IntoIterator<Item = String>) -> Result<()> {
    let valid: Vec<String> = keys::ALL.iter().map(Key::env_var).collect();
    let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
    for name in names {
        if name.starts_with("GLIMBOT_") && !valid.contains(&name.as_str()) {
            let hint = suggestion(&name, &valid, ("`", "`"), "variables");
            return Err(config_error(name, format!("no such setting; {hint}")));
        }
    }
    Ok(())
}

/// A value before it is checked, and where it came from.
enum Raw {
    File(Value),
    Env { var: String, text: String },
}

/// The values given, by section and key name.
struct Values(BTreeMap<(&'static str, &'static str), Raw>);

fn file_values(table: Table) -> Result<BTreeMap<(&'static str, &'static str), Raw>> {
    let mut values = BTreeMap::new();
    for (section, body) in table {
        if !SECTIONS.contains(&section.as_str()) {
            let hint = suggestion(&section, &SECTIONS, ("`[", "]`"), "sections");
            return Err(config_error(section, format!("unknown section; {hint}")));
        }
        let Value::Table(body) = body else {
            let message = format!("expected a section [{section}]; found {}", found(&body));
            return Err(config_error(section, message));
        };
        let in_section = || keys::ALL.into_iter().filter(|k| k.section == section);
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
    fn get(&self, key: &Key) -> Option<&Raw> {
        self.0.get(&(key.section, key.name))
    }

    fn string(&self, key: &Key) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Raw::Env { text, .. } | Raw::File(Value::String(text))) => Ok(Some(text.clone())),
            Some(Raw::File(other)) => Err(key.wrong_type(found(other))),
        }
    }

    fn list(&self, key: &Key) -> Result<Option<Vec<String>>> {
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

    fn number(&self, key: &Key) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Raw::Env { var, text }) => parse_env(key, var, text, "a number").map(Some),
            Some(Raw::File(Value::Float(x))) => Ok(Some(*x)),
            // `per_second = 2` means 2.0, not a type error.
            Some(Raw::File(Value::Integer(n))) => Ok(Some(*n as f64)),
            Some(Raw::File(other)) => Err(key.wrong_type(found(other))),
        }
    }

    fn integer(&self, key: &Key) -> Result<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Raw::Env { var, text }) => parse_env(key, var, text, "a whole number").map(Some),
            Some(Raw::File(Value::Integer(n))) => Ok(Some(*n)),
            Some(Raw::File(other)) => Err(key.wrong_type(found(other))),
        }
    }

    /// Names the variable in an error about a value from the environment: a person reading
    /// the error would otherwise look for the value in the file.
    fn name_variable(&self, error: Error) -> Error {
        let Error::Config { key, message } = error else {
            return error;
        };
        let var = keys::ALL
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

fn build(values: &Values) -> Result<Config> {
    let glimesh = glimesh(values)?;
    let auth = auth(values)?;
    if auth.flow == Flow::ClientCredentials && glimesh.client_secret.is_none() {
        return Err(keys::CLIENT_SECRET.error(format!(
            "missing; the client_credentials flow needs it: set {} (or client_secret in [glimesh])",
            keys::CLIENT_SECRET.env_var()
        )));
    }
    Ok(Config {
        glimesh,
        bot: bot(values)?,
        auth,
        sending: sending(values)?,
    })
}

fn glimesh(values: &Values) -> Result<GlimeshConfig> {
    use keys::{BASE_URL, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPES};
    let base_url = values
        .string(&BASE_URL)?
        .ok_or_else(|| BASE_URL.missing())?;
    let base_url = web_url(&BASE_URL, &base_url)?;
    let client_id = values
        .string(&CLIENT_ID)?
        .ok_or_else(|| CLIENT_ID.missing())?;
    if client_id.trim().is_empty() {
        return Err(CLIENT_ID.error("is empty; set it to your application's client id"));
    }
    // Checked without ever putting the value in a message.
    let client_secret = values.string(&CLIENT_SECRET)?;
    if client_secret
        .as_deref()
        .is_some_and(|s| s.trim().is_empty())
    {
        return Err(CLIENT_SECRET.error("is empty; set it to the client secret or remove it"));
    }
    let redirect_uri = values.string(&REDIRECT_URI)?;
    let redirect_uri = redirect_url(redirect_uri.as_deref().unwrap_or(DEFAULT_REDIRECT_URI))?;
    let scopes = values.list(&SCOPES)?;
    let scopes = scopes.unwrap_or_else(|| DEFAULT_SCOPES.map(String::from).into());
    if let Some(bad) = scopes
        .iter()
        .find(|s| !GLIMESH_SCOPES.contains(&s.as_str()))
    {
        let hint = suggestion(bad, &GLIMESH_SCOPES, ("\"", "\""), "scopes");
        return Err(SCOPES.error(format!("{bad:?} is not a Glimesh scope; {hint}")));
    }
    Ok(GlimeshConfig {
        base_url,
        client_id,
        client_secret: client_secret.map(Secret::new),
        redirect_uri,
        scopes,
    })
}

fn bot(values: &Values) -> Result<BotConfig> {
    use keys::{CHANNELS, PREFIX};
    let channels = values.list(&CHANNELS)?.ok_or_else(|| CHANNELS.missing())?;
    if channels.is_empty() || channels.iter().any(|c| c.trim().is_empty()) {
        return Err(CHANNELS.error(format!(
            "needs one or more streamer usernames, none empty, e.g. channels = {}",
            CHANNELS.example
        )));
    }
    let prefix = values
        .string(&PREFIX)?
        .unwrap_or_else(|| DEFAULT_PREFIX.into());
    if prefix.is_empty() || prefix.contains(char::is_whitespace) {
        return Err(PREFIX.error(format!(
            "{prefix:?} cannot start a command; use characters without spaces, e.g. prefix = \"!\""
        )));
    }
    Ok(BotConfig { channels, prefix })
}

fn auth(values: &Values) -> Result<AuthConfig> {
    let flow = match values.string(&keys::FLOW)?.as_deref() {
        None | Some("authorization_code") => Flow::AuthorizationCode,
        Some("client_credentials") => Flow::ClientCredentials,
        Some(other) => {
            return Err(keys::FLOW.error(format!(
                "{other:?} is not a login flow; use \"authorization_code\" (a person logs in \
                 once in a browser) or \"client_credentials\" (the application itself, read-only)"
            )));
        }
    };
    let token_path = values.string(&keys::TOKEN_PATH)?;
    if token_path.as_deref() == Some("") {
        let message = "is empty; set a file path, or remove it for the default";
        return Err(keys::TOKEN_PATH.error(message));
    }
    Ok(AuthConfig {
        flow,
        token_path: token_path.map(PathBuf::from),
    })
}

fn sending(values: &Values) -> Result<SendingConfig> {
    use keys::{BURST, PER_SECOND};
    let per_second = values.number(&PER_SECOND)?.unwrap_or(DEFAULT_PER_SECOND);
    if !(per_second.is_finite() && per_second > 0.0) {
        return Err(PER_SECOND.error(format!(
            "{per_second} is not a positive rate; set messages per second per channel, \
             e.g. per_second = 1.0 (0.5 is one every two seconds)"
        )));
    }
    let burst = match values.integer(&BURST)? {
        None => DEFAULT_BURST,
        Some(n) => u32::try_from(n).ok().filter(|&n| n >= 1).ok_or_else(|| {
            BURST.error(format!(
                "{n} is not a whole number of at least 1; e.g. burst = 3"
            ))
        })?,
    };
    Ok(SendingConfig { per_second, burst })
}

/// An `http` or `https` URL with a host: nothing else reaches a server.
fn web_url(key: &Key, text: &str) -> Result<Url> {
    let example = key.example;
    let url = Url::parse(text)
        .map_err(|_| key.error(format!("{text:?} is not a URL; use e.g. {example}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(key.error(format!(
            "{text:?} is not an http or https URL with a host; use e.g. {example}"
        )));
    }
    Ok(url)
}

/// The bot itself listens on the redirect URI, and the authorization code arrives in its query:
/// plain http is only safe when the browser never leaves the machine (RFC 8252, section 8.3).
fn redirect_url(text: &str) -> Result<Url> {
    let url = web_url(&keys::REDIRECT_URI, text)?;
    let loopback = match url.host() {
        Some(Host::Domain(domain)) => domain == "localhost",
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    };
    if url.scheme() == "http" && !loopback {
        return Err(keys::REDIRECT_URI.error(
            "http is only allowed for loopback addresses (127.0.0.1, localhost, [::1]); \
             use https or a loopback address",
        ));
    }
    Ok(url)
}

/// "did you mean `prefix`? (valid keys in [bot]: channels, prefix)": names the valid name
/// nearest to `word` (between `quotes`) when one is near enough to be what was meant.
fn suggestion(word: &str, valid: &[&str], quotes: (&str, &str), what: &str) -> String {
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

fn found(value: &Value) -> &'static str {
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

fn config_error(key: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Config {
        key: key.into(),
        message: message.into(),
    }
}

/// Names the line, the column and the key on that line, but never quotes the line itself as
/// toml's `Display` does: it may be the one holding the client secret.
fn syntax_error(text: &str, error: &toml::de::Error) -> Error {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    const MINIMAL: &str = r#"
        [glimesh]
        base_url = "http://127.0.0.1:4000"
        client_id = "app"
        [bot]
        channels = ["streamer"]
    "#;
    const SECRET: &str = "s3cr3t-value";

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// The minimal file with `line` added to `section`.
    fn with(section: &str, line: &str) -> String {
        let header = format!("[{section}]");
        if MINIMAL.contains(&header) {
            MINIMAL.replacen(&header, &format!("{header}\n{line}"), 1)
        } else {
            format!("{MINIMAL}{header}\n{line}\n")
        }
    }

    /// Asserts that `text` with `env` is refused on `key` with a message containing `says`, and
    /// returns the message.
    #[track_caller]
    fn assert_refused(text: &str, env: &[(&str, &str)], key: &str, says: &str) -> String {
        match Config::from_toml(text, env_of(env)) {
            Err(Error::Config { key: k, message }) if k == key && message.contains(says) => message,
            other => panic!("expected `{key}` refused with {says:?}, got {other:?}"),
        }
    }

    #[test]
    fn a_full_file_parses_to_the_expected_config() {
        let text = r#"
            [glimesh]
            base_url = "https://glimesh.example.org"
            client_id = "app"
            client_secret = "hunter2"
            redirect_uri = "https://bot.example.org/callback"
            scopes = ["public", "chat", "email"]
            [bot]
            channels = ["streamer", "other"]
            prefix = "?"
            [auth]
            flow = "client_credentials"
            token_path = "/var/lib/bot/token.json"
            [sending]
            per_second = 2
            burst = 5
        "#;
        let expected = Config {
            glimesh: GlimeshConfig {
                base_url: Url::parse("https://glimesh.example.org").unwrap(),
                client_id: "app".into(),
                client_secret: Some(Secret::new("hunter2")),
                redirect_uri: Url::parse("https://bot.example.org/callback").unwrap(),
                scopes: vec!["public".into(), "chat".into(), "email".into()],
            },
            bot: BotConfig {
                channels: vec!["streamer".into(), "other".into()],
                prefix: "?".into(),
            },
            auth: AuthConfig {
                flow: Flow::ClientCredentials,
                token_path: Some("/var/lib/bot/token.json".into()),
            },
            sending: SendingConfig {
                per_second: 2.0,
                burst: 5,
            },
        };
        assert_eq!(Config::from_toml(text, |_| None).unwrap(), expected);
    }

    #[test]
    fn optional_keys_take_their_defaults() {
        let config = Config::from_toml(MINIMAL, |_| None).unwrap();
        assert_eq!(config.glimesh.client_secret, None);
        assert_eq!(config.glimesh.redirect_uri.as_str(), DEFAULT_REDIRECT_URI);
        assert_eq!(config.glimesh.scopes, ["public", "chat"]);
        assert_eq!(config.bot.prefix, "!");
        assert_eq!(config.auth.flow, Flow::AuthorizationCode);
        assert_eq!(config.auth.token_path, None);
        assert_eq!(
            config.sending,
            SendingConfig {
                per_second: 1.0,
                burst: 3
            }
        );
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let text = with("glimesh", r#"client_secret = "from-file""#);
        let env = env_of(&[
            ("GLIMBOT_GLIMESH_CLIENT_SECRET", "from-env"),
            ("GLIMBOT_BOT_CHANNELS", " one ,two,three "),
            ("GLIMBOT_SENDING_PER_SECOND", "0.5"),
            ("GLIMBOT_SENDING_BURST", "10"),
        ]);
        let config = Config::from_toml(&text, env).unwrap();
        assert_eq!(config.glimesh.client_secret, Some(Secret::new("from-env")));
        assert_eq!(config.bot.channels, ["one", "two", "three"]);
        assert_eq!(
            config.sending,
            SendingConfig {
                per_second: 0.5,
                burst: 10
            }
        );
    }

    #[test]
    fn an_env_value_that_does_not_parse_names_the_variable_and_the_key() {
        let env = [("GLIMBOT_SENDING_BURST", "lots")];
        let says = r#"GLIMBOT_SENDING_BURST="lots" is not a whole number"#;
        let message = assert_refused(MINIMAL, &env, "sending.burst", says);
        assert!(
            message.ends_with("e.g. GLIMBOT_SENDING_BURST=3"),
            "{message}"
        );
        let env = [("GLIMBOT_GLIMESH_BASE_URL", "nope")];
        let says = "(set by GLIMBOT_GLIMESH_BASE_URL)";
        assert_refused(MINIMAL, &env, "glimesh.base_url", says);
    }

    #[test]
    fn an_unknown_key_suggests_the_nearest_valid_one() {
        let says = "unknown key; did you mean `prefix`? (valid keys in [bot]: channels, prefix)";
        assert_refused(&with("bot", r#"prefx = "?""#), &[], "bot.prefx", says);
        let says = "unknown key; valid keys in [auth]: flow, token_path";
        assert_refused(&with("auth", "colour = 3"), &[], "auth.colour", says);
    }

    #[test]
    fn a_misspelt_variable_is_refused_with_the_nearest_valid_name() {
        let names = ["PATH", "GLIMBOT_BOT_CHANELS", "GLIMBOT_BOT_PREFIX"].map(String::from);
        let Err(Error::Config { key, message }) = check_variable_names(names) else {
            panic!("a misspelt variable was accepted");
        };
        assert_eq!(key, "GLIMBOT_BOT_CHANELS");
        assert!(
            message.contains("did you mean `GLIMBOT_BOT_CHANNELS`?"),
            "{message}"
        );
        let valid = ["HOME", "GLIMBOT_SENDING_BURST"].map(String::from);
        assert!(check_variable_names(valid).is_ok());
    }

    #[test]
    fn an_unknown_section_suggests_the_nearest_valid_one() {
        let text = MINIMAL.replace("[glimesh]", "[glimsh]");
        let says = "unknown section; did you mean `[glimesh]`? (valid sections: glimesh, bot, ";
        assert_refused(&text, &[], "glimsh", says);
    }

    #[test]
    fn a_value_of_the_wrong_type_says_what_was_expected() {
        let text = MINIMAL.replace(r#"["streamer"]"#, r#""streamer""#);
        let says = "expected a list of streamer usernames, e.g. channels = [\"streamer\"]; \
                    found a string";
        assert_refused(&text, &[], "bot.channels", says);
        let says = "e.g. burst = 3; found a decimal number";
        assert_refused(&with("sending", "burst = 2.5"), &[], "sending.burst", says);
    }

    #[test]
    fn a_missing_required_key_says_how_to_set_it() {
        let text = MINIMAL.replace(r#"client_id = "app""#, "");
        let says = "missing; set it to your application's client id (or GLIMBOT_GLIMESH_CLIENT_ID)";
        assert_refused(&text, &[], "glimesh.client_id", says);
    }

    #[test]
    fn base_url_must_be_an_http_url_with_a_host() {
        for bad in ["foo", "ftp://glimesh.example.org", "localhost:4000"] {
            let text = MINIMAL.replace("http://127.0.0.1:4000", bad);
            let says = r#"; use e.g. "https://glimesh.example.org""#;
            let message = assert_refused(&text, &[], "glimesh.base_url", says);
            assert!(message.starts_with(&format!("{bad:?} is not")), "{message}");
        }
    }

    #[test]
    fn an_http_redirect_uri_must_be_on_loopback() {
        let text = with("glimesh", r#"redirect_uri = "http://bot.example.org/cb""#);
        let says = "http is only allowed for loopback addresses (127.0.0.1, localhost, [::1]); \
                    use https or a loopback address";
        assert_refused(&text, &[], "glimesh.redirect_uri", says);
        for good in [
            "https://bot.example.org/cb",
            "http://localhost:0/cb",
            "http://[::1]:1/cb",
        ] {
            let text = with("glimesh", &format!("redirect_uri = {good:?}"));
            let config = Config::from_toml(&text, |_| None).unwrap();
            assert_eq!(config.glimesh.redirect_uri.as_str(), good);
        }
    }

    #[test]
    fn channels_must_be_a_non_empty_list_of_non_empty_names() {
        let says = r#"e.g. channels = ["streamer"]"#;
        let text = MINIMAL.replace(r#"["streamer"]"#, "[]");
        assert_refused(&text, &[], "bot.channels", says);
        assert_refused(
            MINIMAL,
            &[("GLIMBOT_BOT_CHANNELS", "a,,b")],
            "bot.channels",
            says,
        );
    }

    #[test]
    fn an_unknown_scope_is_refused_with_the_valid_ones() {
        let text = with("glimesh", r#"scopes = ["public", "chatt"]"#);
        let says =
            r#""chatt" is not a Glimesh scope; did you mean "chat"? (valid scopes: public, "#;
        assert_refused(&text, &[], "glimesh.scopes", says);
    }

    #[test]
    fn an_unknown_flow_is_refused() {
        let env = [("GLIMBOT_AUTH_FLOW", "password")];
        let says = r#""password" is not a login flow; use "authorization_code""#;
        assert_refused(MINIMAL, &env, "auth.flow", says);
    }

    #[test]
    fn the_client_credentials_flow_needs_the_client_secret() {
        let text = with("auth", r#"flow = "client_credentials""#);
        let says = "the client_credentials flow needs it: set GLIMBOT_GLIMESH_CLIENT_SECRET";
        assert_refused(&text, &[], "glimesh.client_secret", says);
    }

    #[test]
    fn the_rate_must_be_positive_and_the_burst_at_least_one() {
        for rate in ["0", "-1", "inf", "NaN"] {
            let env = [("GLIMBOT_SENDING_PER_SECOND", rate)];
            assert_refused(MINIMAL, &env, "sending.per_second", "e.g. per_second = 1.0");
        }
        for burst in ["0", "-3", "5000000000"] {
            let text = with("sending", &format!("burst = {burst}"));
            assert_refused(&text, &[], "sending.burst", "at least 1; e.g. burst = 3");
        }
    }

    #[test]
    fn a_prefix_must_be_non_empty_without_whitespace() {
        for bad in ["", "! "] {
            let env = [("GLIMBOT_BOT_PREFIX", bad)];
            assert_refused(MINIMAL, &env, "bot.prefix", r#"e.g. prefix = "!""#);
        }
    }

    #[test]
    fn a_syntax_error_names_the_line_column_and_nearest_key() {
        let text = with("sending", "burst = 3x");
        let says = "invalid TOML at line 8, column 9: string values must be quoted";
        assert_refused(&text, &[], "sending.burst", says);
    }

    #[test]
    fn the_example_file_parses_with_an_empty_environment() {
        let config = Config::from_toml(include_str!("../config.example.toml"), |_| None).unwrap();
        assert_eq!(config.glimesh.base_url.as_str(), "http://127.0.0.1:4000/");
        assert_eq!(config.bot.channels, ["streamer"]);
    }

    #[test]
    fn no_error_or_debug_output_shows_the_client_secret() {
        let lines = [
            format!(r#"client_secret = "{SECRET}"#),
            format!("client_secret = {SECRET}"),
            format!(r#"client_secret = "{SECRET}" junk"#),
            format!(r#"client_secret = """{SECRET}"#),
            format!("client_secret = \"{SECRET}\"\nclient_secret = \"again\""),
            format!("client_secret = \"{SECRET}\"\nscopes = 3"),
        ];
        for line in &lines {
            let error = Config::from_toml(&with("glimesh", line), |_| None).unwrap_err();
            assert!(!format!("{error} {error:?}").contains(SECRET), "{error}");
        }
        let env = [("GLIMBOT_GLIMESH_CLIENT_SECRET", SECRET)];
        let config = Config::from_toml(MINIMAL, env_of(&env)).unwrap();
        assert!(!format!("{config:?}").contains(SECRET));
    }

    #[test]
    fn load_reads_a_file_and_explains_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let Err(Error::Config { key, message }) = Config::load(&path) else {
            panic!("a missing file must be an error");
        };
        assert_eq!(key, path.display().to_string());
        assert!(message.contains("no such file; copy config.example.toml to"));
        std::fs::write(&path, MINIMAL).unwrap();
        assert_eq!(Config::load(&path).unwrap().glimesh.client_id, "app");
    }

    proptest! {
        #[test]
        fn from_toml_never_panics_on_any_text(text in any::<String>()) {
            let _ = Config::from_toml(&text, |_| None);
        }

        #[test]
        fn from_toml_never_panics_on_near_valid_input(
            section in prop::sample::select(SECTIONS.to_vec()),
            line in r#"[a-z_]{1,14} = ("[^"\n]{0,12}"|-?[0-9.e]{1,6}|\[.{0,10}\]|.{0,8})"#,
            var in "GLIMBOT_(GLIMESH|BOT|AUTH|SENDING)_[A-Z_]{1,14}",
            value in ".{0,12}",
        ) {
            let _ = Config::from_toml(&with(section, &line), env_of(&[(&var, &value)]));
        }
    }
}
