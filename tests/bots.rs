//! The bot binaries as a newcomer runs them: dev mode from a pipe, saved state, bad configs.
//! What the bots answer is tested beside them, on `glimbot::testing` (`cargo test --bins`).
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Runs a bot binary in `dir` with `input` on stdin and its data directory inside `dir`.
fn run_bot(bin: &str, dir: &Path, args: &[&str], input: &str, env: &[(&str, &Path)]) -> Output {
    run_bot_within(Duration::from_secs(60), bin, dir, args, input, env)
}

/// As [`run_bot`], killing the bot if it runs for longer than `limit`.
fn run_bot_within(
    limit: Duration,
    bin: &str,
    dir: &Path,
    args: &[&str],
    input: &str,
    env: &[(&str, &Path)],
) -> Output {
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
    wait(child, limit)
}

/// Waits for the process, and kills it if it runs for more than `limit`.
fn wait(child: std::process::Child, limit: Duration) -> Output {
    let id = child.id();
    let (done, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output()));
    match output.recv_timeout(limit) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            // Not reaped yet, so the id still names our child.
            let _ = Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
            panic!("the bot did not finish within {limit:?}");
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
    assert_eq!(
        stdout.matches("[streamer] glimbot: @viewer pong").count(),
        1,
        "each chat line is printed once: {stdout}"
    );
    // Each local Glimesh is a new world: a token saved from it would be refused next time.
    assert_eq!(walk(dir.path()), Vec::<std::path::PathBuf>::new());
}

#[test]
fn two_dev_runs_in_one_data_directory_print_no_warning() {
    let dir = tempfile::tempdir().unwrap();
    for run in 0..2 {
        let output = run_bot(MYBOT, dir.path(), &["--dev"], "!ping\n", &[]);
        let stderr = text(&output.stderr);
        assert!(output.status.success(), "run {run}: {stderr}");
        assert!(!stderr.contains("WARN"), "run {run}: {stderr}");
        let stdout = text(&output.stdout);
        assert_eq!(
            stdout.matches("glimbot: @viewer pong").count(),
            1,
            "{stdout}"
        );
    }
}

#[test]
fn a_follow_from_a_pipe_is_thanked_before_the_bot_stops_every_time() {
    for input in ["/follow\n", "/as streamer\n/follow\n"] {
        let who = if input.starts_with("/as") {
            "streamer"
        } else {
            "viewer"
        };
        for run in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let limit = Duration::from_secs(5);
            let output = run_bot_within(limit, MYBOT, dir.path(), &[], input, &[]);
            let stdout = text(&output.stdout);
            assert!(
                output.status.success(),
                "{input:?} run {run}: {}",
                text(&output.stderr)
            );
            assert!(
                stdout.contains(&format!("[streamer] {who} just followed the stream!\n"))
                    && stdout.contains(&format!("glimbot: Thanks for the follow, {who}!")),
                "{input:?} run {run}: {stdout}"
            );
        }
    }
}

#[test]
fn a_new_title_from_dev_mode_is_shown_and_reaches_the_bot() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_bot(MYBOT, dir.path(), &[], "/title Speedrun <3\n!ping\n", &[]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains("[streamer] (the title is now: Speedrun <3)"),
        "{stdout}"
    );
}

#[test]
fn help_and_version_describe_the_bot() {
    let dir = tempfile::tempdir().unwrap();
    let help = text(&run_bot(QUOTEBOT, dir.path(), &["--help"], "", &[]).stdout);
    assert!(
        help.starts_with("Tells saved quotes; moderators add them\n"),
        "{help}"
    );
    assert!(help.contains("Usage: quotebot"), "{help}");
    assert!(
        help.contains("--config <PATH>") && help.contains("--dev"),
        "{help}"
    );
    let version = text(&run_bot(MYBOT, dir.path(), &["--version"], "", &[]).stdout);
    assert_eq!(version, format!("mybot {}\n", env!("CARGO_PKG_VERSION")));
}

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

/// Runs the quote bot in dev mode with an old quotes file at `old_file` (under `dir`), and
/// checks that it tells the file's quotes and leaves the file as it was.
fn assert_old_quotes_told(
    dir: &std::path::Path,
    old_file: &std::path::Path,
    env: &[(&str, &std::path::Path)],
) {
    std::fs::create_dir_all(old_file.parent().unwrap()).unwrap();
    let old_text = r#"["Stay hydrated", "Stretch"]"#;
    std::fs::write(old_file, old_text).unwrap();
    let output = run_bot(QUOTEBOT, dir, &[], "!quote 2\n", env);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("glimbot: #2: Stretch"), "{stdout}");
    assert_eq!(std::fs::read_to_string(old_file).unwrap(), old_text);
}

#[test]
fn the_quote_bot_imports_the_file_quotes_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let old_file = dir.path().join("quotes.json");
    assert_old_quotes_told(
        dir.path(),
        &old_file,
        &[("QUOTES_FILE", old_file.as_path())],
    );
}

#[test]
fn the_quote_bot_imports_the_quotes_file_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let old_file = dir.path().join("data/glimbot/quotebot/quotes.json");
    assert_old_quotes_told(dir.path(), &old_file, &[]);
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
