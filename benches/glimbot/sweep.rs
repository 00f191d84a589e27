//! The channel sweep: the bot's CPU per event with the flood spread round-robin over 1, 10, 100
//! and 1,000 channels, each event for another channel than the last.

use crate::figure::Figure;
use crate::flood::{Flood, Spec};
use crate::inbound::{self, Setup};
use crate::turns::{Client, take_turns};
use crate::{EVENTS, SCHEDULE, SLOW_RUNS, in_channels, progress};

const CHANNEL_SWEEP: [usize; 4] = [1, 10, 100, 1_000];
/// "Flat": the CPU per event with many channels is at most this many times that with one.
const FLAT: f64 = 1.25;

/// The bot's CPU per event with the flood spread round-robin over more channels, in rounds
/// that also measure one channel, so that "flat" compares runs of the same round.
pub(crate) fn figures(floor_cpu: &Figure) -> Vec<Figure> {
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
