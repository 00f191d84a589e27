//! The bot binaries as a newcomer runs them: dev mode from a pipe, saved state, bad configs.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs a bot binary in `dir` with `input` on stdin and its data directory inside `dir`.
fn run_bot(bin: &str, dir: &Path, args: &[&str], input: &str, env: &[(&str, &Path)]) -> Output {
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("HOME", dir)
        .env_remove("RUST_LOG")
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    wait(child)
}

/// Waits for the process, and kills it if it runs for more than a minute.
fn wait(child: std::process::Child) -> Output {
    let id = child.id();
    let (done, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output()));
    match output.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            // Not reaped yet, so the id still names our child.
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("the bot did not finish within a minute");
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const MYBOT: &str = env!("CARGO_BIN_EXE_mybot");
const QUOTEBOT: &str = env!("CARGO_BIN_EXE_quotebot");

#[test]
fn without_a_config_the_bot_answers_in_a_local_glimesh() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_bot(MYBOT, dir.path(), &[], "!ping\n", &[]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("No config.toml here"), "{stderr}");
    assert!(stdout.contains("[streamer] viewer: !ping"), "{stdout}");
    assert!(
        stdout.contains("[streamer] glimbot: @viewer pong"),
        "{stdout}"
    );

    // The dev login saved its token like any other, owner-only, under the data directory.
    let clients = std::fs::read_dir(dir.path().join("data/glimbot")).unwrap();
    let token = clients
        .map(|c| c.unwrap().path().join("token.json"))
        .next()
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&token).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn dev_mode_wins_over_an_existing_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "this is not even TOML").unwrap();
    let output = run_bot(
        MYBOT,
        dir.path(),
        &["--dev"],
        "/as streamer\n!shoutout glimfan\n",
        &[],
    );
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains("glimbot: Go check out glimfan, they're great!"),
        "{stdout}"
    );
}

#[test]
fn the_quote_bot_keeps_its_quotes_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let quotes = dir.path().join("quotes.json");
    let env = [("QUOTES_FILE", quotes.as_path())];
    let first = run_bot(
        QUOTEBOT,
        dir.path(),
        &[],
        "!addquote not allowed\n/as streamer\n!addquote Stay hydrated\n",
        &env,
    );
    assert!(
        text(&first.stdout).contains("@streamer saved as quote #1"),
        "{}",
        text(&first.stdout)
    );

    let second = run_bot(QUOTEBOT, dir.path(), &[], "!quote 1\n", &env);
    let stdout = text(&second.stdout);
    assert!(stdout.contains("glimbot: #1: Stay hydrated"), "{stdout}");
    assert!(
        !stdout.contains("not allowed\n[streamer] glimbot"),
        "viewers cannot add quotes: {stdout}"
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
    run_bot(MYBOT, dir.path(), &["--dev"], "", &[]);
    let saved = |dir: &Path| {
        walk(&dir.join("data"))
            .into_iter()
            .any(|p| p.ends_with("token.json"))
    };
    assert!(saved(dir.path()));
    let output = run_bot(MYBOT, dir.path(), &["--dev", "--logout"], "", &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(!saved(dir.path()));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            if e.path().is_dir() {
                walk(&e.path())
            } else {
                vec![e.path()]
            }
        })
        .collect()
}

#[test]
fn a_shoutout_to_an_empty_name_answers_with_the_usage() {
    let dir = tempfile::tempdir().unwrap();
    let input = "/as streamer\n!shoutout \"\"\"\"\n!shoutout someone\n";
    let output = run_bot(MYBOT, dir.path(), &[], input, &[]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains("glimbot: @streamer who? !shoutout <user>"),
        "{stdout}"
    );
    assert!(!stdout.contains("check out ,"), "{stdout}");
    assert!(
        stdout.contains("glimbot: Go check out someone, they're great!"),
        "{stdout}"
    );
}
