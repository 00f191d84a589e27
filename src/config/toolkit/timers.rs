//! `[[timers]]`: messages the bot posts on a schedule while chat is active.

use std::time::Duration;

use toml::Value;

use super::fields::{Fields, tables};
use crate::config::config_error;
use crate::config::diagnostics::suggestion;
use crate::error::Result;
use crate::protocol::MAX_MESSAGE_GRAPHEMES;

/// The keys of a `[[timers]]` table.
const KEYS: [&str; 5] = ["message", "messages", "every", "min_lines", "channels"];
/// How many chat lines from others a timer waits for by default.
const DEFAULT_MIN_LINES: u32 = 5;

/// One `[[timers]]` table: a message posted every so often, while people are chatting.
#[derive(Debug, Clone, PartialEq)]
pub struct TimerConfig {
    /// What the timer posts: the messages in turn, one each time.
    pub messages: Vec<String>,
    /// How long it waits after it posted.
    pub every: Duration,
    /// How many chat lines from others it waits for after it posted; it never posts into a
    /// quieter chat.
    pub min_lines: u32,
    /// The streamers whose chats it posts in; empty for every channel of the bot.
    pub channels: Vec<String>,
}

impl TimerConfig {
    /// A timer that posts `message` every `every`, after 5 lines of chat, in every channel.
    pub fn new(every: Duration, message: &str) -> Self {
        Self {
            messages: vec![message.to_owned()],
            every,
            min_lines: DEFAULT_MIN_LINES,
            channels: Vec::new(),
        }
    }
}

pub(super) fn read(value: Value) -> Result<Vec<TimerConfig>> {
    tables("timers", value, &KEYS)?.iter().map(timer).collect()
}

fn timer(fields: &Fields) -> Result<TimerConfig> {
    let messages = match (fields.string("message")?, fields.strings("messages")?) {
        (Some(message), None) => ("message", vec![message]),
        (None, Some(messages)) if !messages.is_empty() => ("messages", messages),
        (None, Some(_)) => {
            return Err(fields.error("messages", "is empty; give it one message or more"));
        }
        (Some(_), Some(_)) => {
            return Err(fields.error(
                "messages",
                "give either message (one) or messages (a list posted in turn), not both",
            ));
        }
        (None, None) => {
            return Err(fields.error(
                "message",
                "missing; add message = \"…\", or messages = [\"…\", \"…\"] to post in turn",
            ));
        }
    };
    let (key, messages) = messages;
    check_messages(fields, key, &messages)?;
    let every = fields.duration("every")?.ok_or_else(|| {
        fields.error(
            "every",
            "missing; say how often it posts, e.g. every = \"15m\"",
        )
    })?;
    let channels = fields.strings("channels")?.unwrap_or_default();
    if channels.iter().any(|c| c.trim().is_empty()) {
        return Err(fields.error("channels", "holds an empty name; list streamer usernames"));
    }
    Ok(TimerConfig {
        messages,
        every,
        min_lines: fields.count("min_lines")?.unwrap_or(DEFAULT_MIN_LINES),
        channels: channels.iter().map(|c| c.to_lowercase()).collect(),
    })
}

/// Each timer's `channels` are channels the bot joins: a name it does not is a typo, and the
/// timer would never post there.
pub(in crate::config) fn check_channels(timers: &[TimerConfig], joined: &[String]) -> Result<()> {
    for (index, timer) in timers.iter().enumerate() {
        let stray = timer.channels.iter().find(|channel| {
            !joined
                .iter()
                .any(|joined| joined.eq_ignore_ascii_case(channel))
        });
        if let Some(stray) = stray {
            let joined: Vec<&str> = joined.iter().map(String::as_str).collect();
            let hint = suggestion(stray, &joined, ("\"", "\""), "channels in bot.channels");
            return Err(config_error(
                format!("timers[{index}].channels"),
                format!("{stray:?} is not a channel the bot joins; {hint}"),
            ));
        }
    }
    Ok(())
}

/// Each message is posted whole, as one chat message: none blank, none too long.
fn check_messages(fields: &Fields, key: &str, messages: &[String]) -> Result<()> {
    use unicode_segmentation::UnicodeSegmentation;
    for message in messages {
        let length = message.graphemes(true).count();
        if message.trim().is_empty() {
            return Err(fields.error(key, "holds a blank message; Glimesh refuses those"));
        }
        if length > MAX_MESSAGE_GRAPHEMES {
            return Err(fields.error(
                key,
                format!(
                    "holds a message of {length} characters, more than one chat message holds \
                     ({MAX_MESSAGE_GRAPHEMES}); shorten it"
                ),
            ));
        }
    }
    Ok(())
}
