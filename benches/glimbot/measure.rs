//! What this process costs (CPU time, resident memory) and the statistics of several runs.

use std::time::{Duration, Instant};

/// Linux reports CPU times in /proc in ticks of 1/USER_HZ s, and USER_HZ is 100 on every
/// mainstream kernel; only the background load, over the whole run, is read in ticks.
const TICKS_PER_SECOND: f64 = 100.0;

/// The CPU time (user + system) this process has used, to the nanosecond.
pub(crate) fn cpu_time() -> Duration {
    cpu_time::ProcessTime::now().as_duration()
}

/// utime, stime, cutime and cstime of this process, from /proc/self/stat; the last two count
/// the children it has waited for.
fn own_ticks() -> [u64; 4] {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("reading /proc/self/stat");
    // The command name is in parentheses and may hold spaces; fields are counted after it.
    let after_name = &stat[stat.rfind(')').expect("a /proc/self/stat line") + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name, field 0 is the state (field 3 of proc(5)), so utime (14) is at 11.
    std::array::from_fn(|i| fields[11 + i].parse().expect("CPU times are numbers"))
}

/// user + nice + system time of every process on the machine, from /proc/stat.
fn machine_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").expect("reading /proc/stat");
    let total = stat.lines().next().expect("the cpu line of /proc/stat");
    total
        .split_whitespace()
        .skip(1)
        .take(3)
        .map(|f| f.parse::<u64>().expect("CPU times are numbers"))
        .sum()
}

fn ticks(count: u64) -> Duration {
    Duration::from_secs_f64(count as f64 / TICKS_PER_SECOND)
}

/// What other processes did to the machine while the benchmarks ran: on two cores, a build
/// next door takes the flood's or the client's core and shows in the figures.
pub(crate) struct Background {
    started: Instant,
    machine: u64,
    ours: u64,
}

impl Background {
    pub(crate) fn start() -> Self {
        Self {
            started: Instant::now(),
            machine: machine_ticks(),
            ours: own_ticks().iter().sum(),
        }
    }

    /// The share of the machine's CPU capacity that other processes used since the start.
    pub(crate) fn share(&self) -> f64 {
        let ours = own_ticks().iter().sum::<u64>() - self.ours;
        let others = ticks((machine_ticks() - self.machine).saturating_sub(ours));
        others.as_secs_f64() / (self.started.elapsed().as_secs_f64() * cpus() as f64)
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// A point in a run: the wall clock and the CPU time used so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    at: Instant,
    cpu: Duration,
}

impl Mark {
    pub(crate) fn now() -> Self {
        Self {
            at: Instant::now(),
            cpu: cpu_time(),
        }
    }
}

/// How fast a client went through `events` between two marks, and what it cost.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Throughput {
    events: u64,
    wall: Duration,
    cpu: Duration,
}

impl Throughput {
    pub(crate) fn between(start: Mark, end: Mark, events: u64) -> Self {
        Self {
            events,
            wall: end.at - start.at,
            cpu: end.cpu - start.cpu,
        }
    }

    /// Both spans of time together, as if they were one.
    pub(crate) fn and(self, other: Self) -> Self {
        Self {
            events: self.events + other.events,
            wall: self.wall + other.wall,
            cpu: self.cpu + other.cpu,
        }
    }

    pub(crate) fn per_second(&self) -> f64 {
        self.events as f64 / self.wall.as_secs_f64()
    }

    pub(crate) fn cpu_us_per_event(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.events as f64
    }
}

/// This process's resident memory now and at its peak, in MiB, from /proc/self/status.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) struct Memory {
    pub(crate) rss_mib: f64,
    pub(crate) peak_mib: f64,
}

impl Memory {
    pub(crate) fn now() -> Self {
        let status =
            std::fs::read_to_string("/proc/self/status").expect("reading /proc/self/status");
        let mib = |key: &str| {
            let line = status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .expect("a memory line in /proc/self/status");
            let kib: f64 = line
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .expect("a size in kB");
            kib / 1024.0
        };
        Self {
            rss_mib: mib("VmRSS:"),
            peak_mib: mib("VmHWM:"),
        }
    }
}

/// The median of the runs (the mean of the middle two when even).
pub(crate) fn median(runs: &[f64]) -> f64 {
    let sorted = sorted(runs);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

/// The value below which `percent` of the samples fall (nearest rank).
pub(crate) fn percentile(samples: &[f64], percent: f64) -> f64 {
    let sorted = sorted(samples);
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn sorted(values: &[f64]) -> Vec<f64> {
    assert!(!values.is_empty(), "no runs to summarise");
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// The machine's CPUs, whatever this process is pinned to (which `available_parallelism`
/// would count instead).
pub(crate) fn cpus() -> usize {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let processors = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    processors.max(1)
}

/// A runtime like a bot's own: one thread, timers and I/O.
pub(crate) fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a runtime")
}
