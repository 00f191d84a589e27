//! glimbot's benchmarks, run by `cargo bench --bench glimbot`: inbound throughput against a
//! flood source and the floor a bare client reaches, a burst against a slow handler, reply
//! latency, cold start and memory against the emulator, and the CPU the chat filters add per
//! message. Results go to stdout, `target/bench-results.json` and `BENCHMARKS.md`, whose notes
//! say how each figure is made. `cargo bench --bench glimbot -- filters` measures the filters
//! alone and prints their figures, `-- throughput` the throughput rounds and the channel sweep,
//! and `-- emulator` the figures against the emulator, leaving the files as they were.
//!
//! The binary also plays the helper processes (`--role NAME …`): the flood source, and bots
//! whose start-up time or memory must be a process's own.

mod against_emulator;
mod burst;
mod emulator;
mod figure;
mod filters;
mod flood;
mod helper;
mod inbound;
mod latency;
mod measure;
mod readers;
mod report;
mod startup;
mod sweep;
mod turns;

use figure::Figure;
use flood::{Flood, Spec};
use inbound::Setup;
use measure::Throughput;
use report::Report;
use turns::{Schedule, take_turns};

/// The argument that runs the filters' figures alone.
const FILTERS_ONLY: &str = "filters";
/// The argument that runs the throughput rounds and the channel sweep alone.
const THROUGHPUT_ONLY: &str = "throughput";
/// The argument that runs the figures against the emulator alone.
const EMULATOR_ONLY: &str = "emulator";
/// The parts that run alone when named, leaving the files as they were.
const PARTS: [Part; 3] = [
    (THROUGHPUT_ONLY, throughput),
    (EMULATOR_ONLY, against_emulator::figures),
    (FILTERS_ONLY, filters::measure),
];
/// A part's name on the command line, and what it measures.
type Part = (&'static str, fn() -> Vec<Figure>);
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
const MANY_CHANNELS: usize = 1_000;
/// The bot's rate must be at least this share of the floor's, in every round.
const RATE_TARGET: f64 = 0.75;
/// The bot's CPU per event may be at most this many times the floor's, in every round.
const CPU_TARGET: f64 = 1.33;
/// Metrics on may cost at most this many times the CPU per event of metrics off.
const METRICS_COST: f64 = 1.05;
/// Resume checkpoints may cost at most this many times the CPU per event without them.
const CHECKPOINTS_COST: f64 = 1.10;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, role, rest @ ..] = args.as_slice()
        && flag == helper::ROLE
    {
        match role.as_str() {
            flood::ROLE => flood::serve(rest),
            burst::BURST_ROLE => burst::burst_role(rest),
            startup::COLD_START_ROLE => startup::cold_start_role(rest),
            startup::MEMORY_ROLE => startup::memory_role(rest),
            other => panic!("unknown helper role {other:?}"),
        }
        return;
    }
    // Before anything runs: the source may change while the benchmarks do.
    let source = report::source();
    let background = measure::Background::start();
    if let Some((_, measure)) = PARTS
        .iter()
        .find(|(name, _)| args.iter().any(|arg| arg == name))
    {
        Report::new(source, flood::push_bytes(), &background, measure()).print();
        return;
    }
    let mut figures = throughput();
    figures.extend(burst::figures());
    figures.extend(against_emulator::figures());
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
    let rounds: Vec<[Throughput; 8]> = (1..=RUNS)
        .map(|run| {
            progress(&format!("throughput, round {run} of {RUNS}"));
            take_turns(
                SCHEDULE,
                [
                    Box::new(|seat| readers::measure(flood, readers::socket_only, seat)),
                    Box::new(|seat| readers::measure(flood, readers::typed, seat)),
                    Box::new(|seat| readers::measure(flood, readers::owned, seat)),
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
        owned,
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
    let owned = Figure::new("Owned reader, CPU", "µs/event", cpu(&owned));
    let owned = owned.paired_against(&floor_cpu);
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
    // The bot's own work: what it costs over decoding the messages it hands out.
    let over_owned = Figure::new(
        "glimbot::Bot CPU ÷ owned reader CPU",
        "×",
        bot_cpu.ratios(&owned),
    );
    let setup_cost = |name: &str, runs: &[Throughput], without: &str, limit: Option<f64>| {
        let name = format!("glimbot::Bot inbound with {name}, CPU");
        let figure = Figure::new(name, "µs/event", cpu(runs));
        let cost = figure.paired_ratio(&bot_cpu);
        let figure = figure
            .paired_against(&floor_cpu)
            .detail(format!("{cost:.3} × {without}"));
        match limit {
            Some(limit) => figure.target(format!("≤ {limit} × {without}"), |_| cost <= limit),
            None => figure,
        }
    };
    let metrics_cpu = setup_cost(
        "metrics on",
        &with_metrics,
        "metrics off",
        Some(METRICS_COST),
    );
    let checkpoints_cpu = setup_cost(
        "resume checkpoints on a SQLite file",
        &with_checkpoints,
        "checkpoints off",
        Some(CHECKPOINTS_COST),
    );
    // Shown, not held to a target: most of it is the subscriber's own work.
    let logs_cpu = setup_cost("logs at info", &with_logs, "no logs", None);
    let sweep = sweep::figures(&floor_cpu);
    let mut figures = vec![
        floor_rate,
        floor_cpu,
        socket,
        owned,
        value_rate,
        value_cpu,
        bot_rate,
        vs_value,
        bot_cpu,
        over_owned,
        metrics_cpu,
        checkpoints_cpu,
        logs_cpu,
    ];
    figures.extend(sweep);
    figures
}

/// "1 channel", "10 channels".
fn in_channels(count: usize) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} channel{plural}")
}
