//! Setting the filters up in code: each method turns one filter on, or sets how they escalate.

use std::time::Duration;

use super::Filters;
use crate::config::{Check, Pattern, Rule, RuleConfig, Share, Step};
use crate::error::Result;

impl Filters {
    /// Whether the channel's moderators may post anything (by default they may); the streamer
    /// always may.
    pub fn exempt_moderators(mut self, exempt: bool) -> Self {
        self.config.exempt_moderators = exempt;
        self
    }

    /// The ladder of every filter not given its own, mildest step first, and how long an
    /// offence counts towards the next step. By default warn, delete, short timeout, long
    /// timeout, ban, within 10 minutes. An empty ladder leaves it as it was.
    pub fn ladder(mut self, ladder: impl IntoIterator<Item = Step>, window: Duration) -> Self {
        let ladder: Vec<Step> = ladder.into_iter().collect();
        if !ladder.is_empty() {
            self.config.ladder = ladder;
        }
        self.config.window = window;
        self
    }

    /// The ladder and window of one filter, which must be on already; an empty ladder leaves
    /// it as it was.
    pub fn escalation(
        mut self,
        rule: Rule,
        ladder: impl IntoIterator<Item = Step>,
        window: Duration,
    ) -> Self {
        let ladder: Vec<Step> = ladder.into_iter().collect();
        if let Some(configured) = self.rule_mut(rule) {
            configured.ladder = Some(ladder)
                .filter(|l| !l.is_empty())
                .or(configured.ladder.take());
            configured.window = Some(window);
        }
        self
    }

    /// What the bot tells someone who tripped `rule`, which must be on already, e.g. `please
    /// don't shout`; the outcome follows in brackets.
    pub fn warning(mut self, rule: Rule, text: impl Into<String>) -> Self {
        if let Some(configured) = self.rule_mut(rule) {
            configured.warning = Some(text.into());
        }
        self
    }

    /// Links are filtered, but for those to these domains and their subdomains (e.g.
    /// `glimesh.tv`), and one link per `!permit`.
    pub fn links<S: Into<String>>(self, allow: impl IntoIterator<Item = S>) -> Self {
        let allow = allow.into_iter().map(|d| d.into().to_lowercase()).collect();
        self.with(Check::Links { allow })
    }

    /// Messages of at least `min_length` letters of which more than `max_percent` are capitals.
    pub fn caps(self, min_length: u32, max_percent: u32) -> Self {
        self.with(Check::Caps(Share {
            min_length,
            max_percent,
        }))
    }

    /// Messages of at least `min_length` characters (not counting spaces) of which more than
    /// `max_percent` are symbols: neither letters nor digits.
    pub fn symbols(self, min_length: u32, max_percent: u32) -> Self {
        self.with(Check::Symbols(Share {
            min_length,
            max_percent,
        }))
    }

    /// Messages with more than `max` emotes.
    pub fn emotes(self, max: u32) -> Self {
        self.with(Check::Emotes { max })
    }

    /// The same message (any case) from one person more than `max` times in a row, each
    /// within `within` of the one before.
    pub fn repeats(self, max: u32, within: Duration) -> Self {
        self.with(Check::Repeats { max, within })
    }

    /// Messages with one of these words (whole words, any case) or a match of one of these
    /// regexes (any case unless the pattern says `(?-i)`).
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) naming the word or regex that is empty, is not
    /// a regex, matches empty text, or compiles too large (`filters.banned.regexes[1]`).
    pub fn banned<W, R>(
        self,
        words: impl IntoIterator<Item = W>,
        regexes: impl IntoIterator<Item = R>,
    ) -> Result<Self>
    where
        W: Into<String>,
        R: Into<String>,
    {
        let words: Vec<String> = words.into_iter().map(Into::into).collect();
        let regexes: Vec<String> = regexes.into_iter().map(Into::into).collect();
        let matcher = Pattern::banned("filters.banned", &words, &regexes)?;
        Ok(self.with(Check::Banned {
            words,
            regexes,
            matcher,
        }))
    }

    /// Turns on the filter of `check`, in place of its earlier settings, keeping the filters
    /// in the order they look at a message.
    fn with(mut self, check: Check) -> Self {
        let rule = check.rule();
        let rules = &mut self.config.rules;
        match rules.iter_mut().find(|r| r.check.rule() == rule) {
            Some(configured) => configured.check = check,
            None => {
                rules.push(RuleConfig::new(check));
                rules.sort_by_key(|r| r.check.rule());
            }
        }
        self
    }

    fn rule_mut(&mut self, rule: Rule) -> Option<&mut RuleConfig> {
        self.config
            .rules
            .iter_mut()
            .find(|r| r.check.rule() == rule)
    }
}
