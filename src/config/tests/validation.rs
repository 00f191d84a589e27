//! The checks of each section's values.

use super::*;

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
    let says = r#""chatt" is not a Glimesh scope; did you mean "chat"? (valid scopes: public, "#;
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
fn file_paths_must_not_be_empty() {
    let says = "is empty; set a file path, or remove it for the default";
    assert_refused(
        &with("auth", r#"token_path = """#),
        &[],
        "auth.token_path",
        says,
    );
    assert_refused(&with("state", r#"path = """#), &[], "state.path", says);
    let env = [("GLIMBOT_STATE_PATH", "/tmp/bot.sqlite3")];
    let config = Config::from_toml(MINIMAL, env_of(&env)).unwrap();
    assert_eq!(config.state.path, Some("/tmp/bot.sqlite3".into()));
}

#[test]
fn resume_ages_must_be_seconds_of_zero_or_more() {
    let says = "-1 is not a number of seconds of 0 or more; e.g. max_age = 600";
    assert_refused(&with("resume", "max_age = -1"), &[], "resume.max_age", says);
    let env = [("GLIMBOT_RESUME_CHECKPOINT", "0.25")];
    let config = Config::from_toml(MINIMAL, env_of(&env)).unwrap();
    assert_eq!(
        config.resume.checkpoint,
        std::time::Duration::from_millis(250)
    );
}
