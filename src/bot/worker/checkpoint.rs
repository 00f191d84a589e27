//! Resume after a restart: each channel's worker keeps, in the channel's state, the ids of the
//! newest message and the newest follow it handled, and the next start reads back from there.
//!
//! The ids are written as soon as there is something to write, then at most once per
//! [`ResumeConfig::checkpoint`], and at a clean stop; never once per event. So after a clean stop every message and follow is handled exactly once;
//! after a crash, those handled since the last write are handled again, and none is skipped.

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use tokio::time::Instant;

use crate::config::ResumeConfig;
use crate::model::{ChatMessage, Follow};
use crate::state::ScopedState;

/// The channel's key holding the id of the newest message handled.
pub(super) const KEY: &str = "glimbot.resume.handled";
/// The channel's key holding the id of the newest follow handled.
pub(super) const FOLLOW_KEY: &str = "glimbot.resume.followed";

/// The checkpoint of one channel, and the rules for what is replayed.
#[derive(Debug)]
pub(crate) struct Checkpoint {
    state: ScopedState,
    rules: ResumeConfig,
    /// The message id last written, and when the last write was (none yet this run).
    written: (Option<u64>, Option<Instant>),
    /// The id of the newest follow handled, and the one last written (none yet this run).
    followed: u64,
    written_followed: Option<u64>,
    /// Replayed messages left out as too old, since the last report.
    skipped: u64,
    /// Replayed follows left out as too old, since the last report.
    skipped_follows: u64,
    /// Messages handled since the clock was last looked at.
    unchecked: u32,
}

/// How many messages a busy channel handles between looks at the clock.
const CHECK_EVERY: u32 = 64;

impl Checkpoint {
    /// The checkpoint of the channel of `state`, whose follows are handled up to `followed`.
    pub(crate) fn new(state: ScopedState, rules: ResumeConfig, followed: u64) -> Self {
        Self {
            state,
            rules,
            written: (None, None),
            followed,
            written_followed: None,
            unchecked: 0,
            skipped: 0,
            skipped_follows: 0,
        }
    }

    /// Records `followed` as the newest follow handled; written with the next message id.
    pub(crate) fn followed(&mut self, followed: u64) {
        self.followed = followed;
    }

    /// Counts a message handled; true when the checkpoint is to be looked at now
    /// ([`Self::idle`]): if nothing was written yet this run, and every [`CHECK_EVERY`]
    /// messages, since reading the clock on every message would cost more than the rest of the
    /// bookkeeping. A quiet channel is looked at when its lane falls idle.
    pub(crate) fn handled(&mut self) -> bool {
        self.unchecked += 1;
        self.unchecked >= CHECK_EVERY || self.written.1.is_none()
    }

    /// Writes `handled` when the last write is older than the checkpoint interval.
    pub(crate) async fn idle(&mut self, handled: u64) {
        self.unchecked = 0;
        let due = self.written.1;
        if due.is_none_or(|at| at.elapsed() >= self.rules.checkpoint) {
            self.write(handled).await;
        }
    }

    /// Writes `handled` and the newest follow unless they are written already; a failed write
    /// is logged, and the next start replays a little more. Message id 0 is written only first
    /// in a run, from a channel that had no messages at start, so that all later ones are new.
    /// Later it means nothing handled since the instance's ids went back to the start, and
    /// would replay what this run handled before. Follow id 0 is written: the channel had no
    /// follows, so all later ones are new.
    ///
    /// Only a write of something handled starts the interval, so the first comes as soon as
    /// the channel has handled something: a crash early in a run loses no more than one later.
    pub(crate) async fn write(&mut self, handled: u64) {
        let first = self.written.0.is_none();
        if self.written.0 != Some(handled) && (handled != 0 || first) {
            if handled != 0 {
                self.written.1 = Some(Instant::now());
            }
            match self.state.set(KEY, &handled).await {
                Ok(()) => self.written.0 = Some(handled),
                Err(error) => tracing::warn!(%error, "cannot write the resume checkpoint"),
            }
        }
        if self.written_followed != Some(self.followed) {
            // The first write of the run only records where the follows stood at start: it must
            // not hold back the first write of a message id.
            if self.written_followed.is_some() {
                self.written.1 = Some(Instant::now());
            }
            match self.state.set(FOLLOW_KEY, &self.followed).await {
                Ok(()) => self.written_followed = Some(self.followed),
                Err(error) => tracing::warn!(%error, "cannot write the follows' checkpoint"),
            }
        }
    }

    /// Whether a replayed message is recent enough to deliver; the others are counted.
    pub(crate) fn fresh(&mut self, message: &ChatMessage) -> bool {
        // A live message is fresh without a look at the checkpoint.
        if !message.replayed {
            return true;
        }
        let fresh = age(message.sent_at) <= self.rules.max_age;
        self.skipped += u64::from(!fresh);
        fresh
    }

    /// Whether a replayed follow is recent enough to deliver; the others are counted.
    pub(crate) fn fresh_follow(&mut self, follow: &Follow) -> bool {
        let fresh = !follow.replayed || age(follow.followed_at) <= self.rules.max_age;
        self.skipped_follows += u64::from(!fresh);
        fresh
    }

    /// Whether a message may still run a command: live, or replayed and recent enough.
    pub(crate) fn may_command(&self, message: &ChatMessage) -> bool {
        !message.replayed || age(message.sent_at) <= self.rules.command_max_age
    }

    /// Logs how many replayed messages and follows were too old, once a catch-up is done.
    pub(crate) fn report_skipped(&mut self) {
        let max_age = self.rules.max_age;
        let skipped = std::mem::take(&mut self.skipped);
        if skipped > 0 {
            tracing::info!(
                skipped,
                ?max_age,
                "replayed messages older than resume.max_age were not delivered"
            );
        }
        let skipped = std::mem::take(&mut self.skipped_follows);
        if skipped > 0 {
            tracing::info!(
                skipped,
                ?max_age,
                "replayed follows older than resume.max_age were not delivered"
            );
        }
    }
}

/// How long ago `at` was (zero when it is ahead of the clock).
fn age(at: NaiveDateTime) -> Duration {
    (Utc::now().naive_utc() - at).to_std().unwrap_or_default()
}

#[cfg(test)]
mod tests;
