//! Expectations: each waits (within the harness's patience) for what the bot does, and on
//! failure panics with the chat and the moderation log.

use std::fmt::Write as _;
use std::time::Duration;

use crate::escape::Escaped;
use crate::sim::{BOT, ChatLine};
use crate::testing::Harness;

/// How often a wait looks at the moderation log, which pushes no events.
const POLL: Duration = Duration::from_millis(5);

impl Harness {
    /// Expects the bot's next message to be `text`, and returns it.
    ///
    /// # Panics
    /// When the bot says something else, or nothing in time; with the chat so far.
    pub async fn expect_message(&mut self, text: &str) -> ChatLine {
        let what = format!("the bot to say {text:?}");
        self.expect_message_matching(&what, |said| said == text)
            .await
    }

    /// Expects the bot's next message to match `matches`; `what` describes it for the panic.
    ///
    /// ```
    /// # use glimbot::testing::{Harness, VIEWER};
    /// # async fn demo(chat: &mut Harness) {
    /// chat.say(VIEWER, "!roll 2d6").await;
    /// chat.expect_message_matching("a roll", |text| text.starts_with("@viewer 2d6: "))
    ///     .await;
    /// # }
    /// ```
    ///
    /// # Panics
    /// When the bot says something else, or nothing in time; with the chat so far.
    pub async fn expect_message_matching(
        &mut self,
        what: &str,
        matches: impl Fn(&str) -> bool,
    ) -> ChatLine {
        let line = self
            .wait_for(what, |harness| harness.unheard().into_iter().next())
            .await;
        if !matches(&line.message) {
            self.fail(&format!("{what}, but it said {:?}", line.message));
        }
        self.heard += 1;
        line
    }

    /// Expects the bot to have said nothing more once it has handled every message said so far.
    /// Messages the bot sends later by itself (or for a follow) are not waited for.
    ///
    /// # Panics
    /// When the bot said something, or did not handle the messages in time.
    pub async fn expect_no_message(&mut self) {
        let last_said = self.last_said;
        let handled = tokio::time::timeout(self.patience, async {
            // The `Ref` is dropped at once: holding it would block the bot.
            let caught_up = self.progress.wait_for(|p| p.handled >= last_said).await;
            caught_up.is_ok()
        })
        .await;
        if handled != Ok(true) {
            self.fail("the bot to handle every message said");
        }
        if let Some(line) = self.unheard().first() {
            let said = line.message.clone();
            self.fail(&format!("no message from the bot, but it said {said:?}"));
        }
    }

    /// Expects the message with this id (from [`Harness::say`]) to be deleted, or hidden by a
    /// ban or timeout of its author.
    ///
    /// # Panics
    /// When it is still visible after the wait; with the chat so far.
    pub async fn expect_deleted(&mut self, message_id: &str) {
        let what = format!("message {message_id} to be deleted");
        self.wait_for(&what, |harness| {
            harness.sim.is_hidden(message_id).then_some(())
        })
        .await;
    }

    /// Expects a moderator (the bot) to give `user` a short timeout (5 minutes).
    ///
    /// # Panics
    /// When none is in the moderation log after the wait; with the chat so far.
    pub async fn expect_short_timeout(&mut self, user: &str) {
        self.expect_moderation(user, "short_timeout").await;
    }

    /// Expects a moderator (the bot) to give `user` a long timeout (15 minutes).
    ///
    /// # Panics
    /// When none is in the moderation log after the wait; with the chat so far.
    pub async fn expect_long_timeout(&mut self, user: &str) {
        self.expect_moderation(user, "long_timeout").await;
    }

    /// Expects a moderator (the bot) to ban `user` from the channel.
    ///
    /// # Panics
    /// When no ban is in the moderation log after the wait; with the chat so far.
    pub async fn expect_ban(&mut self, user: &str) {
        self.expect_moderation(user, "ban").await;
    }

    async fn expect_moderation(&mut self, user: &str, action: &str) {
        let what = format!("a {} of {user}", action.replace('_', " "));
        self.wait_for(&what, |harness| {
            let log = harness.sim.moderation_log(&harness.channel_id);
            let done = log
                .iter()
                .any(|m| m.action == action && m.user.eq_ignore_ascii_case(user));
            done.then_some(())
        })
        .await;
    }

    /// The bot's messages no expectation has taken yet.
    fn unheard(&self) -> Vec<ChatLine> {
        let mut lines = self.transcript();
        lines.retain(|line| line.username == BOT);
        lines.split_off(self.heard.min(lines.len()))
    }

    /// Checks `found` each time a chat message is stored (and every few milliseconds), until it
    /// finds something or the patience runs out.
    async fn wait_for<T>(&mut self, what: &str, found: impl Fn(&Harness) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + self.patience;
        let mut poll = tokio::time::interval(POLL);
        loop {
            if let Some(found) = found(self) {
                return found;
            }
            tokio::select! {
                Some(_) = self.feed.recv() => {}
                _ = poll.tick() => {}
                () = tokio::time::sleep_until(deadline) => {
                    let patience = self.patience;
                    self.fail(&format!("{what} within {patience:?}"));
                }
            }
        }
    }

    /// Panics saying what was expected, with the chat and the moderation log.
    pub(crate) fn fail(&self, expected: &str) -> ! {
        panic!("expected {expected}\n{}", self.describe())
    }

    /// The chat and the moderation log, a line each, as a failure shows them.
    fn describe(&self) -> String {
        let mut text = String::from("the chat:\n");
        for line in self.transcript() {
            let hidden = if self.sim.is_hidden(&line.id) {
                " (deleted)"
            } else {
                ""
            };
            let separator = if line.message.starts_with(' ') {
                ""
            } else {
                ": "
            };
            let _ = writeln!(
                text,
                "  {}{separator}{}{hidden}",
                Escaped(&line.username),
                Escaped(&line.message)
            );
        }
        let log = self.sim.moderation_log(&self.channel_id);
        if !log.is_empty() {
            text.push_str("moderation:\n");
            for m in log {
                let (moderator, user) = (Escaped(&m.moderator), Escaped(&m.user));
                let _ = writeln!(text, "  {moderator} {} {user}", m.action);
            }
        }
        text
    }
}
