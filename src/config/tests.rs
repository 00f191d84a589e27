#![allow(clippy::unwrap_used)]

mod filters;
mod mistakes;
mod validation;

use proptest::prelude::*;

use super::keys::SECTIONS;
use super::validate::DEFAULT_REDIRECT_URI;
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
        [metrics]
        listen = "127.0.0.1:9464"
        [state]
        path = "/var/lib/bot/state.sqlite3"
        [resume]
        checkpoint = 0.5
        max_age = 3600
        command_max_age = 30
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
        metrics: MetricsConfig {
            listen: Some("127.0.0.1:9464".into()),
        },
        state: StateConfig {
            path: Some("/var/lib/bot/state.sqlite3".into()),
        },
        resume: ResumeConfig {
            checkpoint: std::time::Duration::from_millis(500),
            max_age: std::time::Duration::from_secs(3600),
            command_max_age: std::time::Duration::from_secs(30),
        },
        commands: Vec::new(),
        timers: Vec::new(),
        filters: FiltersConfig::default(),
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
    assert_eq!(config.state.path, None);
    assert_eq!(config.resume, ResumeConfig::default());
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
fn the_example_file_parses_with_an_empty_environment() {
    let config = Config::from_toml(include_str!("../../config.example.toml"), |_| None).unwrap();
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
