//! Which of a channel's timers posts, and when: a pure state machine over the clock's instants
//! and the count of chat lines, so its rules are tested without a chat.

use std::time::Duration;

use tokio::time::Instant;

use crate::config::TimerConfig;

/// How far apart two timer posts in one channel are at least, whichever timers they come from:
/// timers that come due together take turns, and chat reads each as its own announcement.
pub(super) const GAP: Duration = Duration::from_secs(60);

/// One channel's timers.
#[derive(Debug)]
pub(super) struct Schedule {
    timers: Vec<Slot>,
    last_post: Option<Instant>,
}

#[derive(Debug)]
struct Slot {
    config: TimerConfig,
    /// Which of its messages it posts next.
    next_message: usize,
    /// When it may post next.
    due: Instant,
    /// The channel's line count when it last posted (or when the schedule started).
    lines_at_post: u64,
}

impl Schedule {
    /// The timers of a channel, as of `now`; each first comes due a full period later.
    pub(super) fn new(timers: Vec<TimerConfig>, now: Instant) -> Self {
        let timers = timers
            .into_iter()
            .filter(|timer| !timer.messages.is_empty())
            .map(|config| Slot {
                due: now + config.every,
                config,
                next_message: 0,
                lines_at_post: 0,
            })
            .collect();
        Self {
            timers,
            last_post: None,
        }
    }

    /// The message to post now, `lines` being the chat lines from others so far: of the timers
    /// that are due and have seen their `min_lines` since they last posted, the one due the
    /// longest (the first in order among equals), unless a timer posted less than [`GAP`] ago.
    /// Taking it counts as posting.
    pub(super) fn take(&mut self, now: Instant, lines: u64) -> Option<String> {
        if self.last_post.is_some_and(|last| now < last + GAP) {
            return None;
        }
        let ready = self.timers.iter_mut().filter(|slot| {
            let heard = lines.saturating_sub(slot.lines_at_post);
            now >= slot.due && heard >= u64::from(slot.config.min_lines)
        });
        // The one due longest goes first, so a short period cannot starve the others.
        let slot = ready.min_by_key(|slot| slot.due)?;
        let messages = &slot.config.messages;
        let message = messages[slot.next_message].clone();
        slot.next_message = (slot.next_message + 1) % messages.len();
        slot.due = now + slot.config.every;
        slot.lines_at_post = lines;
        self.last_post = Some(now);
        Some(message)
    }

    /// When time alone may let a timer post, if it can: the next due time, or the end of the
    /// gap for a timer already due. A due timer short of lines waits for chat, not the clock.
    pub(super) fn next_wake(&self, now: Instant) -> Option<Instant> {
        let gap_ends = self
            .last_post
            .map(|last| last + GAP)
            .filter(|&end| end > now);
        self.timers
            .iter()
            .filter_map(|slot| match slot.due > now {
                true => Some(slot.due),
                false => gap_ends,
            })
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn timer(every: Duration, messages: &[&str], min_lines: u32) -> TimerConfig {
        TimerConfig {
            messages: messages.iter().map(|m| m.to_string()).collect(),
            every,
            min_lines,
            channels: Vec::new(),
        }
    }

    #[test]
    fn a_timer_waits_for_its_period_and_its_lines() {
        let start = Instant::now();
        let mut schedule = Schedule::new(vec![timer(10 * MINUTE, &["hi"], 5)], start);
        assert_eq!(schedule.next_wake(start), Some(start + 10 * MINUTE));
        assert_eq!(schedule.take(start + 9 * MINUTE, 100), None);
        let due = start + 10 * MINUTE;
        assert_eq!(schedule.take(due, 4), None);
        assert_eq!(
            schedule.next_wake(due),
            None,
            "waits for chat, not the clock"
        );
        assert_eq!(schedule.take(due, 5).as_deref(), Some("hi"));
        assert_eq!(schedule.take(due + 10 * MINUTE, 9), None, "4 lines since");
        assert_eq!(schedule.take(due + 10 * MINUTE, 10).as_deref(), Some("hi"));
    }

    #[test]
    fn messages_are_posted_in_turn() {
        let start = Instant::now();
        let mut schedule = Schedule::new(vec![timer(MINUTE, &["a", "b", "c"], 0)], start);
        let posted: Vec<String> = (1..=4)
            .filter_map(|n| schedule.take(start + n * MINUTE, 0))
            .collect();
        assert_eq!(posted, ["a", "b", "c", "a"]);
    }

    #[test]
    fn timers_due_together_take_turns_a_gap_apart() {
        let start = Instant::now();
        let timers = vec![timer(MINUTE, &["first"], 0), timer(MINUTE, &["second"], 0)];
        let mut schedule = Schedule::new(timers, start);
        let due = start + MINUTE;
        assert_eq!(schedule.take(due, 0).as_deref(), Some("first"));
        assert_eq!(schedule.take(due, 0), None);
        assert_eq!(schedule.next_wake(due), Some(due + GAP));
        assert_eq!(schedule.take(due + GAP, 0).as_deref(), Some("second"));
    }

    #[test]
    fn a_timer_without_messages_never_posts() {
        let start = Instant::now();
        let mut schedule = Schedule::new(vec![timer(MINUTE, &[], 0)], start);
        assert_eq!(schedule.next_wake(start), None);
        assert_eq!(schedule.take(start + MINUTE, 100), None);
    }
}
