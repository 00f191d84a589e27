//! glimbot's benchmarks, run by `cargo bench --bench glimbot`: inbound throughput against a
//! flood source and the floor a bare client reaches, a burst against a slow handler, reply
//! latency, cold start and memory against the emulator, and the CPU the chat filters add per
//! message. Results go to stdout, `target/bench-results.json` and `BENCHMARKS.md`, whose notes
//! say how each figure is made. `cargo bench --bench glimbot -- filters` measures the filters
//! alone and prints their figures, and `-- throughput` the throughput rounds and the channel
//! sweep, leaving the files as they were.
//!
//! The binary also plays the helper processes (`--role NAME …`): the flood source, and bots
//! whose start-up time or memory must be a process's own.

mod emulator;
mod filters;
mod flood;
mod helper;
mod inbound;
mod latency;
mod measure;
mod readers;
mod report;
mod startup;
mod turns;

use flood::{Flood, Spec};
use inbound::Setup;
use measure::{Throughput, percentile};
use report::{Figure, Report};
use turns::{Client, Schedule, take_turns};

/// The argument that runs the filters' figures alone.
const FILTERS_ONLY: &str = "filters";
/// The argument that runs the throughput rounds and the channel sweep alone.
const THROUGHPUT_ONLY: &str = "throughput";
/// Events per throughput run, of which the first `WARMUP` are not timed.
const EVENTS: u64 = 1_100_000;
const WARMUP: u64 = 100_000;
const SCHEDULE: Schedule = Schedule {
    warmup: WARMUP,
    events: EVENTS,
};
/// Runs of the fast figures, and of the slow ones (burst, channel sweep, memory, latency).
const RUNS: usize = 5;
const SLOW_RUNS: usize = 3;
const BURST_EVENTS: u64 = 1_000_000;
const ROUND_TRIPS: usize = 1_000;
const COLD_STARTS: usize = 7;
const CHANNEL_SWEEP: [usize; 4] = [1, 10, 100, 1_000];
const MANY_CHANNELS: usize = 1_000;
/// The bot's rate must be at least this share of the floor's, in every round.
const RATE_TARGET: f64 = 0.75;
/// The bot's CPU per event may be at most this many times the floor's, in every round.
const CPU_TARGET: f64 = 1.33;
/// Metrics on may cost at most this many times the CPU per event of metrics off.
const METRICS_COST: f64 = 1.05;
/// Resume checkpoints may cost at most this many times the CPU per event without them.
const CHECKPOINTS_COST: f64 = 1.10;
/// "Flat": the CPU per event with many channels is at most this many times that with one.
const FLAT: f64 = 1.25;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, role, rest @ ..] = args.as_slice()
        && flag == helper::ROLE
    {
        match role.as_str() {
            flood::ROLE => flood::serve(rest),
            inbound::BURST_ROLE => inbound::burst_role(rest),
            startup::COLD_START_ROLE => startup::cold_start_role(rest),
            startup::MEMORY_ROLE => startup::memory_role(rest),
            other => panic!("unknown helper role {other:?}"),
        }
        return;
    }
    // Before anything runs: the source may change while the benchmarks do.
    let source = report::source();
    let background = measure::Background::start();
    if args.iter().any(|arg| arg == FILTERS_ONLY) {
        progress("filters");
        Report::new(source, flood::push_bytes(), &background, filters::measure()).print();
        return;
    }
    if args.iter().any(|arg| arg == THROUGHPUT_ONLY) {
        Report::new(source, flood::push_bytes(), &background, throughput()).print();
        return;
    }
    let mut figures = throughput();
    figures.extend(burst());
    figures.extend(against_emulator());
    progress("filters");
    figures.extend(filters::measure());
    let report = Report::new(source, flood::push_bytes(), &background, figures);
    report.print();
    report.save();
}

fn progress(what: &str) {
    eprintln!("[glimbot bench] {what}");
}

