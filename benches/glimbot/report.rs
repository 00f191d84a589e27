//! The figures of a run: a table on stdout, `bench-results.json` in the target directory, and
//! `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::figure::Figure;
use crate::measure::Background;

/// The one command that runs the benchmarks.
pub(crate) const COMMAND: &str = "cargo bench --bench glimbot";

/// How the figures are made; the head of BENCHMARKS.md's notes.
const METHOD: &str = "\
- **Flood**: a helper process (the bench binary with a hidden `--role flood`) answers the bot's \
start-up GraphQL queries with canned JSON, accepts the WebSocket upgrade, replies to the join and \
the subscriptions, then writes `subscription:data` frames of chat messages (ids 1, 2, 3, …) \
pre-framed and concatenated into 256 KiB buffers. The flood is pinned to CPU 1 and the clients \
to CPU 0 (`taskset`), so the clients' CPU is measured apart from the flood's and the kernel \
cannot stack both on one core for part of a run.
- **Throughput, in turns**: events/s and CPU per event over the last 1,000,000 of 1,100,000 \
events (the first 100,000 warm up and let every channel finish its start-up catch-up). Every \
client is on a current-thread tokio runtime on its own thread. The clients of a round (socket \
only, floor, Value, Bot, Bot with metrics on, Bot with checkpoints, Bot with logs; or the four \
sizes of the channel sweep) run at once but take turns: each handles 20,000 events (tens of \
milliseconds) while the others wait blocked, then passes the turn on. This machine speeds up \
and slows down by up to 1.5× within a second, so clients measured one after another see different machines; in \
turns, every client of a round sees the same one. A client's CPU is the process's CPU time \
(`CLOCK_PROCESS_CPUTIME_ID`, to the nanosecond) during its own turns, its rate its events over \
the wall time of its turns. Where a figure was measured in the same rounds as the floor, its \
`× floor` is the median of the round-by-round ratios, on which the Bot's targets are checked \
(its rate against the floor's and the Value reader's). Other `× floor` figures are ratios of \
medians.
- **Floor**: the fastest typed reader: tokio-tungstenite, then one serde pass over the frame that \
reads the topic, looks the subscription id up in a HashMap (foldhash, as the bot) and decodes \
the payload straight into structs with borrowed strings, and a no-op. **Owned reader**: the \
floor's pass into the types a handler receives (owned strings, the time parsed at fixed \
places), dropped after the no-op: what owned messages cost before anything else the bot does. \
**Value reader**: the frame into `serde_json::Value`, same lookup and no-op. **Socket only**: frames counted, nothing \
decoded.
- **glimbot::Bot**: the real runtime (socket, session, router, per-channel worker, handler) with \
a no-op `on_message` that counts, a saved token so that no login happens, and its state in \
memory with no resume checkpoint during a run. \"With metrics on\" serves them on a loopback \
port nobody scrapes; \"with resume checkpoints\" keeps its state in a SQLite file and writes its \
checkpoint every second (the default); \"with logs at info\" logs through the command line's \
subscriber (text at `info`) to a sink. Each is checked against the Bot of the same rounds. The \
channel sweep runs bots of 1, 10, 100 and 1,000 channels in turns, the flood spread round-robin \
over the chat topics of every channel (the worst case for batching: each event is for another \
channel); \"flat\" is checked round by round against the 1-channel bot of the same round.
- **Burst**: 1,000,000 events against an `on_message` that spins 10 µs, in a helper process, \
into 1 channel and spread round-robin over 1,000: every channel's ids must arrive once and in \
order; peak RSS is VmHWM.
- **Reply latency**: the in-process emulator (`glimbot::sim`); a viewer posts `!ping`, the clock \
stops when the bot's `pong` is stored. The bot runs on its own thread and current-thread runtime; \
the send rate is 100,000/s so the rate limit is not measured.
- **Cold start**: a helper process with a token saved by an earlier login; from spawn to the line \
it prints in `on_ready`.
- **Memory**: helper processes whose bots join 1 or 1,000 channels of the emulator, each channel \
gets 10 chat messages, then VmHWM (peak RSS) is read.
- **Filters**: `glimbot::Filters::check` with a realistic rule set (10 banned words, 2 regexes, \
links with an allow list of 3 domains, capitals) over a corpus of 40 chat messages from 20 viewers, \
of which 5 trip a filter, on the bench's own thread; the filters' clock moves 100 ms per message. \
Each of 7 rounds measures the corpus without filters (the same loop, no check) and then with \
them, each for at least 0.7 s of CPU; \"added CPU\" is with minus without, round by round.
- Each figure is the median of its runs.";

/// The machine the figures come from.
#[derive(Debug, Serialize)]
struct Machine {
    cpus: usize,
    cpu_model: String,
    kernel: String,
}

