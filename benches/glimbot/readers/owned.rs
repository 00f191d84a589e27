//! The owned reader: the floor's one pass, but into the types a handler receives, with owned
//! strings and the time parsed, dropped after the no-op. What it costs over the floor is what
//! handing a handler owned messages costs before anything else the bot does.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Deserializer, de};

use super::{Topics, one_pass};

/// Decodes a push into [`Push`].
pub(crate) fn owned(text: &str, topics: &Topics) -> bool {
    one_pass::<Push>(text, topics)
}

/// A `subscription:data` payload of a chat message, owned; the subscription id, which the bot
/// does not keep either, is skipped.
#[derive(Deserialize)]
struct Push {
    #[allow(dead_code, reason = "decoded to be measured, never read")]
    result: PushResult,
}

#[derive(Deserialize)]
struct PushResult {
    #[allow(dead_code, reason = "decoded to be measured, never read")]
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "chatMessage")]
    #[allow(dead_code, reason = "decoded to be measured, never read")]
    chat_message: ChatMessage,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded to be measured, never read")]
struct ChatMessage {
    id: String,
    message: String,
    #[serde(rename = "insertedAt", deserialize_with = "timestamp")]
    inserted_at: NaiveDateTime,
    user: User,
    metadata: Metadata,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded to be measured, never read")]
struct User {
    id: String,
    username: String,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded to be measured, never read")]
struct Metadata {
    moderator: bool,
    streamer: bool,
}

/// `YYYY-MM-DDTHH:MM:SS` read at fixed places, as the bot reads it.
fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let text = <&str>::deserialize(d)?;
    let b = text.as_bytes();
    let number = |at: usize, len: usize| -> Option<u32> {
        b.get(at..at + len)?.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let parsed = (|| {
        let year = i32::try_from(number(0, 4)?).ok()?;
        let date = NaiveDate::from_ymd_opt(year, number(5, 2)?, number(8, 2)?)?;
        let time = NaiveTime::from_hms_opt(number(11, 2)?, number(14, 2)?, number(17, 2)?)?;
        Some(NaiveDateTime::new(date, time))
    })();
    parsed.ok_or_else(|| de::Error::custom("not a timestamp"))
}
