//! Bare readers of the flood, the yardsticks for the bot: a tokio-tungstenite client on a
//! current-thread runtime that only counts frames (the socket's limit), one that decodes into
//! typed structs with borrowed strings in one pass (the floor), one that decodes the same way
//! into the owned types a handler receives ([`owned`]), and one that decodes into
//! `serde_json::Value` (the naive client).

mod owned;

pub(crate) use owned::owned;

use std::collections::HashMap;
use std::hint::black_box;
use std::marker::PhantomData;

use futures_util::StreamExt;
use glimbot::protocol::frame;
use payload::Push;
use serde::{Deserialize, de};
use tokio_tungstenite::tungstenite::Message;

use crate::flood::{Flood, TOPICS_PER_CHANNEL, subscription_id};
use crate::measure::{Throughput, current_thread_runtime};
use crate::turns::Seat;

/// How a reader handles one text frame; true when it was an event.
pub(crate) type Decode = fn(&str, &Topics) -> bool;
/// Subscription ids to topic indexes, with the bot's fast hash.
pub(crate) type Topics = HashMap<String, usize, foldhash::fast::FixedState>;

/// Counts frames, decodes nothing.
pub(crate) fn socket_only(_: &str, _: &Topics) -> bool {
    true
}

/// The floor: the fastest typed reader, in one pass. A serde visitor walks
/// `[join_ref, ref, topic, event, payload]`, looks the topic up once it has it (hashed with
/// foldhash, as the bot does), and decodes the payload of a known subscription straight into
/// borrowed structs; nothing is read twice.
pub(crate) fn typed(text: &str, topics: &Topics) -> bool {
    one_pass::<Push<'_>>(text, topics)
}

/// Reads a frame in one pass, its payload into `P`, and hands a push of a known subscription
/// to the no-op.
fn one_pass<'de, P: Deserialize<'de>>(text: &'de str, topics: &Topics) -> bool {
    let mut de = serde_json::Deserializer::from_str(text);
    let visitor = OnePass::<P> {
        topics,
        payload: PhantomData,
    };
    match de::Deserializer::deserialize_seq(&mut de, visitor) {
        Ok(Some((topic, push))) => {
            handle(topic, &push);
            true
        }
        _ => false,
    }
}

/// The one-pass visitor: the pushed event of a known subscription, or `None`.
struct OnePass<'t, P> {
    topics: &'t Topics,
    payload: PhantomData<P>,
}

impl<'de, P: Deserialize<'de>> de::Visitor<'de> for OnePass<'_, P> {
    type Value = Option<(usize, P)>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Phoenix V2 frame")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let missing = || de::Error::custom("a short frame");
        seq.next_element::<de::IgnoredAny>()?.ok_or_else(missing)?;
        seq.next_element::<de::IgnoredAny>()?.ok_or_else(missing)?;
        let topic: &str = seq.next_element()?.ok_or_else(missing)?;
        let event: &str = seq.next_element()?.ok_or_else(missing)?;
        let topic = match self.topics.get(topic) {
            Some(&topic) if event == frame::SUBSCRIPTION_DATA => topic,
            _ => {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                return Ok(None);
            }
        };
        let push: P = seq.next_element()?.ok_or_else(missing)?;
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Some((topic, push)))
    }
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

/// Reads the flood with `decode` in its turns at `seat`.
pub(crate) fn measure(flood: &Flood, decode: Decode, mut seat: Seat) -> Throughput {
    let spec = flood.spec();
    let schedule = seat.schedule();
    assert_eq!(
        schedule.events, spec.events,
        "a schedule for the flood's events"
    );
    let topics: Topics = (0..spec.channels * TOPICS_PER_CHANNEL)
        .map(|topic| (subscription_id(topic), topic))
        .collect();
    current_thread_runtime().block_on(async {
        let (mut socket, _) = tokio_tungstenite::connect_async(flood.socket_url())
            .await
            .expect("connecting to the flood");
        let mut counted = 0;
        while let Some(message) = socket.next().await {
            let Message::Text(text) = message.expect("reading the flood") else {
                continue;
            };
            if !decode(text.as_str(), &topics) {
                continue;
            }
            counted += 1;
            if schedule.is_mark(counted) && seat.counted(counted) {
                return seat.timed();
            }
        }
        panic!("the flood ended after {counted} events");
    })
}
