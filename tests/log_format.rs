//! `--log-format json`: the bot binary writes one JSON object per line, with its spans' fields.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Stdio};
use std::time::Instant;

use glimbot::sim::{CLIENT_ID, CLIENT_SECRET};
use serde_json::Value;

/// A read-only bot for the emulator at `base_url`: no login waits for a person.
fn write_config(dir: &std::path::Path, base_url: &str) {
    let config = format!(
        "[glimesh]\nbase_url = \"{base_url}\"\nclient_id = \"{CLIENT_ID}\"\n\
         client_secret = \"{CLIENT_SECRET}\"\n\n[bot]\nchannels = [\"streamer\"]\n\n\
         [auth]\nflow = \"client_credentials\"\ntoken_path = \"{}\"\n",
        dir.join("token.json").display()
    );
    std::fs::write(dir.join("config.toml"), config).unwrap();
}

/// Runs the bot with these log settings until its channel is subscribed, stops it with
/// SIGTERM, and returns every line it wrote to stderr.
fn stderr_of_a_run(args: &[&str], envs: &[(&str, &str)]) -> Vec<String> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(common::sim());
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), sim.url());
    let mut child = Command::new(env!("CARGO_BIN_EXE_mybot"))
        .args(args)
        .env("RUST_LOG", "glimbot=debug")
        .envs(envs.iter().copied())
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = common::stderr_lines(&mut child);
    let mut said = Vec::new();
    let deadline = Instant::now() + common::WAIT;
    while !said
        .iter()
        .any(|l: &String| l.contains("every topic subscribed"))
    {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => said.push(line),
            Err(e) => {
                let _ = child.kill();
                panic!(
                    "the bot never subscribed ({e:?}); it said:\n{}",
                    said.join("\n")
                );
            }
        }
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    // The reader ends when the process closes stderr, at its end.
    loop {
        match lines.recv_timeout(common::WAIT) {
            Ok(line) => said.push(line),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(e) => {
                let _ = child.kill();
                panic!("the bot did not end ({e:?})");
            }
        }
    }
    assert!(child.wait().unwrap().success(), "{}", said.join("\n"));
    said
}

fn json_lines(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

/// The line of the event with this message, and the spans it was in.
fn event<'a>(lines: &'a [Value], message: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["fields"]["message"] == message)
        .unwrap_or_else(|| panic!("no {message:?} in {lines:?}"))
}

#[test]
fn json_logs_are_one_object_a_line_with_the_fields_of_their_spans() {
    // At trace, the socket's handshake would show the token in its URL if it were let through.
    let run = stderr_of_a_run(&["--log-format", "json"], &[("RUST_LOG", "trace")]);
    let lines = json_lines(&run);

    let subscribed = event(&lines, "every topic subscribed");
    assert_eq!(subscribed["level"], "DEBUG");
    let spans = subscribed["spans"].as_array().unwrap();
    assert!(
        spans
            .iter()
            .any(|s| s["name"] == "channel" && s["channel"] == "streamer"),
        "{subscribed}"
    );
    event(&lines, "stopped");
    let text = run.join("\n");
    assert!(
        text.contains("tungstenite"),
        "tungstenite logged nothing at trace"
    );
    assert!(!text.contains("token="), "{text}");
}

#[test]
fn the_environment_chooses_json_logs_too() {
    let lines = stderr_of_a_run(&[], &[("GLIMBOT_LOG_FORMAT", "json")]);

    event(&json_lines(&lines), "every topic subscribed");
}

#[test]
fn logs_are_text_by_default() {
    let lines = stderr_of_a_run(&[], &[]);

    let line = lines
        .iter()
        .find(|l| l.contains("every topic subscribed"))
        .unwrap();
    assert!(serde_json::from_str::<Value>(line).is_err(), "{line}");
    assert!(line.contains("channel{channel=streamer}"), "{line}");
}
