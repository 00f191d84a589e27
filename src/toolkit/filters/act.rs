//! What the filters do in a channel: carry out a step of a ladder, give `!permit`s, and check
//! at start that the bot may moderate.

use std::sync::Arc;
use std::time::Duration;

use super::memory::Memory;
use crate::bot::{Command, Context};
use crate::config::{Rule, Step};
use crate::error::{Error, Result};
use crate::escape::Escaped;
use crate::model::ChatMessage;
use crate::protocol::UNAUTHORIZED;

/// How long a `!permit` lets someone post a link.
pub(super) const PERMIT_FOR: Duration = Duration::from_secs(60);

/// Carries out `step` against the author of `message`, who tripped `rule`, then tells them
/// why: `@viewer please don't shout (message deleted)`. Nothing is said when the action fails.
///
/// # Errors
/// The moderation's error ([`Error::GraphQl`] `unauthorized` when the bot does not moderate
/// the channel), or the reply's.
pub(super) async fn carry_out(
    ctx: &Context,
    message: &ChatMessage,
    rule: Rule,
    step: Step,
    warning: &str,
) -> Result<()> {
    let author = &message.author;
    let outcome = match step {
        Step::Warn => "warning",
        Step::Delete => {
            ctx.delete(message).await?;
            "message deleted"
        }
        Step::ShortTimeout => {
            ctx.short_timeout(author).await?;
            "timed out for 5 minutes"
        }
        Step::LongTimeout => {
            ctx.long_timeout(author).await?;
            "timed out for 15 minutes"
        }
        Step::Ban => {
            ctx.ban(author).await?;
            "banned"
        }
    };
    tracing::info!(
        channel = %Escaped(&ctx.channel().streamer.username),
        user = %Escaped(&author.username),
        filter = rule.name(),
        step = step.name(),
        "a chat filter acted"
    );
    ctx.reply(message, format!("{warning} ({outcome})")).await
}

/// `!permit USER`, for moderators: lets USER post one link within the next 60 s.
pub(super) fn permit_command(memory: Arc<Memory>) -> Command {
    let description = "Lets someone post one link in the next minute, e.g. !permit viewer";
    Command::new("permit", description, move |call| {
        let memory = memory.clone();
        async move {
            let named = call
                .args
                .first()
                .map(|name| name.trim().trim_start_matches('@'));
            let Some(user) = named.filter(|name| !name.is_empty()) else {
                return call.reply("who? !permit <user>").await;
            };
            let now = call.ctx.clock().instant().into_std();
            let channel_id = &call.ctx.channel().id;
            memory.in_channel(channel_id, |m| m.permit(user, now + PERMIT_FOR, now));
            let seconds = PERMIT_FOR.as_secs();
            let text = format!("{user} may post one link in the next {seconds} seconds");
            call.ctx.send(text).await
        }
    })
    .moderators_only()
}

/// Checks that the bot may moderate the channel, and says clearly when it may not; the bot
/// runs on either way. Returns whether it may (or whether the check could not tell).
///
/// Glimesh has no query that lists a channel's moderators, so the bot asks to lift a ban
/// on itself: Glimesh refuses that as `unauthorized` to anyone who does not moderate the
/// channel, and otherwise fails (there is no ban) or lifts one that should not be there.
pub(super) async fn check_moderation(ctx: &Context) -> bool {
    let (me, channel) = (ctx.me(), ctx.channel());
    if me.id == channel.streamer.id {
        return true;
    }
    let streamer = &channel.streamer.username;
    match ctx.unban(me).await {
        Ok(()) => true,
        Err(Error::GraphQl(errors)) if errors.iter().any(|e| e == UNAUTHORIZED) => {
            tracing::warn!(
                channel = %Escaped(streamer),
                "{} does not moderate the channel of {streamer}: its filters cannot delete \
                 messages, time out or ban there, only warn. Make {} a moderator of the channel \
                 (or run the bot as {streamer}) and restart it.",
                me.username,
                me.username,
            );
            let text = format!(
                "I am not a moderator here, so my chat filters will only warn. {streamer}: \
                 make {} a moderator and restart me to let them delete messages and time \
                 people out.",
                me.username
            );
            if let Err(e) = ctx.send(text).await {
                tracing::warn!(channel = %Escaped(streamer), "could not say so in chat: {e}");
            }
            false
        }
        // Any other refusal comes after the permission check: there was no ban to lift.
        Err(Error::GraphQl(_)) => true,
        Err(e) => {
            tracing::warn!(
                channel = %Escaped(streamer),
                "could not check that the bot moderates the channel of {streamer}: {e}"
            );
            true
        }
    }
}
