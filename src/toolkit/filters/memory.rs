//! What the filters remember of each channel, in memory only: each person's recent offences
//! per filter, their last message for the repeats filter, and the `!permit`s given.
//! Everything is forgotten once its window has passed.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::config::Rule;

/// How many messages a channel sees between two sweeps of the repeats filter's memory.
const SWEEP_EVERY: u32 = 1024;
/// The most offences kept per person, newest first: more than any ladder needs, and a bound
/// on someone the bot cannot stop.
const KEPT_PER_USER: usize = 32;

/// Every channel's memory; one lock, held only while a message is looked at.
#[derive(Debug, Default)]
pub(super) struct Memory {
    channels: Mutex<HashMap<String, ChannelMemory>>,
}

impl Memory {
    /// Runs `f` on the memory of the channel `channel_id`.
    pub(super) fn in_channel<R>(
        &self,
        channel_id: &str,
        f: impl FnOnce(&mut ChannelMemory) -> R,
    ) -> R {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        match channels.get_mut(channel_id) {
            Some(channel) => f(channel),
            None => f(channels.entry(channel_id.to_owned()).or_default()),
        }
    }
}

/// One channel's memory.
#[derive(Debug, Default)]
pub(super) struct ChannelMemory {
    /// By user id: each offence's filter and when it stops counting.
    offences: HashMap<String, Vec<(Rule, Instant)>>,
    /// By user id: their last message, for the repeats filter.
    last_said: HashMap<String, LastSaid>,
    /// By username: until when they may post a link.
    permits: HashMap<String, Instant>,
    /// Messages since the repeats filter's memory was last swept.
    since_sweep: u32,
    /// The bot found at start that it does not moderate the channel: every step is a warning.
    pub(super) warn_only: bool,
}

#[derive(Debug)]
struct LastSaid {
    /// The text's hash, ignoring case and the spaces around it.
    text: u64,
    /// How many times in a row it was said, each within the window of the last.
    times: u32,
    at: Instant,
}

impl ChannelMemory {
    /// Records an offence against `rule` that counts for `window`, and returns how many of
    /// the user's offences against it count now, this one included.
    pub(super) fn offend(
        &mut self,
        user_id: &str,
        rule: Rule,
        window: Duration,
        now: Instant,
    ) -> usize {
        // Offences are rare beside messages: sweeping everyone's here keeps the map small.
        self.offences.retain(|_, offences| {
            offences.retain(|(_, until)| *until > now);
            !offences.is_empty()
        });
        let offences = match self.offences.get_mut(user_id) {
            Some(offences) => offences,
            None => self.offences.entry(user_id.to_owned()).or_default(),
        };
        if offences.len() == KEPT_PER_USER {
            offences.remove(0);
        }
        offences.push((rule, now + window));
        offences.iter().filter(|(r, _)| *r == rule).count()
    }

    /// Records `text` as the user's newest message, and returns how many times in a row they
    /// have said it, each time within `within` of the last.
    pub(super) fn say(&mut self, user_id: &str, text: &str, within: Duration, now: Instant) -> u32 {
        self.since_sweep += 1;
        if self.since_sweep >= SWEEP_EVERY {
            self.since_sweep = 0;
            self.last_said
                .retain(|_, last| now.duration_since(last.at) <= within);
        }
        let hash = hash_ignoring_case(text.trim());
        let last = match self.last_said.get_mut(user_id) {
            Some(last) => last,
            None => self
                .last_said
                .entry(user_id.to_owned())
                .or_insert(LastSaid {
                    text: hash,
                    times: 0,
                    at: now,
                }),
        };
        let again = last.text == hash && now.duration_since(last.at) <= within;
        last.times = if again { last.times + 1 } else { 1 };
        last.text = hash;
        last.at = now;
        last.times
    }

    /// Lets `username` post one link until `until`.
    pub(super) fn permit(&mut self, username: &str, until: Instant, now: Instant) {
        self.permits.retain(|_, until| *until > now);
        self.permits.insert(username.to_lowercase(), until);
    }

    /// Uses up the permit of `username`, if they have one that still holds.
    pub(super) fn use_permit(&mut self, username: &str, now: Instant) -> bool {
        if self.permits.is_empty() {
            return false;
        }
        self.permits
            .remove(username)
            .is_some_and(|until| until > now)
    }
}

fn hash_ignoring_case(text: &str) -> u64 {
    let mut hasher = foldhash::fast::FixedState::default().build_hasher();
    for c in text.chars().flat_map(char::to_lowercase) {
        hasher.write_u32(u32::from(c));
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn offences_count_per_filter_within_their_window() {
        let (mut memory, now) = (ChannelMemory::default(), Instant::now());
        assert_eq!(memory.offend("1", Rule::Caps, MINUTE, now), 1);
        assert_eq!(memory.offend("1", Rule::Links, MINUTE, now), 1);
        assert_eq!(memory.offend("1", Rule::Caps, MINUTE, now + MINUTE / 2), 2);
        assert_eq!(memory.offend("2", Rule::Caps, MINUTE, now + MINUTE / 2), 1);
        let later = now + MINUTE * 2;
        assert_eq!(memory.offend("1", Rule::Caps, MINUTE, later), 1);
        assert_eq!(
            memory.offences.len(),
            1,
            "the other user's offence was swept"
        );
    }

    #[test]
    fn repeats_count_the_same_text_in_a_row_within_the_window() {
        let (mut memory, now) = (ChannelMemory::default(), Instant::now());
        assert_eq!(memory.say("1", "hello", MINUTE, now), 1);
        assert_eq!(memory.say("1", " HELLO ", MINUTE, now), 2);
        assert_eq!(memory.say("2", "hello", MINUTE, now), 1);
        assert_eq!(memory.say("1", "hello", MINUTE, now + MINUTE * 2), 1);
        assert_eq!(memory.say("1", "bye", MINUTE, now + MINUTE * 2), 1);
    }

    #[test]
    fn a_permit_lets_one_link_through_before_it_expires() {
        let (mut memory, now) = (ChannelMemory::default(), Instant::now());
        memory.permit("Viewer", now + MINUTE, now);
        assert!(memory.use_permit("viewer", now));
        assert!(!memory.use_permit("viewer", now));
        memory.permit("viewer", now + MINUTE, now);
        assert!(!memory.use_permit("viewer", now + MINUTE * 2));
    }
}