impl Machine {
    fn this() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpu_model = read("/proc/cpuinfo")
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
            .unwrap_or_else(|| "unknown".into());
        Self {
            cpus: crate::measure::cpus(),
            cpu_model,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
        }
    }
}

/// A whole run.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    machine: Machine,
    date: String,
    command: &'static str,
    /// The commit measured, and whether the work tree had changes.
    source: String,
    minutes: f64,
    /// The share of the machine's CPU that other processes used during the run.
    background_cpu_share: f64,
    push_frame_bytes: usize,
    figures: Vec<Figure>,
}

impl Report {
    pub(crate) fn new(
        source: String,
        push_frame_bytes: usize,
        run: &Background,
        figures: Vec<Figure>,
    ) -> Self {
        Self {
            machine: Machine::this(),
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            command: COMMAND,
            source,
            minutes: run.elapsed().as_secs_f64() / 60.0,
            background_cpu_share: run.share(),
            push_frame_bytes,
            figures,
        }
    }

    /// The table, as Markdown (it reads as well in a terminal).
    fn table(&self) -> String {
        let mut table = String::from(
            "| figure | target | measured (median) | × floor | met | runs |\n\
             | --- | --- | --- | --- | --- | --- |\n",
        );
        for f in &self.figures {
            let runs: Vec<String> = f.runs.iter().map(|r| show(*r, f.unit)).collect();
            let _ = writeln!(
                table,
                "| {} | {} | {} | {} | {} | {} |",
                f.name,
                f.target.as_deref().unwrap_or("—"),
                show(f.median, f.unit),
                f.ratio_to_floor.map_or("—".into(), |r| format!("{r:.2}")),
                met(f),
                runs.join(", "),
            );
        }
        table
    }

    pub(crate) fn print(&self) {
        println!("\n{}", self.table());
        let background = self.background_cpu_share * 100.0;
        println!("Other processes used {background:.0}% of the machine's CPU during the run.");
    }

    /// Writes `bench-results.json` in the target directory, and `BENCHMARKS.md`.
    pub(crate) fn save(&self) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let json = serde_json::to_string_pretty(self).expect("the results as JSON");
        let target = target_dir();
        std::fs::create_dir_all(&target).expect("creating the target directory");
        let results = target.join("bench-results.json");
        std::fs::write(&results, json).expect("writing the results");
        std::fs::write(root.join("BENCHMARKS.md"), self.markdown()).expect("writing BENCHMARKS.md");
        eprintln!("wrote {} and BENCHMARKS.md", results.display());
    }

    fn markdown(&self) -> String {
        let m = &self.machine;
        format!(
            "# Benchmarks\n\n\
             Written by `{command}`; the figures below are from its last run. Absolute figures \
             move by up to 1.5× from one day to the next on shared machines, so targets are \
             ratios to the floor measured in the same run where they can be.\n\n\
             - Date: {date}; the run took {minutes:.1} minutes\n\
             - Source: {source}\n\
             - Machine: {cpus} CPUs, {model}, Linux {kernel}\n\
             - Other processes used {background:.0}% of the machine's CPU during the run (on two \
             cores, anything above a few percent makes the figures noisier)\n\
             - Pushes: {bytes}-byte `subscription:data` text frames (chat messages)\n\n\
             {table}\n\
             ## Method\n\n{METHOD}\n",
            command = self.command,
            date = self.date,
            source = self.source,
            minutes = self.minutes,
            background = self.background_cpu_share * 100.0,
            cpus = m.cpus,
            model = m.cpu_model,
            kernel = m.kernel,
            bytes = self.push_frame_bytes,
            table = self.table(),
        )
    }
}

/// The commit the library is built from ("unknown" without git).
pub(crate) fn source() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let library = ["status", "--porcelain", "--", "src", "schema"];
    match (git(&["log", "-1", "--format=%h %s"]), git(&library)) {
        (Some(commit), Some(changes)) if !changes.is_empty() => {
            format!("{commit} (with uncommitted changes in src/)")
        }
        (Some(commit), _) => commit,
        _ => "unknown".into(),
    }
}

/// Whether a figure meets its target, and why when the median alone does not say.
fn met(figure: &Figure) -> String {
    let verdict = match figure.met {
        None => "—",
        Some(true) => "yes",
        Some(false) => "**no**",
    };
    match &figure.detail {
        Some(detail) => format!("{verdict} ({detail})"),
        None => verdict.into(),
    }
}

/// A value in its unit, rounded for reading.
fn show(value: f64, unit: &str) -> String {
    match unit {
        "events/s" => format!("{:.3} M/s", value / 1e6),
        "count" => format!("{value:.0}"),
        _ => format!("{value:.2} {unit}"),
    }
}

/// The target directory this benchmark was built in (`CARGO_TARGET_DIR` or `target/`): the
/// binary runs from `<target>/<profile>/deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}
