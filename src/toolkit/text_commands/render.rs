//! A text command's reply, with its variables filled in for one use.

use rand::Rng;

use std::time::Duration;

use crate::api::queries::{ChannelByStreamer, LiveStream, channel_by_streamer, live_stream};
use crate::bot::Context;
use crate::error::Result;
use crate::model::ChatMessage;
use crate::template::{Template, Variable};

/// What `{uptime}` says when the channel has no live stream.
const OFFLINE: &str = "offline";
/// What `{uptime}` says when Glimesh cannot be asked.
const UPTIME_UNKNOWN: &str = "unknown";

/// One use of a text command: where, by whom, with what.
pub(super) struct Use<'a> {
    pub(super) ctx: &'a Context,
    pub(super) message: &'a ChatMessage,
    /// The name the command is stored under, which keys its `{count}`.
    pub(super) name: &'a str,
    pub(super) args: &'a [String],
    /// The arguments as typed.
    pub(super) rest: &'a str,
}

/// The key of a command's `{count}` in the channel's state.
pub(super) fn count_key(name: &str) -> String {
    format!("text_commands.count.{name}")
}

/// What the command says for `used`: `usage` when the reply needs an argument that is
/// missing and there is a usage, else the reply with missing arguments left empty.
///
/// # Errors
/// [`crate::Error::State`] when the count cannot be kept.
pub(super) async fn reply(
    reply: &Template,
    usage: Option<&Template>,
    used: &Use<'_>,
) -> Result<String> {
    let needed = reply.variables().map(arguments_needed).max().unwrap_or(0);
    let template = match usage {
        Some(usage) if used.args.len() < needed => usage,
        _ => reply,
    };
    let count = match template.variables().any(|v| v == Variable::Count) {
        true => used.ctx.state().incr(&count_key(used.name), 1).await?,
        false => 0,
    };
    let title = match template.variables().any(|v| v == Variable::Title) {
        true => title(used.ctx).await,
        false => String::new(),
    };
    let uptime = match template.variables().any(|v| v == Variable::Uptime) {
        true => uptime(used.ctx).await,
        false => String::new(),
    };
    let arg = |n: usize| used.args.get(n).cloned().unwrap_or_default();
    Ok(template.render(|variable| match variable {
        Variable::User => used.message.author.username.clone(),
        Variable::Target => arg(0).trim_start_matches('@').to_owned(),
        Variable::Args => used.rest.to_owned(),
        Variable::Arg(n) => arg(n - 1),
        Variable::Channel => used.ctx.channel().streamer.username.clone(),
        Variable::Title => title.clone(),
        Variable::Count => count.to_string(),
        Variable::Random { low, high } => rand::rng().random_range(low..=high).to_string(),
        Variable::Uptime => uptime.clone(),
    }))
}

/// How many arguments a variable needs to stand for something.
fn arguments_needed(variable: Variable) -> usize {
    match variable {
        Variable::Target | Variable::Args => 1,
        Variable::Arg(n) => n,
        _ => 0,
    }
}

/// The channel's title now, or as it was when the bot joined if Glimesh cannot say.
async fn title(ctx: &Context) -> String {
    let variables = channel_by_streamer::Variables {
        username: Some(ctx.channel().streamer.username.clone()),
    };
    match ctx.api().run::<ChannelByStreamer>(variables).await {
        Ok(found) => found.channel.and_then(|channel| channel.title),
        Err(error) => {
            tracing::warn!(%error, "the title could not be read; using the one from joining");
            None
        }
    }
    .unwrap_or_else(|| ctx.channel().title.clone())
}

/// How long the channel's stream has been live, by the bot's clock, or `offline`.
async fn uptime(ctx: &Context) -> String {
    let variables = live_stream::Variables {
        channel_id: Some(ctx.channel().id.clone()),
    };
    let stream = match ctx.api().run::<LiveStream>(variables).await {
        Ok(found) => found.channel.and_then(|channel| channel.stream),
        Err(error) => {
            tracing::warn!(%error, "the live stream could not be read");
            return UPTIME_UNKNOWN.to_owned();
        }
    };
    let Some(stream) = stream else {
        return OFFLINE.to_owned();
    };
    let now = chrono::DateTime::<chrono::Utc>::from(ctx.clock().now()).naive_utc();
    // A start stamped ahead of the bot's clock is a stream that has just begun.
    let live = (now - stream.started_at).to_std().unwrap_or_default();
    elapsed(live)
}

/// A stream's age as chat reads it: `42 min`, `1 h 02 min`.
fn elapsed(live: Duration) -> String {
    let minutes = live.as_secs() / 60;
    match minutes / 60 {
        0 => format!("{minutes} min"),
        hours => format!("{hours} h {:02} min", minutes % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_reads_in_hours_and_padded_minutes() {
        let cases = [
            (0, "0 min"),
            (59, "0 min"),
            (42 * 60 + 59, "42 min"),
            (3600, "1 h 00 min"),
            (3600 + 2 * 60 + 30, "1 h 02 min"),
            (26 * 3600 + 15 * 60, "26 h 15 min"),
        ];
        for (seconds, shown) in cases {
            assert_eq!(elapsed(Duration::from_secs(seconds)), shown, "{seconds} s");
        }
    }
}
