//! What `/healthz` and `/readyz` answer, from what the socket and the channels reported.
//!
//! Healthy: the socket is connected and every channel's chat is subscribed. Ready: every
//! channel's chat was subscribed at least once. The JSON body names what is not, e.g.
//! `{"status":"down","socket":"down","channels":{"alice":"unsubscribed"}}`.

use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

use super::channel::ChannelInstruments;
use super::registry::Instruments;

/// An answer of a health endpoint: 200 when `ok`, else 503.
#[derive(Debug, PartialEq)]
pub(super) struct Report {
    pub(super) ok: bool,
    pub(super) body: String,
}

/// Whether the bot is connected and listening to every channel now.
pub(super) fn health(instruments: &Instruments) -> Report {
    let socket_up = instruments.socket_connected.get() == 1;
    let down = channels_where(instruments, "unsubscribed", |c| c.subscribed.get() != 1);
    if socket_up && down.is_empty() {
        return up();
    }
    let socket = if socket_up { "up" } else { "down" };
    report(json!({"status": "down", "socket": socket, "channels": down}))
}

/// Whether every channel has been subscribed once since start.
pub(super) fn readiness(instruments: &Instruments) -> Report {
    let waiting = channels_where(instruments, "waiting", |c| {
        !c.acknowledged.load(Ordering::Relaxed)
    });
    if waiting.is_empty() {
        return up();
    }
    report(json!({"status": "starting", "channels": waiting}))
}

fn channels_where(
    instruments: &Instruments,
    state: &str,
    matches: impl Fn(&ChannelInstruments) -> bool,
) -> Map<String, Value> {
    instruments
        .channels
        .iter()
        .filter(|c| matches(c))
        .map(|c| (c.name.clone(), Value::from(state)))
        .collect()
}

fn up() -> Report {
    Report {
        ok: true,
        body: json!({"status": "up"}).to_string(),
    }
}

fn report(body: Value) -> Report {
    Report {
        ok: false,
        body: body.to_string(),
    }
}
