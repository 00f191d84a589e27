//! What `glimbot::Filters` costs per message: a realistic rule set (10 banned words, 2 regexes,
//! links with an allow list, capitals) over a corpus of chat, beside the same rounds without
//! filters. Pure CPU: the check alone, without a bot or a socket.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::DateTime;
use glimbot::{ChatMessage, Filters, User};

use crate::figure::Figure;
use crate::measure::cpu_time;

/// Rounds, each measuring without filters and then with them.
const ROUNDS: usize = 7;
/// The CPU each measurement of a round runs for, at least.
const WINDOW: Duration = Duration::from_millis(700);
/// Messages between two readings of the CPU time.
const BETWEEN_READINGS: usize = 20_000;
/// The most CPU the filters may add to a message.
const TARGET_NS: f64 = 1_000.0;
/// How far the filters' clock moves per message: a busy chat of 10 messages a second.
const PACE: Duration = Duration::from_millis(100);

/// Chat as it reads on a busy channel: mostly ordinary, a few messages that trip a filter.
const CORPUS: [&str; 40] = [
    "hello chat!",
    "gg that was insane",
    "LUL",
    "how long have you been streaming today?",
    "what game is this?",
    "that boss fight was rough, nice job",
    "can you play the song from last stream",
    ":glimwave: :glimheart:",
    "first time here, love the vibe",
    "is this the new update?",
    "clip it: https://clips.glimesh.tv/moment",
    "lol no way",
    "WHAT WAS THAT",
    "brb getting snacks",
    "do you have a discord?",
    "my internet is lagging so bad",
    "hype hype hype",
    "check my channel at spam-site.com",
    "who won the last match?",
    "e.g. the second level is harder",
    "that jump was 100% frame perfect",
    "what's your sens?",
    "THIS IS THE BEST STREAM EVER",
    "haha yes",
    "good morning from europe",
    "free vbucks at my profile",
    "thanks for the stream",
    "what a heck of a play",
    "is the giveaway still on?",
    "what rank are you?",
    "cheers everyone",
    "watch it on youtube.com/watch?v=abc later",
    "nice nice nice",
    "can we get a W in chat",
    "W",
    "W",
    "that's a new record I think",
    "how many hours on this game?",
    "see you tomorrow",
    "lurking :glimsleep:",
];

/// Per message: without filters, with them, and what they add, in the same rounds.
pub(crate) fn measure() -> Vec<Figure> {
    crate::progress("filters");
    let messages: Vec<ChatMessage> = CORPUS.iter().enumerate().map(message).collect();
    let filters = realistic();
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        without.push(ns_per_message(&messages, |message, _| {
            black_box(message);
        }));
        with.push(ns_per_message(&messages, |message, now| {
            black_box(filters.check("1", message, now));
        }));
    }
    let added: Vec<f64> = with.iter().zip(&without).map(|(w, o)| w - o).collect();
    let name = |what: &str| format!("Filters (10 words, 2 regexes, links, caps): {what}");
    let unit = "ns/message";
    vec![
        Figure::new(name("without filters"), unit, without),
        Figure::new(name("with filters"), unit, with),
        Figure::new(name("added CPU"), unit, added)
            .target("≤ 1,000 ns (1 µs) per message", |ns| ns <= TARGET_NS),
    ]
}

/// The rule set a streamer would write.
fn realistic() -> Filters {
    let words = [
        "heck", "darn", "frick", "dang", "noob", "loser", "trash", "idiot", "scam", "bot",
    ];
    let regexes = [r"fr[e3]{2}\s*v-?bucks", r"follow(er)?s? (for|4) follow"];
    Filters::new()
        .links(["glimesh.tv", "youtube.com", "youtu.be"])
        .caps(10, 70)
        .banned(words, regexes)
        .expect("the realistic rule set compiles")
}

/// The `index`th message of the corpus, from one of 20 viewers.
fn message((index, text): (usize, &&str)) -> ChatMessage {
    let user = index % 20;
    ChatMessage {
        id: (index + 1).to_string(),
        text: (*text).to_owned(),
        author: User {
            id: (100 + user).to_string(),
            username: format!("viewer{user}"),
        },
        author_is_moderator: false,
        author_is_streamer: false,
        sent_at: DateTime::from_timestamp(0, 0)
            .unwrap_or_default()
            .naive_utc(),
        replayed: false,
    }
}

/// The CPU per message of `handle` over the corpus, again and again for at least `WINDOW`;
/// the filters' clock moves on by `PACE` per message.
fn ns_per_message(messages: &[ChatMessage], mut handle: impl FnMut(&ChatMessage, Instant)) -> f64 {
    let mut now = Instant::now();
    let (start, mut handled) = (cpu_time(), 0usize);
    loop {
        for message in messages.iter().cycle().take(BETWEEN_READINGS) {
            now += PACE;
            handle(message, now);
        }
        handled += BETWEEN_READINGS;
        let spent = cpu_time() - start;
        if spent >= WINDOW {
            return spent.as_nanos() as f64 / handled as f64;
        }
    }
}
