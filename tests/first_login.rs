//! A newcomer's first run against a real-looking instance: the bot prints the login address,
//! the person approves it and pastes where the browser went, the token is saved, and the next
//! run logs in with no question asked. All through the real binaries.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Instant;

use common::{Running, http, location_params, param};
use glimbot::sim::WorldInfo;

const PASTE_APP: &str = "3c2f0a51-7d8e-4b6a-9e1f-2a3b4c5d6e7f";

fn start_sim(dir: &std::path::Path) -> (Running, WorldInfo) {
    let world = dir.join("world.toml");
    std::fs::write(
        &world,
        format!(
            "[[apps]]\nname = \"paste\"\nowner = \"glimbot\"\nclient_id = \"{PASTE_APP}\"\n\
             client_secret = \"paste-secret\"\nredirect_uris = [\"https://bots.example.org/callback\"]\n"
        ),
    )
    .unwrap();
    common::start_sim_binary(&[
        "--auto-approve".as_ref(),
        "glimbot".as_ref(),
        "--world".as_ref(),
        world.as_os_str(),
    ])
}

/// Starts the bot; its stderr lines arrive on the receiver, read on a thread of their own.
fn start_bot(dir: &std::path::Path) -> (Running, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mybot"))
        .args(["--config", "config.toml", "--no-browser"])
        .current_dir(dir)
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = common::stderr_lines(&mut child);
    (Running(child), lines)
}

/// Reads the bot's stderr up to the first line that `stop` accepts, waiting at most
/// [`common::WAIT`] in all; returns that line.
fn read_until(stderr: &Receiver<String>, seen: &mut String, stop: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + common::WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = stderr
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("no such line ({e:?}); the bot said:\n{seen}"));
        seen.push_str(&line);
        seen.push('\n');
        if stop(&line) {
            return line;
        }
    }
}

/// Stops the bot as a service manager would, and checks that it stops cleanly.
fn terminate(mut bot: Running, stderr: &Receiver<String>) {
    Command::new("kill")
        .args(["-TERM", &bot.0.id().to_string()])
        .status()
        .unwrap();
    // Its stderr closes as it ends; after that, waiting for it cannot block.
    let deadline = Instant::now() + common::WAIT;
    loop {
        match stderr.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(_) => {}
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => panic!("the bot still runs after SIGTERM"),
        }
    }
    assert!(
        bot.0.wait().unwrap().success(),
        "SIGTERM ends the bot with success"
    );
}

#[tokio::test]
async fn the_first_run_asks_once_and_the_second_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, info) = start_sim(dir.path());
    let token_path = dir.path().join("token.json");
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[glimesh]\nbase_url = \"{}\"\nclient_id = \"{PASTE_APP}\"\n\
             redirect_uri = \"https://bots.example.org/callback\"\n\n[bot]\nchannels = [\"streamer\"]\n\n\
             [auth]\ntoken_path = \"{}\"\n",
            info.url,
            token_path.display()
        ),
    )
    .unwrap();

    let (mut bot, stderr) = start_bot(dir.path());
    let mut said = String::new();
    let url = read_until(&stderr, &mut said, |line| line.starts_with("http"));
    assert!(said.contains("open this address in a browser"), "{said}");
    // The person logs in; the instance sends the browser to a page the bot cannot listen on.
    let redirect = http().get(url.trim()).send().await.unwrap();
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(param(&location_params(&redirect), "code").is_some());
    read_until(&stderr, &mut said, |line| line.contains("paste here"));
    writeln!(bot.0.stdin.as_mut().unwrap(), "{location}").unwrap();
    read_until(&stderr, &mut said, |line| line.contains("logged in"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&token_path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    terminate(bot, &stderr);

    let stats = |info: &WorldInfo| {
        let url = format!("{}/_sim/stats", info.url);
        async move {
            http()
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let before = stats(&info).await;
    let (bot, stderr) = start_bot(dir.path());
    let mut said = String::new();
    read_until(&stderr, &mut said, |line| line.contains("logged in"));
    assert!(!said.contains("open this address"), "{said}");
    terminate(bot, &stderr);
    let after = stats(&info).await;
    assert_eq!(after["authorize_requests"], before["authorize_requests"]);
    assert_eq!(after["token_grants"], before["token_grants"]);
}
