//! The bot binaries with a configuration file: every mistake refused naming its key before
//! anything happens, and a logout that forgets the saved token.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{run_bot, text};

const MYBOT: &str = env!("CARGO_BIN_EXE_mybot");

#[test]
fn a_missing_explicit_config_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_bot(
        MYBOT,
        dir.path(),
        &["--config", "prod.toml"],
        "!ping\n",
        &[],
    );
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("`prod.toml`: no such file"), "{stderr}");
    assert!(
        output.stdout.is_empty(),
        "no dev mode: {}",
        text(&output.stdout)
    );
}

#[test]
fn a_misspelt_variable_is_an_error_naming_the_nearest_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with("prefix", "prefix");
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let value = Path::new("alice");
    let env = [("GLIMBOT_BOT_CHANELS", value)];
    let output = run_bot(MYBOT, dir.path(), &[], "", &env);
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("`GLIMBOT_BOT_CHANELS`")
            && stderr.contains("did you mean `GLIMBOT_BOT_CHANNELS`?"),
        "{stderr}"
    );
}

/// A config that would work, with one line replaced.
fn config_with(replace: &str, with: &str) -> String {
    let good = "[glimesh]\nbase_url = \"http://127.0.0.1:9\"\nclient_id = \"8a6d1f26-0c4b-4a8e-9f3e-3f1c2b7d9e01\"\n\
                redirect_uri = \"http://127.0.0.1:8910/callback\"\n\n[bot]\nchannels = [\"streamer\"]\nprefix = \"!\"\n";
    assert!(good.contains(replace), "{replace}");
    good.replace(replace, with)
}

#[test]
fn every_bad_config_is_refused_naming_the_key_before_anything_happens() {
    let cases = [
        (
            config_with("prefix = \"!\"", "prefx = \"!\""),
            "bot.prefx",
            "did you mean `prefix`",
        ),
        (
            config_with("channels = [\"streamer\"]", "channels = \"streamer\""),
            "bot.channels",
            "list",
        ),
        (
            config_with("client_id = \"8a6d1f26-0c4b-4a8e-9f3e-3f1c2b7d9e01\"\n", ""),
            "glimesh.client_id",
            "missing",
        ),
        (
            config_with(
                "base_url = \"http://127.0.0.1:9\"",
                "base_url = \"not a url\"",
            ),
            "glimesh.base_url",
            "not a URL",
        ),
        (
            config_with(
                "redirect_uri = \"http://127.0.0.1:8910/callback\"",
                "redirect_uri = \"http://bots.example.org/callback\"",
            ),
            "glimesh.redirect_uri",
            "loopback",
        ),
        (
            config_with("channels = [\"streamer\"]", "channels = []"),
            "bot.channels",
            "",
        ),
    ];
    for (config, key, fix) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.toml"), &config).unwrap();
        let output = run_bot(MYBOT, dir.path(), &["--config", "bad.toml"], "", &[]);
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{key}: {stderr}");
        assert!(
            stderr.contains(&format!("`{key}`")) && stderr.contains(fix),
            "{key}: {stderr}"
        );
        assert!(
            !dir.path().join("data").exists(),
            "{key}: nothing was written"
        );
    }
}

#[test]
fn logout_forgets_the_saved_token() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token.json");
    let auth = format!(
        "prefix = \"!\"\n[auth]\ntoken_path = \"{}\"\n",
        token.display()
    );
    let config = config_with("prefix = \"!\"\n", &auth);
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    std::fs::write(&token, "{}").unwrap();
    let output = run_bot(MYBOT, dir.path(), &["--logout"], "", &[]);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("Logged out"), "{stderr}");
    assert!(!token.exists());

    // Dev mode keeps no token, and says so.
    let output = run_bot(MYBOT, dir.path(), &["--dev", "--logout"], "", &[]);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("nothing to forget"), "{stderr}");
}
