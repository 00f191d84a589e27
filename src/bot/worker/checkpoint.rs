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
    written: (u64, Option<Instant>),
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
            written: (0, None),
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
    /// is logged, and the next start replays a little more. Message id 0 (nothing handled since
    /// the instance's ids went back to the start) is not written: it would replay the channel's
    /// whole history. Follow id 0 is: the channel had no follows, so all later ones are new.
    ///
    /// Only a write starts the interval, so the first comes as soon as the channel has handled
    /// something: a crash early in a run loses no more than one later.
    pub(crate) async fn write(&mut self, handled: u64) {
        if handled != self.written.0 && handled != 0 {
            self.written.1 = Some(Instant::now());
            match self.state.set(KEY, &handled).await {
                Ok(()) => self.written.0 = handled,
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
mod tests {
    use super::*;
    use crate::model::User;
    use crate::state::State;

    fn message(age: Duration, replayed: bool) -> ChatMessage {
        ChatMessage {
            id: "7".into(),
            text: "!ping".into(),
            author: User {
                id: "2".into(),
                username: "viewer".into(),
            },
            author_is_moderator: false,
            author_is_streamer: false,
            sent_at: Utc::now().naive_utc() - age,
            replayed,
        }
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint::new(State::in_memory().global(), ResumeConfig::default(), 0)
    }

    #[test]
    fn replayed_messages_older_than_max_age_are_counted_not_delivered() {
        let mut checkpoint = checkpoint();
        assert!(checkpoint.fresh(&message(Duration::from_secs(590), true)));
        assert!(!checkpoint.fresh(&message(Duration::from_secs(610), true)));
        assert!(checkpoint.fresh(&message(Duration::from_secs(3600), false)));
        assert_eq!(checkpoint.skipped, 1);
        checkpoint.report_skipped();
        assert_eq!(checkpoint.skipped, 0);
    }

    #[test]
    fn replayed_commands_older_than_command_max_age_do_not_run() {
        let checkpoint = checkpoint();
        assert!(checkpoint.may_command(&message(Duration::from_secs(50), true)));
        assert!(!checkpoint.may_command(&message(Duration::from_secs(70), true)));
        assert!(checkpoint.may_command(&message(Duration::from_secs(3600), false)));
    }

    #[tokio::test]
    async fn the_first_handled_id_is_written_at_once_then_once_an_interval() {
        let state = State::in_memory().channel("1");
        let written = |key: &'static str| {
            let state = state.clone();
            async move { state.get::<u64>(key).await.expect("the state in memory") }
        };
        let mut checkpoint = Checkpoint::new(state.clone(), ResumeConfig::default(), 3);
        checkpoint.idle(0).await;
        assert_eq!(
            written(FOLLOW_KEY).await,
            Some(3),
            "where the follows stood"
        );
        checkpoint.idle(7).await;
        assert_eq!(
            written(KEY).await,
            Some(7),
            "at once: nothing was written yet"
        );
        checkpoint.followed(4);
        checkpoint.idle(9).await;
        assert_eq!(
            written(KEY).await,
            Some(7),
            "the next waits for the interval"
        );
        checkpoint.write(9).await;
        assert_eq!(
            (written(KEY).await, written(FOLLOW_KEY).await),
            (Some(9), Some(4))
        );
    }
}
