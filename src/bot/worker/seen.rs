//! What a channel's worker has delivered: a bounded window of recent messages, so that a
//! message arriving twice (live and again in a catch-up) is handled once, whatever its id.
//!
//! Ids are trusted only for ordering the catch-up, never to declare a message seen: one bogus
//! huge id, or an instance restarted with fresh ids, must not silence the channel.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;

use chrono::{NaiveDateTime, Timelike};

use crate::bot::CHANNEL_QUEUE;
use crate::bot::worker::catch_up::LONGEST_CATCH_UP;
use crate::model::ChatMessage;

/// How many recent messages are remembered: a whole catch-up and the channel's queue. The live
/// events that queue while a catch-up reads are the oldest it delivers again when the instance
/// was busy meanwhile, so they must still be in the window once it is done. Each window grows
/// only as far as its channel's traffic (18 KB at most).
const WINDOW: usize = LONGEST_CATCH_UP + CHANNEL_QUEUE;

/// A message's identity: its id with its author and text, so that an id reused by a restored
/// instance names a different message.
type Key = u64;

/// The recent messages of one channel, and where its history stands.
#[derive(Debug)]
pub(crate) struct Seen {
    /// Hashes messages into keys with a fast hash seeded at random: a collision would only make
    /// the bot skip one message, and nobody outside can aim for one.
    hasher: RandomState,
    /// The keys of the latest messages, at most [`WINDOW`]; once full, `next` is overwritten.
    recent: Vec<Key>,
    next: usize,
    /// No message in the window has a larger id: one with a larger id is new without a search,
    /// which is every live message in order.
    highest: u64,
    /// The id of the latest message of the current history; the catch-up reads past it.
    newest: u64,
    /// When that message was sent; a new history is read back to it.
    newest_at: NaiveDateTime,
}

impl Seen {
    /// Nothing seen yet; the channel's newest message at start has id `newest`.
    pub(crate) fn after(newest: u64) -> Self {
        Self {
            hasher: RandomState::default(),
            recent: Vec::new(),
            next: 0,
            highest: 0,
            newest,
            // Whole seconds, as Glimesh stores times.
            newest_at: chrono::Utc::now()
                .naive_utc()
                .with_nanosecond(0)
                .unwrap_or_default(),
        }
    }

    /// The id of the latest message of the current history.
    pub(crate) fn newest(&self) -> u64 {
        self.newest
    }

    /// When the latest message of the current history was sent.
    pub(crate) fn newest_at(&self) -> NaiveDateTime {
        self.newest_at
    }

    fn key(&self, message: &ChatMessage) -> Key {
        self.hasher
            .hash_one((&message.id, &message.author.id, &message.text))
    }

    /// Whether a message with this key and id is in the window.
    fn holds(&self, key: Key, seq: Option<u64>) -> bool {
        if seq.is_some_and(|seq| seq > self.highest) {
            return false;
        }
        // Compared in chunks without an early exit, which the compiler turns into vector code.
        self.recent
            .chunks(16)
            .any(|chunk| chunk.iter().fold(false, |found, &k| found | (k == key)))
    }

    /// Whether this message was delivered already.
    pub(crate) fn contains(&self, message: &ChatMessage) -> bool {
        self.holds(self.key(message), message.seq())
    }

    /// Records a message; `false` when it was delivered already. An id below the latest one
    /// starts a new history (an instance restarted or restored): it is delivered, with a warning.
    pub(crate) fn first_sight(&mut self, message: &ChatMessage) -> bool {
        let (key, seq) = (self.key(message), message.seq());
        if self.holds(key, seq) {
            return false;
        }
        if self.recent.len() < WINDOW {
            self.recent.push(key);
        } else {
            self.recent[self.next] = key;
            self.next = (self.next + 1) % WINDOW;
        }
        // Ids that are not numbers always take the search.
        self.highest = self.highest.max(seq.unwrap_or(u64::MAX));
        if let Some(seq) = seq {
            if seq < self.newest {
                tracing::warn!(
                    id = seq,
                    newest = self.newest,
                    "a message id went backwards; the instance has a new history (restarted or restored)"
                );
            }
            self.newest = seq;
            self.newest_at = message.sent_at;
        }
        true
    }

    /// The instance's ids went backwards: what comes next is read by time, not by id.
    pub(crate) fn start_new_history(&mut self) {
        self.newest = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::User;

    fn message(id: u64, text: &str) -> ChatMessage {
        ChatMessage {
            id: id.to_string(),
            text: text.into(),
            author: User {
                id: "2".into(),
                username: "viewer".into(),
            },
            author_is_moderator: false,
            author_is_streamer: false,
            sent_at: NaiveDateTime::default(),
            replayed: false,
        }
    }

    #[test]
    fn a_message_is_new_once_however_large_or_small_its_id() {
        let mut seen = Seen::after(10);
        assert!(seen.first_sight(&message(u64::MAX, "huge")));
        assert!(!seen.first_sight(&message(u64::MAX, "huge")));
        assert!(seen.first_sight(&message(11, "after the huge one")));
        assert_eq!(seen.newest(), 11, "a jump backwards starts a new history");
        assert!(seen.first_sight(&message(3, "older, unseen")));
        assert!(!seen.first_sight(&message(11, "after the huge one")));
        assert!(
            seen.first_sight(&message(11, "a restored instance reused the id")),
            "the same id with another text is another message"
        );
    }

    #[test]
    fn the_live_messages_queued_behind_the_longest_catch_up_are_each_delivered_once() {
        let mut seen = Seen::after(0);
        let caught_up = LONGEST_CATCH_UP as u64;
        for id in 1..=caught_up {
            assert!(seen.first_sight(&message(id, "m")), "{id} read back");
        }
        // The socket read the oldest of them live and queued them while the catch-up read.
        for id in 1..=CHANNEL_QUEUE as u64 {
            assert!(!seen.first_sight(&message(id, "m")), "{id} delivered twice");
        }
        assert!(seen.first_sight(&message(caught_up + 1, "m")));
        assert_eq!(seen.newest(), caught_up + 1);
    }

    #[test]
    fn the_window_forgets_the_oldest_beyond_its_size() {
        let mut seen = Seen::after(0);
        for id in 1..=WINDOW as u64 + 1 {
            assert!(seen.first_sight(&message(id, "m")));
        }
        assert_eq!(seen.recent.len(), WINDOW);
        assert!(!seen.contains(&message(1, "m")));
        assert!(seen.contains(&message(2, "m")));
    }
}