/// The floor, the other bare readers and the bot against one flood, runs interleaved; then
/// the bot's CPU per event with more channels.
fn throughput() -> Vec<Figure> {
    let _pinned = helper::OnClientCpu::pin();
    let flood = Flood::start(Spec {
        channels: 1,
        events: EVENTS,
    });
    let flood = &flood;
    let rounds: Vec<[Throughput; 7]> = (1..=RUNS)
        .map(|run| {
            progress(&format!("throughput, round {run} of {RUNS}"));
            take_turns(
                SCHEDULE,
                [
                    Box::new(|seat| readers::measure(flood, readers::socket_only, seat)),
                    Box::new(|seat| readers::measure(flood, readers::typed, seat)),
                    Box::new(|seat| readers::measure(flood, readers::value, seat)),
                    Box::new(|seat| inbound::throughput(flood, Setup::Plain, seat)),
                    Box::new(|seat| inbound::throughput(flood, Setup::Metrics, seat)),
                    Box::new(|seat| inbound::throughput(flood, Setup::Checkpoints, seat)),
                    Box::new(|seat| inbound::throughput(flood, Setup::Logs, seat)),
                ],
            )
        })
        .collect();
    let client = |index: usize| rounds.iter().map(|round| round[index]).collect::<Vec<_>>();
    let [
        socket,
        floor,
        value,
        bot,
        with_metrics,
        with_checkpoints,
        with_logs,
    ] = std::array::from_fn(client);
    let rate = |runs: &[Throughput]| runs.iter().map(Throughput::per_second).collect();
    let cpu = |runs: &[Throughput]| runs.iter().map(Throughput::cpu_us_per_event).collect();
    let floor_rate = Figure::new("Floor: typed bare reader, rate", "events/s", rate(&floor));
    let floor_cpu = Figure::new("Floor: typed bare reader, CPU", "µs/event", cpu(&floor));
    let socket = Figure::new("Socket only (no decode), rate", "events/s", rate(&socket));
    let socket = socket.paired_against(&floor_rate);
    let value_rate = Figure::new("Value reader, rate", "events/s", rate(&value));
    let value_rate = value_rate.paired_against(&floor_rate);
    let value_cpu = Figure::new("Value reader, CPU", "µs/event", cpu(&value));
    let value_cpu = value_cpu.paired_against(&floor_cpu);
    let bot_rate = Figure::new("glimbot::Bot inbound, rate", "events/s", rate(&bot));
    let every_round = |ratios: Vec<f64>, met: fn(f64) -> bool| ratios.into_iter().all(met);
    let value_met = every_round(bot_rate.ratios(&value_rate), |r| r >= 1.0);
    let vs_value = Figure::new(
        "glimbot::Bot rate ÷ Value reader rate",
        "×",
        bot_rate.ratios(&value_rate),
    )
    .target("≥ 1 in every round", |_| value_met);
    let rate_met = every_round(bot_rate.ratios(&floor_rate), |r| r >= RATE_TARGET);
    let bot_rate = bot_rate
        .paired_against(&floor_rate)
        .target(format!("≥ {RATE_TARGET} × floor in every round"), |_| {
            rate_met
        });
    let bot_cpu = Figure::new("glimbot::Bot inbound, CPU", "µs/event", cpu(&bot));
    let cpu_met = every_round(bot_cpu.ratios(&floor_cpu), |r| r <= CPU_TARGET);
    let bot_cpu = bot_cpu
        .paired_against(&floor_cpu)
        .target(format!("≤ {CPU_TARGET} × floor in every round"), |_| {
            cpu_met
        });
    let metrics_cpu = Figure::new(
        "glimbot::Bot inbound with metrics on, CPU",
        "µs/event",
        cpu(&with_metrics),
    );
    let metrics_cost = metrics_cpu.paired_ratio(&bot_cpu);
    let metrics_cpu = metrics_cpu
        .paired_against(&floor_cpu)
        .target(format!("≤ {METRICS_COST} × metrics off"), |_| {
            metrics_cost <= METRICS_COST
        })
        .detail(format!("{metrics_cost:.3} × metrics off"));
    let checkpoints_cpu = Figure::new(
        "glimbot::Bot inbound with resume checkpoints on a SQLite file, CPU",
        "µs/event",
        cpu(&with_checkpoints),
    );
    let checkpoints_cost = checkpoints_cpu.paired_ratio(&bot_cpu);
    let checkpoints_cpu = checkpoints_cpu
        .paired_against(&floor_cpu)
        .target(format!("≤ {CHECKPOINTS_COST} × checkpoints off"), |_| {
            checkpoints_cost <= CHECKPOINTS_COST
        })
        .detail(format!("{checkpoints_cost:.3} × checkpoints off"));
    let logs_cpu = Figure::new(
        "glimbot::Bot inbound with logs at info, CPU",
        "µs/event",
        cpu(&with_logs),
    );
    let logs_cost = logs_cpu.paired_ratio(&bot_cpu);
    // Shown, not held to a target: most of it is the subscriber's own work.
    let logs_cpu = logs_cpu
        .paired_against(&floor_cpu)
        .detail(format!("{logs_cost:.3} × no logs"));
    let sweep = channel_sweep(&floor_cpu);
    let mut figures = vec![
        floor_rate,
        floor_cpu,
        socket,
        value_rate,
        value_cpu,
        bot_rate,
        vs_value,
        bot_cpu,
        metrics_cpu,
        checkpoints_cpu,
        logs_cpu,
    ];
    figures.extend(sweep);
    figures
}

