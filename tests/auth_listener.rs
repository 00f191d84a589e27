//! The login listener of the real binary keeps listening when the process runs out of file
//! descriptors: it backs off, says so once, and the login completes once descriptors are free.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use common::{Running, WAIT, http};
use url::Url;

/// The descriptors the bot may open: enough to reach the login, few enough to run out.
const DESCRIPTOR_LIMIT: u32 = 64;

/// The bot's stderr, line by line, read on a thread so that every wait has a timeout.
struct Said {
    lines: mpsc::Receiver<String>,
    all: String,
}

impl Said {
    fn new(stderr: impl std::io::Read + Send + 'static) -> Self {
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Self {
            lines,
            all: String::new(),
        }
    }

    /// Waits for the first line that `wanted` accepts, and returns it.
    fn until(&mut self, wanted: impl Fn(&str) -> bool) -> String {
        loop {
            let line = self.lines.recv_timeout(WAIT).unwrap_or_else(|_| {
                panic!(
                    "the bot never said what was expected; it said:\n{}",
                    self.all
                )
            });
            self.all.push_str(&line);
            self.all.push('\n');
            if wanted(&line) {
                return line;
            }
        }
    }
}

#[tokio::test]
async fn running_out_of_descriptors_pauses_the_login_listener_and_the_login_completes() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, info) = common::start_sim_binary(&["--auto-approve".as_ref(), "glimbot".as_ref()]);
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[glimesh]\nbase_url = \"{}\"\nclient_id = \"{}\"\n\
             redirect_uri = \"http://127.0.0.1:0/callback\"\n\n[bot]\nchannels = [\"streamer\"]\n\n\
             [auth]\ntoken_path = \"token.json\"\n",
            info.url, info.client_id
        ),
    )
    .unwrap();
    let bot = format!(
        "ulimit -n {DESCRIPTOR_LIMIT} && exec {} --config config.toml --no-browser",
        env!("CARGO_BIN_EXE_mybot")
    );
    let mut child = Command::new("sh")
        .args(["-c", &bot])
        .current_dir(dir.path())
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = Said::new(child.stderr.take().unwrap());
    let _bot = Running(child);

    let authorize: Url = said.until(|line| line.starts_with("http")).parse().unwrap();
    let redirect: Url = authorize
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1
        .parse()
        .unwrap();
    let listener = redirect.socket_addrs(|| None).unwrap()[0];
    // Idle connections the bot accepts and waits on, until it has no descriptor left.
    let mut idle = Vec::new();
    for _ in 0..2 * DESCRIPTOR_LIMIT {
        idle.push(tokio::net::TcpStream::connect(listener).await.unwrap());
    }
    said.until(|line| line.contains("cannot take a connection"));

    drop(idle);
    let approved = http().get(authorize).send().await.unwrap();
    let back = approved.headers()["location"].to_str().unwrap().to_owned();
    let page = http().get(back).send().await.unwrap().text().await.unwrap();

    assert!(page.contains("Logged in"), "{page}");
    said.until(|line| line.contains("socket connected"));
    assert_eq!(
        said.all.matches("cannot take a connection").count(),
        1,
        "said once: {}",
        said.all
    );
}
