//! The figures against the emulator: reply latency, cold start and memory.

use crate::emulator::Emulator;
use crate::figure::Figure;
use crate::measure::percentile;
use crate::{MANY_CHANNELS, SLOW_RUNS, latency, progress, startup};

/// `!ping` round trips per latency run.
const ROUND_TRIPS: usize = 1_000;
/// Bots started from a saved token for the cold start.
const COLD_STARTS: usize = 7;

/// Reply latency, cold start and memory against the emulator.
pub(crate) fn figures() -> Vec<Figure> {
    progress(&format!(
        "starting the emulator with {MANY_CHANNELS} extra channels"
    ));
    let emulator = Emulator::start(MANY_CHANNELS);
    progress("reply latency");
    let batches = latency::measure(&emulator, SLOW_RUNS, ROUND_TRIPS);
    let at = |p: f64| batches.iter().map(|b| percentile(b, p)).collect();
    progress("cold start");
    let cold = startup::cold_start(&emulator, COLD_STARTS);
    let memory = |channels: usize| -> Vec<f64> {
        (1..=SLOW_RUNS)
            .map(|run| {
                progress(&format!(
                    "memory, {channels} channels, run {run} of {SLOW_RUNS}"
                ));
                startup::memory(&emulator, channels).peak_mib
            })
            .collect()
    };
    let (one, many) = (memory(1), memory(MANY_CHANNELS));
    vec![
        Figure::new("Reply latency p50 (!ping → pong)", "ms", at(50.0)),
        Figure::new("Reply latency p99", "ms", at(99.0)).target("< 2 ms in every run", |_| {
            batches.iter().all(|b| percentile(b, 99.0) < 2.0)
        }),
        Figure::new("Cold start, saved token (spawn → on_ready)", "ms", cold)
            .target("< 100 ms", |ms| ms < 100.0),
        Figure::new("Peak RSS, 1 channel", "MiB", one).target("< 20 MiB", |m| m < 20.0),
        Figure::new("Peak RSS, 1,000 channels", "MiB", many).target("< 80 MiB", |m| m < 80.0),
    ]
}
