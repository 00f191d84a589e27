//! A bot process killed with SIGKILL in the middle of a flood, then started again on the same
//! state file and the same Glimesh, handles every message: none is skipped, and the only ones
//! handled twice are those handled since its last checkpoint.
//!
//! The bot is this test binary run again as [`crash_bot_process`], so that a real process dies
//! without any chance to clean up; it appends each message id it handles to a file.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use glimbot::sim::VIEWER;
use glimbot::{ChatMessage, Context, Handler, async_trait};

use common::{bot_sim, channel};

/// The variables that make [`crash_bot_process`] a bot: where its ids go, and its config.
const HANDLED: &str = "CRASH_BOT_HANDLED";
const CONFIG: &str = "CRASH_BOT_CONFIG";
/// How many messages the flood posts.
const FLOOD: usize = 2000;
/// The checkpoint interval the bot runs with.
const CHECKPOINT: Duration = Duration::from_millis(500);
/// How long a wait on the bot's file may take.
const PATIENCE: Duration = Duration::from_secs(60);

/// Appends `ready`, then `<id> <unix ms>` for each message it handles, one write per line.
struct AppendIds(Mutex<std::fs::File>);

impl AppendIds {
    fn append(&self, line: &str) {
        let mut file = self.0.lock().unwrap();
        file.write_all(format!("{line}\n").as_bytes()).unwrap();
    }
}

#[async_trait]
impl Handler for AppendIds {
    async fn on_ready(&self, _: &Context) -> glimbot::Result<()> {
        self.append("ready");
        Ok(())
    }

    async fn on_message(&self, _: &Context, message: &ChatMessage) -> glimbot::Result<()> {
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH);
        self.append(&format!("{} {}", message.id, now.unwrap().as_millis()));
        Ok(())
    }
}

/// The bot half of the crash test: does nothing unless [`HANDLED`] is set, as it is only in
/// the processes the test starts, where it runs until killed.
#[tokio::test]
async fn crash_bot_process() {
    let (Some(handled), Some(config)) = (std::env::var_os(HANDLED), std::env::var_os(CONFIG))
    else {
        return;
    };
    let config = std::fs::read_to_string(config).unwrap();
    let config = glimbot::Config::from_toml(&config, |_| None).unwrap();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(handled)
        .unwrap();
    let bot = glimbot::Bot::builder(config)
        .handler(AppendIds(Mutex::new(file)))
        .token_store(glimbot::MemoryStore::new())
        .browser(common::following_browser())
        .build()
        .unwrap();
    bot.run().await.unwrap();
}

