//! Chat filters: links, capitals, symbols, emotes, repeats and banned words, each with an
//! escalation ladder that grows with a person's offences within a window.

mod act;
mod builder;
mod memory;
mod text;

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;

use crate::bot::{Command, Context, Module, Verdict};
use crate::config::{Check, FiltersConfig, Rule, RuleConfig, Share, Step};
use crate::error::Result;
use crate::model::ChatMessage;
use memory::{ChannelMemory, Memory};
use text::{Counts, link_hosts, over_share, within_domain};

/// Chat filters as a [`Module`]: each message from someone who is neither the streamer nor
/// (unless told otherwise) a moderator is checked, and one that trips a filter gets the next
/// step of that filter's ladder: a warning, a deleted message, a timeout or a ban.
///
/// Offences count per person and filter within a window (10 minutes by default), in memory,
/// on the bot's [`Clock`](crate::Clock). With the links filter on, moderators get `!permit
/// USER`, which lets one link through within 60 s. When the bot starts, it checks that it may
/// moderate each channel, and says so in chat and in its log when it may not.
///
/// From the file's `[filters]` section, or in code:
///
/// ```
/// use std::time::Duration;
/// use glimbot::{Filters, Step};
///
/// # fn setup(bot: glimbot::BotBuilder) -> glimbot::Result<glimbot::BotBuilder> {
/// let filters = Filters::new()
///     .links(["glimesh.tv", "youtube.com"])
///     .caps(10, 70)
///     .banned(["heck"], [r"fr[e3]{2}\s*v-?bucks"])?
///     .ladder([Step::Warn, Step::Delete, Step::ShortTimeout], Duration::from_secs(600));
/// Ok(bot.module(filters))
/// # }
/// ```
#[derive(Debug)]
pub struct Filters {
    config: FiltersConfig,
    memory: Arc<Memory>,
}

impl Default for Filters {
    fn default() -> Self {
        Self::new()
    }
}

impl Filters {
    /// Filters with every filter off; turn them on with the methods below.
    pub fn new() -> Self {
        Self::from_config(&FiltersConfig::default())
    }

    /// The filters the file's `[filters]` section describes (`config.filters`).
    pub fn from_config(config: &FiltersConfig) -> Self {
        Self {
            config: config.clone(),
            memory: Arc::default(),
        }
    }

    /// Checks a message from the channel `channel_id` at `now`, and remembers it: the filter it
    /// trips and the step of that filter's ladder it has reached, or `None` when it may stay.
    /// [`Module::on_message`] carries the step out; this is the decision alone.
    pub fn check(
        &self,
        channel_id: &str,
        message: &ChatMessage,
        now: Instant,
    ) -> Option<(Rule, Step)> {
        let config = &self.config;
        let exempt =
            message.author_is_streamer || (config.exempt_moderators && message.author_is_moderator);
        if exempt || config.rules.is_empty() {
            return None;
        }
        self.memory.in_channel(channel_id, |memory| {
            let mut counts = None;
            let tripped = config
                .rules
                .iter()
                .find(|rule| trips(rule, message, memory, &mut counts, now))?;
            let rule = tripped.check.rule();
            let window = tripped.window.unwrap_or(config.window);
            let offences = memory.offend(&message.author.id, rule, window, now);
            let ladder = tripped.ladder.as_deref().unwrap_or(&config.ladder);
            let step = *ladder.get(offences - 1).or(ladder.last())?;
            Some((rule, if memory.warn_only { Step::Warn } else { step }))
        })
    }

    /// What the bot says to someone who tripped `rule`.
    fn warning_for(&self, rule: Rule) -> &str {
        let configured = self.config.rules.iter().find(|r| r.check.rule() == rule);
        configured
            .and_then(|r| r.warning.as_deref())
            .unwrap_or(rule.default_warning())
    }
}

/// Whether `message` trips `rule`; `counts` is the pass over the text, made once when first
/// needed.
fn trips(
    rule: &RuleConfig,
    message: &ChatMessage,
    memory: &mut ChannelMemory,
    counts: &mut Option<Counts>,
    now: Instant,
) -> bool {
    let text = message.text.as_str();
    let mut counted = || *counts.get_or_insert_with(|| Counts::of(text));
    match &rule.check {
        Check::Banned { matcher, .. } => matcher.is_match(text),
        Check::Links { allow } => {
            let mut hosts = link_hosts(text);
            let banned = hosts.any(|host| !allow.iter().any(|d| within_domain(host, d)));
            banned && !memory.use_permit(&message.author.username, now)
        }
        Check::Repeats { max, within } => memory.say(&message.author.id, text, *within, now) > *max,
        Check::Emotes { max } => text.contains(':') && counted().emotes > *max,
        Check::Caps(share) => exceeds(*share, text, || {
            let counts = counted();
            (counts.capitals, counts.letters)
        }),
        Check::Symbols(share) => exceeds(*share, text, || {
            let counts = counted();
            (counts.symbols, counts.visible)
        }),
    }
}

/// Whether more than the share's percent of a total (of at least its minimum length) is the
/// part; `part_of_total` counts them, and only for a text long enough.
fn exceeds(share: Share, text: &str, part_of_total: impl FnOnce() -> (u32, u32)) -> bool {
    // A character takes at least a byte: a text shorter in bytes is too short.
    if text.len() < share.min_length as usize {
        return false;
    }
    let (part, total) = part_of_total();
    total >= share.min_length && over_share(part, total, share.max_percent)
}

#[async_trait]
impl Module for Filters {
    fn commands(&self) -> Vec<Command> {
        let links_on = self
            .config
            .rules
            .iter()
            .any(|r| r.check.rule() == Rule::Links);
        match links_on {
            true => vec![act::permit_command(self.memory.clone())],
            false => Vec::new(),
        }
    }

    async fn on_ready(&self, ctx: &Context) -> Result<()> {
        let acts = |ladder: &[Step]| ladder.iter().any(|s| *s != Step::Warn);
        let config = &self.config;
        let moderates = config
            .rules
            .iter()
            .any(|r| acts(r.ladder.as_deref().unwrap_or(&config.ladder)));
        if moderates && !act::check_moderation(ctx).await {
            let channel_id = &ctx.channel().id;
            self.memory.in_channel(channel_id, |m| m.warn_only = true);
        }
        Ok(())
    }

    async fn on_message(&self, ctx: &Context, message: &ChatMessage) -> Result<Verdict> {
        let now = ctx.clock().instant().into_std();
        let Some((rule, step)) = self.check(&ctx.channel().id, message, now) else {
            return Ok(Verdict::Continue);
        };
        act::carry_out(ctx, message, rule, step, self.warning_for(rule)).await?;
        Ok(Verdict::Consumed)
    }
}
