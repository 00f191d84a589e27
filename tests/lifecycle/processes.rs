//! The bot binary as a process the test drives, and the emulator it runs against.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use glimbot::sim::{BOT, Sim, SimOptions};

use crate::common;

/// How soon after the signal the process must have ended.
pub(crate) const STOP_LIMIT: Duration = Duration::from_secs(2);

/// The bot binary, its stderr read line by line on a thread, killed if the test fails.
pub(crate) struct BotProcess {
    child: Option<Child>,
    lines: Receiver<String>,
    said: String,
}

impl BotProcess {
    pub(crate) fn start(dir: &Path, args: &[&str], stdin: Stdio) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mybot"))
            .args(args)
            .current_dir(dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("RUST_LOG", "glimbot=debug")
            .stdin(stdin)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = common::stderr_lines(&mut child);
        Self {
            child: Some(child),
            lines,
            said: String::new(),
        }
    }

    /// Reads stderr up to the first line containing `text`, and returns that line.
    pub(crate) fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + common::WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.said.push_str(&line);
                    self.said.push('\n');
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(e) => panic!(
                    "no line with {text:?} ({e:?}); the bot said:\n{}",
                    self.said
                ),
            }
        }
    }

    pub(crate) fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
    }

    /// Waits for the process to end, at most `limit`; returns how it ended and all it said.
    pub(crate) fn ends_within(mut self, limit: Duration) -> (ExitStatus, String) {
        let mut child = self.child.take().unwrap();
        let pid = child.id();
        // `wait` would close stdin first: a stdin that ends is not what is being tested.
        let _stdin = child.stdin.take();
        let (done, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(child.wait()));
        let status = match ended.recv_timeout(limit) {
            Ok(status) => status.unwrap(),
            Err(_) => {
                // Not reaped yet, so the id still names our child.
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                panic!("the bot still ran {limit:?} later; it said:\n{}", self.said);
            }
        };
        loop {
            match self.lines.recv_timeout(common::WAIT) {
                Ok(line) => {
                    self.said.push_str(&line);
                    self.said.push('\n');
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("stderr stayed open after the end"),
            }
        }
        (status, std::mem::take(&mut self.said))
    }

    /// Signals, and checks that the bot ends within the limit, successfully, saying so.
    pub(crate) fn stops_on(self, signal: &str, says: &str) -> String {
        self.signal(signal);
        let (status, said) = self.ends_within(STOP_LIMIT);
        assert!(status.success(), "{signal}: {status}; it said:\n{said}");
        assert!(said.contains(says), "{signal}: no {says:?} in:\n{said}");
        said
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An emulator on its own runtime, so that the test thread may block on the process.
pub(crate) struct World {
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) sim: Sim,
}

impl World {
    pub(crate) fn new(auto_approve: bool) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let options = SimOptions {
            auto_approve: auto_approve.then(|| BOT.into()),
            ..SimOptions::default()
        };
        let sim = runtime.block_on(common::sim_with(options));
        Self { runtime, sim }
    }

    pub(crate) fn fault(&self, change: serde_json::Value) {
        self.runtime
            .block_on(common::control(&self.sim, "faults", change));
    }

    /// A directory with a config for this emulator, sending at `per_second`.
    pub(crate) fn bot_dir(&self, per_second: f64) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        write_config(dir.path(), self.sim.url(), per_second);
        dir
    }

    /// Starts the bot and logs it in the way a person does, following the printed address.
    pub(crate) fn logged_in_bot(&self, dir: &Path) -> BotProcess {
        let mut bot = BotProcess::start(dir, &["--no-browser"], Stdio::null());
        let url = bot.wait_for("/oauth/authorize?");
        self.runtime.block_on(async {
            let approved = common::http().get(url.trim()).send().await.unwrap();
            let callback = approved.headers()["location"].to_str().unwrap().to_owned();
            common::http().get(callback).send().await.unwrap();
        });
        bot.wait_for("logged in");
        bot
    }
}

pub(crate) fn write_config(dir: &Path, base_url: &str, per_second: f64) {
    let config = format!(
        "[glimesh]\nbase_url = \"{base_url}\"\nclient_id = \"{}\"\n\
         redirect_uri = \"http://127.0.0.1:0/callback\"\n\n[bot]\nchannels = [\"streamer\"]\n\n\
         [auth]\ntoken_path = \"{}\"\n\n[sending]\nper_second = {per_second}\nburst = 1\n",
        glimbot::sim::CLIENT_ID,
        dir.join("token.json").display()
    );
    std::fs::write(dir.join("config.toml"), config).unwrap();
}