/// Starts the bot process; it appends to `handled`.
fn start_bot(config: &Path, handled: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "crash_bot_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CONFIG, config)
        .env(HANDLED, handled)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// What the bot processes wrote: for each run, the ids handled and when (unix ms).
fn runs(handled: &Path) -> Vec<Vec<(u64, u128)>> {
    let text = std::fs::read_to_string(handled).unwrap_or_default();
    let mut runs = Vec::new();
    // A line cut short by the kill has no time: it is left out.
    for line in text.lines() {
        match line.split_once(' ') {
            None if line == "ready" => runs.push(Vec::new()),
            Some((id, at)) => {
                if let (Some(run), Ok(id), Ok(at)) = (runs.last_mut(), id.parse(), at.parse()) {
                    run.push((id, at));
                }
            }
            None => {}
        }
    }
    runs
}

/// Waits until what the bot processes wrote satisfies `done`, by reading the file as it grows,
/// on a thread of its own.
async fn wait_for(
    handled: &Path,
    what: &'static str,
    done: impl Fn(&[Vec<(u64, u128)>]) -> bool + Send + 'static,
) {
    let handled = handled.to_owned();
    let reads = move || read_until(&handled, what, done);
    tokio::task::spawn_blocking(reads).await.unwrap();
}

fn read_until(handled: &Path, what: &str, done: impl Fn(&[Vec<(u64, u128)>]) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let runs = runs(handled);
        if done(&runs) {
            return;
        }
        let summary: Vec<_> = runs
            .iter()
            .map(|r| (r.len(), r.first().map(|f| f.0), r.last().map(|l| l.0)))
            .collect();
        assert!(
            Instant::now() < deadline,
            "{what} did not happen in time; runs (count, first id, last id): {summary:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Kills the bot when dropped, so that a failing test leaves no process behind.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_killed_in_a_flood_handles_every_message_after_a_restart() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let (config, handled) = (dir.path().join("config.toml"), dir.path().join("handled"));
    let text = format!(
        "[glimesh]\nbase_url = {url:?}\nclient_id = {client:?}\n\
         redirect_uri = \"http://127.0.0.1:0/callback\"\n\
         [bot]\nchannels = [\"streamer\"]\n[state]\npath = {state:?}\n\
         [resume]\ncheckpoint = {checkpoint}\n",
        url = sim.url(),
        client = sim.info().client_id,
        state = dir.path().join("state.sqlite3"),
        checkpoint = CHECKPOINT.as_secs_f64(),
    );
    std::fs::write(&config, text).unwrap();

    let mut bot = Killed(start_bot(&config, &handled));
    wait_for(&handled, "the first start", |runs| runs.len() == 1).await;
    let mut posted = Vec::with_capacity(FLOOD);
    let mut killed = false;
    for i in 0..FLOOD {
        let line = sim
            .post_chat(&channel_id, VIEWER, &format!("flood {i}"))
            .unwrap();
        posted.push(line.id.parse::<u64>().unwrap());
        // Kill as soon as 500 are handled, while the rest are still coming.
        if !killed && i % 50 == 0 && runs(&handled).first().is_some_and(|r| r.len() >= 500) {
            bot.0.kill().unwrap();
            killed = true;
        }
        tokio::task::yield_now().await;
    }
    if !killed {
        wait_for(&handled, "500 handled", |runs| runs[0].len() >= 500).await;
        bot.0.kill().unwrap();
    }
    bot.0.wait().unwrap();
    let first = runs(&handled).remove(0);
    assert!(
        first.len() < FLOOD,
        "the bot was killed before the flood was handled"
    );

    let _restarted = Killed(start_bot(&config, &handled));
    let last = *posted.last().unwrap();
    wait_for(&handled, "the restarted bot catching up", move |runs| {
        runs.len() == 2 && runs[1].last().is_some_and(|&(id, _)| id == last)
    })
    .await;
    let second = runs(&handled).remove(1);

    let ids = |run: &[(u64, u128)]| run.iter().map(|&(id, _)| id).collect::<Vec<u64>>();
    let (first_ids, second_ids) = (ids(&first), ids(&second));
    assert_eq!(
        first_ids,
        posted[..first_ids.len()],
        "the first run had no gap"
    );
    let resumed_at = second_ids[0];
    let repeats = first_ids.iter().filter(|&&id| id >= resumed_at).count();
    assert!(
        resumed_at <= first_ids.last().unwrap() + 1,
        "the restart skipped from {} to {resumed_at}",
        first_ids.last().unwrap()
    );
    let expected: Vec<u64> = posted
        .iter()
        .copied()
        .filter(|&id| id >= resumed_at)
        .collect();
    assert_eq!(
        second_ids, expected,
        "the restart handled the rest once, in order"
    );
    // Only those handled since the last checkpoint come again: within one interval of the
    // kill, give or take the 64 messages between looks at the clock on a loaded machine.
    let killed_at = first.last().unwrap().1;
    let window = (CHECKPOINT + Duration::from_secs(2)).as_millis();
    for &(id, at) in &first[first.len() - repeats..] {
        assert!(
            killed_at - at <= window,
            "message {id} was handled {} ms before the kill, and again after it",
            killed_at - at
        );
    }
}
