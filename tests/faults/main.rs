//! The bot under faults the emulator injects: dropped sockets, silent heartbeats, latency,
//! server errors, expired and revoked tokens, refused upgrades, a restarted server. Each test
//! checks what the handler saw and what the emulator stored.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod requests;
mod socket;

use std::time::{Duration, Instant};

use common::{RunningBot, Seen, bot_lines, bot_sim, channel, control, start_bot};
use glimbot::Command;
use glimbot::sim::Sim;
use serde_json::json;

fn ping() -> Command {
    Command::new("ping", "Answers pong", |call| async move {
        call.reply("pong").await
    })
}

fn post(sim: &Sim, channel_id: &str, text: &str) {
    sim.post_chat(channel_id, "viewer", text).unwrap();
}

/// Collects messages until the handler reports a reconnect.
async fn messages_until_reconnected(bot: &mut RunningBot, into: &mut Vec<String>) {
    loop {
        match bot.next().await {
            Seen::Message { text, .. } => into.push(text),
            Seen::Reconnected(_) => return,
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Collects messages until `into` holds `count`.
async fn messages_until(bot: &mut RunningBot, into: &mut Vec<String>, count: usize) {
    while into.len() < count {
        into.push(bot.next_message().await.2);
    }
}

fn numbered(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("m{i}")).collect()
}
