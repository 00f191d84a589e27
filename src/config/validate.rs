//! The checks of each section's values, and their defaults.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use super::diagnostics::suggestion;
use super::keys::{self, Key};
use super::values::Values;
use super::{
    AuthConfig, BotConfig, Config, FiltersConfig, Flow, GlimeshConfig, MetricsConfig, ResumeConfig,
    SendingConfig, StateConfig,
};
use crate::error::Result;
use crate::protocol::{SCOPES as SCOPES_GLIMESH_KNOWS, is_loopback};
use crate::secret::Secret;

const DEFAULT_SCOPES: [&str; 2] = ["public", "chat"];
pub(super) const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:8910/callback";
const DEFAULT_PREFIX: &str = "!";
const DEFAULT_PER_SECOND: f64 = 1.0;
const DEFAULT_BURST: u32 = 3;

pub(super) fn build(values: &Values) -> Result<Config> {
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
        metrics: MetricsConfig {
            listen: values.string(&keys::LISTEN)?,
        },
        state: state(values)?,
        resume: resume(values)?,
        commands: Vec::new(),
        timers: Vec::new(),
        filters: FiltersConfig::default(),
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
        .find(|s| !SCOPES_GLIMESH_KNOWS.contains(&s.as_str()))
    {
        let hint = suggestion(bad, &SCOPES_GLIMESH_KNOWS, ("\"", "\""), "scopes");
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
    Ok(AuthConfig {
        flow,
        token_path: file_path(values, &keys::TOKEN_PATH)?,
    })
}

fn state(values: &Values) -> Result<StateConfig> {
    Ok(StateConfig {
        path: file_path(values, &keys::STATE_PATH)?,
    })
}

fn resume(values: &Values) -> Result<ResumeConfig> {
    let defaults = ResumeConfig::default();
    Ok(ResumeConfig {
        checkpoint: seconds(values, &keys::CHECKPOINT, defaults.checkpoint)?,
        max_age: seconds(values, &keys::MAX_AGE, defaults.max_age)?,
        command_max_age: seconds(values, &keys::COMMAND_MAX_AGE, defaults.command_max_age)?,
    })
}

/// A duration in seconds, `default` when not given.
fn seconds(values: &Values, key: &Key, default: Duration) -> Result<Duration> {
    let Some(seconds) = values.number(key)? else {
        return Ok(default);
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        let (name, example) = (key.name, key.example);
        key.error(format!(
            "{seconds} is not a number of seconds of 0 or more; e.g. {name} = {example}"
        ))
    })
}

/// A file's path, when one is given; an empty one is a mistake, not the default.
fn file_path(values: &Values, key: &Key) -> Result<Option<PathBuf>> {
    let path = values.string(key)?;
    if path.as_deref() == Some("") {
        return Err(key.error("is empty; set a file path, or remove it for the default"));
    }
    Ok(path.map(PathBuf::from))
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
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(keys::REDIRECT_URI.error(
            "http is only allowed for loopback addresses (127.0.0.1, localhost, [::1]); \
             use https or a loopback address",
        ));
    }
    Ok(url)
}
