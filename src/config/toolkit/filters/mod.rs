//! `[filters]`: chat filters and their escalation ladders.
//!
//! Each filter is a table of its own (`[filters.links]`, `[filters.caps]`, …) and is on when
//! its table is there. The ladder and window of `[filters]` apply to every filter that does not
//! give its own.

mod fields;
mod patterns;
mod read;

use std::time::Duration;

pub(crate) use patterns::Pattern;
pub(super) use read::read;

/// The `[filters]` section; by default every filter is off. Read from the file by
/// [`Config::load`](crate::Config::load), or left at its default and set up in code on
/// [`Filters`](crate::Filters).
#[derive(Debug, Clone, PartialEq)]
pub struct FiltersConfig {
    /// Whether the channel's moderators may post anything (the streamer always may).
    pub(crate) exempt_moderators: bool,
    /// The ladder of every filter that gives none of its own.
    pub(crate) ladder: Vec<Step>,
    /// How long an offence counts towards the next step, for every filter that gives none.
    pub(crate) window: Duration,
    /// The filters that are on, in the order they look at a message.
    pub(crate) rules: Vec<RuleConfig>,
}

impl Default for FiltersConfig {
    fn default() -> Self {
        Self {
            exempt_moderators: true,
            ladder: Step::ALL.to_vec(),
            window: DEFAULT_WINDOW,
            rules: Vec::new(),
        }
    }
}

/// How long an offence counts towards the next step unless the file says otherwise.
pub(crate) const DEFAULT_WINDOW: Duration = Duration::from_secs(600);

/// One of the chat filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// Banned words and patterns.
    Banned,
    /// Links to domains not on the allow list, without a `!permit`.
    Links,
    /// The same message from one person again and again.
    Repeats,
    /// Too many emotes in one message.
    Emotes,
    /// A message mostly in capitals.
    Caps,
    /// A message mostly of symbols.
    Symbols,
}

impl Rule {
    /// Every filter, in the order they look at a message.
    pub const ALL: [Rule; 6] = [
        Rule::Banned,
        Rule::Links,
        Rule::Repeats,
        Rule::Emotes,
        Rule::Caps,
        Rule::Symbols,
    ];

    /// The filter's table in `[filters]`, e.g. `links`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Banned => "banned",
            Rule::Links => "links",
            Rule::Repeats => "repeats",
            Rule::Emotes => "emotes",
            Rule::Caps => "caps",
            Rule::Symbols => "symbols",
        }
    }

    /// What the bot tells someone who tripped this filter, unless the file says otherwise.
    pub(crate) fn default_warning(self) -> &'static str {
        match self {
            Rule::Banned => "please watch your language",
            Rule::Links => "no links please; a moderator can !permit you",
            Rule::Repeats => "please don't repeat yourself",
            Rule::Emotes => "please use fewer emotes",
            Rule::Caps => "please don't shout",
            Rule::Symbols => "please use fewer symbols",
        }
    }
}

/// One step of an escalation ladder: what the bot does to someone who trips a filter, by how
/// many times they have within the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Says the filter's warning to them in chat; the message stays.
    Warn,
    /// Deletes the message and says why.
    Delete,
    /// Times them out for 5 minutes (Glimesh hides their messages) and says why.
    ShortTimeout,
    /// Times them out for 15 minutes and says why.
    LongTimeout,
    /// Bans them from the channel and says why.
    Ban,
}

impl Step {
    /// Every step, mildest first: the default ladder.
    pub const ALL: [Step; 5] = [
        Step::Warn,
        Step::Delete,
        Step::ShortTimeout,
        Step::LongTimeout,
        Step::Ban,
    ];

    /// The step as the file writes it, e.g. `short_timeout`.
    pub fn name(self) -> &'static str {
        match self {
            Step::Warn => "warn",
            Step::Delete => "delete",
            Step::ShortTimeout => "short_timeout",
            Step::LongTimeout => "long_timeout",
            Step::Ban => "ban",
        }
    }

    /// The step the file writes so, if any.
    pub(crate) fn named(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// One filter that is on, and how it escalates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RuleConfig {
    pub(crate) check: Check,
    /// `None`: the ladder of `[filters]`.
    pub(crate) ladder: Option<Vec<Step>>,
    /// `None`: the window of `[filters]`.
    pub(crate) window: Option<Duration>,
    /// `None`: the rule's default warning.
    pub(crate) warning: Option<String>,
}

impl RuleConfig {
    pub(crate) fn new(check: Check) -> Self {
        Self {
            check,
            ladder: None,
            window: None,
            warning: None,
        }
    }
}

/// What a filter looks for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Check {
    /// Domains (and their subdomains) anyone may link to.
    Links { allow: Vec<String> },
    /// Capitals among the letters.
    Caps(Share),
    /// Symbols among the characters that are not spaces.
    Symbols(Share),
    /// More emotes than this in one message.
    Emotes { max: u32 },
    /// The same text more than `max` times in a row, each within `within` of the last.
    Repeats { max: u32, within: Duration },
    /// The words (whole, any case) and the patterns, as one compiled pattern.
    Banned {
        words: Vec<String>,
        regexes: Vec<String>,
        matcher: Pattern,
    },
}

impl Check {
    pub(crate) fn rule(&self) -> Rule {
        match self {
            Check::Links { .. } => Rule::Links,
            Check::Caps(_) => Rule::Caps,
            Check::Symbols(_) => Rule::Symbols,
            Check::Emotes { .. } => Rule::Emotes,
            Check::Repeats { .. } => Rule::Repeats,
            Check::Banned { .. } => Rule::Banned,
        }
    }
}

/// A filter that trips when more than `max_percent` of a message of at least `min_length`
/// characters is of one kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Share {
    pub(crate) min_length: u32,
    pub(crate) max_percent: u32,
}
