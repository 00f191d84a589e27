//! Bare readers of the flood, the yardsticks for the bot: a tokio-tungstenite client on a
//! current-thread runtime that only counts frames (the socket's limit), one that decodes into
//! typed structs with borrowed strings (the floor), and one that decodes into
//! `serde_json::Value` (the naive client).

use std::collections::HashMap;
use std::hint::black_box;

use futures_util::StreamExt;
use glimbot::frame::{self, Vsn};
use payload::Push;
use tokio_tungstenite::tungstenite::Message;

use crate::flood::{Flood, TOPICS_PER_CHANNEL, subscription_id};
use crate::measure::{Mark, Throughput, current_thread_runtime};

/// How a reader handles one text frame; true when it was an event.
pub(crate) type Decode = fn(&str, &Topics) -> bool;
/// Subscription ids to topic indexes.
pub(crate) type Topics = HashMap<String, usize>;

/// Counts frames, decodes nothing.
pub(crate) fn socket_only(_: &str, _: &Topics) -> bool {
    true
}

/// The floor: glimbot's frame decoder, a typed payload with borrowed strings, a map lookup.
pub(crate) fn typed(text: &str, topics: &Topics) -> bool {
    let Ok(frame) = frame::decode(Vsn::V2, text) else {
        return false;
    };
    if frame.event != frame::SUBSCRIPTION_DATA {
        return false;
    }
    let Some(&topic) = topics.get(frame.topic) else {
        return false;
    };
    let Ok(push) = serde_json::from_str::<Push<'_>>(frame.payload.get()) else {
        return false;
    };
    handle(topic, &push);
    true
}

/// The naive client: the whole frame into a `serde_json::Value`.
pub(crate) fn value(text: &str, topics: &Topics) -> bool {
    let Ok(frame) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    if frame[3] != frame::SUBSCRIPTION_DATA {
        return false;
    }
    let Some(&topic) = frame[2].as_str().and_then(|t| topics.get(t)) else {
        return false;
    };
    handle(topic, &frame);
    true
}

/// The no-op an event is handed to.
#[inline(never)]
fn handle<T>(topic: usize, event: &T) {
    black_box((topic, event));
}

/// A `subscription:data` payload of a chat message, borrowed from the frame. Every field is
/// decoded, as a bot would, though the no-op reads none.
#[allow(dead_code, reason = "decoded to be measured, never read")]
mod payload {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub(super) struct Push<'a> {
        #[serde(borrow)]
        result: PushResult<'a>,
        #[serde(rename = "subscriptionId")]
        subscription_id: &'a str,
    }

    #[derive(Deserialize)]
    struct PushResult<'a> {
        #[serde(borrow)]
        data: Data<'a>,
    }

    #[derive(Deserialize)]
    struct Data<'a> {
        #[serde(rename = "chatMessage", borrow)]
        chat_message: ChatMessage<'a>,
    }

    #[derive(Deserialize)]
    struct ChatMessage<'a> {
        id: &'a str,
        message: &'a str,
        #[serde(rename = "insertedAt")]
        inserted_at: &'a str,
        #[serde(borrow)]
        user: User<'a>,
        metadata: Metadata,
    }

    #[derive(Deserialize)]
    struct User<'a> {
        id: &'a str,
        username: &'a str,
    }

    #[derive(Deserialize)]
    struct Metadata {
        moderator: bool,
        streamer: bool,
    }
}

/// Reads the flood with `decode`, timing the events after the first `warmup`.
pub(crate) fn measure(flood: &Flood, decode: Decode, warmup: u64) -> Throughput {
    let spec = flood.spec();
    let topics: Topics = (0..spec.channels * TOPICS_PER_CHANNEL)
        .map(|topic| (subscription_id(topic), topic))
        .collect();
    current_thread_runtime().block_on(async {
        let (mut socket, _) = tokio_tungstenite::connect_async(flood.socket_url())
            .await
            .expect("connecting to the flood");
        let (mut counted, mut start) = (0, None);
        while let Some(message) = socket.next().await {
            let Message::Text(text) = message.expect("reading the flood") else {
                continue;
            };
            if !decode(text.as_str(), &topics) {
                continue;
            }
            counted += 1;
            if counted == warmup {
                start = Some(Mark::now());
            }
            if counted == spec.events {
                let start = start.expect("more events than the warm-up");
                return Throughput::between(start, Mark::now(), spec.events - warmup);
            }
        }
        panic!("the flood ended after {counted} events");
    })
}