/// The bot's CPU per event with the flood spread round-robin over more channels, in rounds
/// that also measure one channel, so that "flat" compares runs of the same round.
fn channel_sweep(floor_cpu: &Figure) -> Vec<Figure> {
    let floods = CHANNEL_SWEEP.map(|channels| {
        let spec = Spec {
            channels,
            events: EVENTS,
        };
        (channels, Flood::start(spec))
    });
    let mut runs = vec![Vec::new(); floods.len()];
    for round in 1..=SLOW_RUNS {
        progress(&format!("channel sweep, round {round} of {SLOW_RUNS}"));
        let clients = floods.each_ref().map(|(_, flood)| -> Client<'_> {
            Box::new(move |seat| inbound::throughput(flood, Setup::Plain, seat))
        });
        let measured = take_turns(SCHEDULE, clients);
        for (runs, measured) in runs.iter_mut().zip(measured) {
            runs.push(measured.cpu_us_per_event());
        }
    }
    let mut figures = floods.iter().zip(runs).map(|((channels, _), runs)| {
        Figure::new(sweep_name(*channels), "µs/event", runs).against(floor_cpu)
    });
    let one = figures.next().expect("one channel comes first");
    let flat: Vec<Figure> = figures
        .map(|many| {
            let growth = many.paired_ratio(&one);
            many.target(format!("≤ {FLAT} × 1 channel, round by round"), |_| {
                growth <= FLAT
            })
            .detail(format!("{growth:.2} × 1 channel"))
        })
        .collect();
    std::iter::once(one).chain(flat).collect()
}

fn sweep_name(channels: usize) -> String {
    format!("Channel sweep: glimbot::Bot CPU, {}", in_channels(channels))
}

/// "1 channel", "10 channels".
fn in_channels(count: usize) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} channel{plural}")
}

/// A million events against a 10 µs handler, in helper processes: into one channel, then
/// spread over many, where every channel's queue can fill at once.
fn burst() -> Vec<Figure> {
    let mut figures = burst_of(1, "< 20 MiB (flat: the 1-channel budget)", 20.0);
    figures.extend(burst_of(
        MANY_CHANNELS,
        "< 40 MiB (queued events bounded across channels)",
        40.0,
    ));
    figures
}

fn burst_of(channels: usize, memory_target: &str, memory_limit: f64) -> Vec<Figure> {
    let flood = Flood::start(Spec {
        channels,
        events: BURST_EVENTS,
    });
    let runs: Vec<inbound::Burst> = (1..=SLOW_RUNS)
        .map(|run| {
            let into = in_channels(channels);
            progress(&format!("burst into {into}, run {run} of {SLOW_RUNS}"));
            inbound::burst(&flood)
        })
        .collect();
    let field = |get: fn(&inbound::Burst) -> f64| runs.iter().map(get).collect::<Vec<_>>();
    let into = in_channels(channels);
    let name = |what: &str| format!("Burst of 1 M at 10 µs/event into {into}: {what}");
    vec![
        Figure::new(name("lost"), "count", field(|b| b.lost as f64))
            .target("0 in every run", |_| runs.iter().all(|b| b.lost == 0)),
        Figure::new(name("duplicated"), "count", field(|b| b.duplicated as f64))
            .target("0 in every run", |_| runs.iter().all(|b| b.duplicated == 0)),
        Figure::new(name("peak RSS"), "MiB", field(|b| b.memory.peak_mib))
            .target(memory_target, |_| {
                runs.iter().all(|b| b.memory.peak_mib < memory_limit)
            }),
        Figure::new(name("duration"), "s", field(|b| b.seconds)),
    ]
}

/// Reply latency, cold start and memory against the emulator.
fn against_emulator() -> Vec<Figure> {
    progress(&format!(
        "starting the emulator with {MANY_CHANNELS} extra channels"
    ));
    let emulator = emulator::Emulator::start(MANY_CHANNELS);
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
