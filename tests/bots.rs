//! The bot binaries as a newcomer runs them: dev mode from a pipe, saved state, help.
//! What the bots answer is tested beside them, on `glimbot::testing` (`cargo test --bins`).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{run_bot, run_bot_within, text};

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
