//! The bench binary run again as a helper process (`--role NAME ARGS…`), so that a flood source
//! does not share the client's CPU accounting and each memory figure is a process's own.
//!
//! A helper talks through lines on stdout and ends when its stdin closes, so it never outlives
//! the run that started it.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};

use crate::measure::cpus;

/// The hidden argument that makes the binary a helper.
pub(crate) const ROLE: &str = "--role";

/// A running helper process.
pub(crate) struct Helper {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Helper {
    pub(crate) fn spawn(role: &str, args: &[String]) -> Self {
        let exe = std::env::current_exe().expect("the bench binary's path");
        let mut child = Command::new(exe)
            .arg(ROLE)
            .arg(role)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting a helper process");
        let stdout = BufReader::new(child.stdout.take().expect("the helper's stdout"));
        Self { child, stdout }
    }

    pub(crate) fn id(&self) -> u32 {
        self.child.id()
    }

    /// The helper's next line on stdout, without its newline.
    pub(crate) fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("reading a helper's output");
        assert!(
            !line.is_empty(),
            "the helper process ended without answering"
        );
        line.trim_end().to_owned()
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        // Only this helper, by its own id: it may already have exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// In a helper: exits when the parent closes our stdin (or dies).
pub(crate) fn exit_with_parent() {
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
}

/// In a helper: one line to the parent, flushed at once.
pub(crate) fn answer(line: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").expect("writing to the parent");
    stdout.flush().expect("writing to the parent");
}

/// The CPU a measured client runs on; its flood runs on the next one.
const CLIENT_CPU: usize = 0;

/// Pins a flood process to its own CPU, away from the client's. Left alone, the kernel now and
/// then runs the flood and the client on one core for a while (it wakes a reader where its
/// writer ran), which halves that run's rate and makes runs bimodal.
pub(crate) fn pin_flood(pid: u32) {
    set_cpus(pid, &(CLIENT_CPU + 1).to_string());
}

/// This process on the client's CPU until dropped; then on every CPU again.
pub(crate) struct OnClientCpu(());

impl OnClientCpu {
    pub(crate) fn pin() -> Self {
        set_cpus(std::process::id(), &CLIENT_CPU.to_string());
        Self(())
    }
}

impl Drop for OnClientCpu {
    fn drop(&mut self) {
        set_cpus(std::process::id(), &format!("0-{}", cpus() - 1));
    }
}

/// Every thread of process `pid` on these CPUs, with `taskset`; nothing on a one-CPU machine
/// or without `taskset` (the figures are then only noisier).
fn set_cpus(pid: u32, list: &str) {
    if cpus() < 2 {
        return;
    }
    let pinned = Command::new("taskset")
        .args(["-a", "-p", "-c", list, &pid.to_string()])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !pinned {
        eprintln!(
            "[glimbot bench] could not pin process {pid} to CPUs {list}; figures are noisier"
        );
    }
}
