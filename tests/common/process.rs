//! What runs beside a test: captured logs, the emulator as its own process, and the bot
//! binaries run to the end.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use glimbot::sim::WorldInfo;

/// Everything a `tracing` subscriber wrote, as [`capture_logs`] collects it.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures the logs (info and above, without colours) of everything that runs on this thread
/// until the guard is dropped; a `#[tokio::test]` runs its tasks on its own thread. Tracing
/// caches per process which call sites are enabled, so a test that reads logs runs alone in
/// its binary.
pub fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

/// A running process, killed when dropped so that a failing test leaves nothing behind.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the `glimesh-sim` binary on an ephemeral port and reads its first line.
pub fn start_sim_binary(args: &[&std::ffi::OsStr]) -> (Running, WorldInfo) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_glimesh-sim"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (Running(child), serde_json::from_str(&line).unwrap())
}

/// The lines a child writes to its (piped) stderr, read on a thread of their own so that a
/// test can wait for them with a timeout.
pub fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

/// Runs a bot binary in `dir` with `input` on stdin and its data directory inside `dir`.
pub fn run_bot(bin: &str, dir: &Path, args: &[&str], input: &str, env: &[(&str, &Path)]) -> Output {
    run_bot_within(Duration::from_secs(60), bin, dir, args, input, env)
}

/// As [`run_bot`], killing the bot if it runs for longer than `limit`.
pub fn run_bot_within(
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
pub fn wait(child: std::process::Child, limit: Duration) -> Output {
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

/// Bytes a process wrote, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
