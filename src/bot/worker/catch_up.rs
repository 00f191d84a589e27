//! The catch-up after a (re)subscription: reads back the channel's messages and follows that
//! the socket could not deliver, trying until it succeeds or the bot stops. Live events wait in
//! the channel's bounded queue meanwhile, so nothing newer is handled before the gap is filled.

use std::time::Duration;

use crate::api::queries::{RecentChatMessages, recent_chat_messages};
use crate::backoff::Backoff;
use crate::bot::worker::Worker;
use crate::error::{Error, Result};
use crate::model::ChatMessage;

/// How many messages one catch-up page asks for.
const CATCH_UP_PAGE: usize = 100;
/// How many pages a catch-up reads at most; a longer gap is reported as lost.
const CATCH_UP_PAGES: usize = 20;
/// The most messages one catch-up delivers.
pub(super) const LONGEST_CATCH_UP: usize = CATCH_UP_PAGE * CATCH_UP_PAGES;

/// What a catch-up found.
struct Missed {
    /// The unseen messages, oldest first.
    messages: Vec<ChatMessage>,
    /// Whether the instance's ids went backwards since the last message seen.
    new_history: bool,
    /// At most how many messages were lost because the gap was longer than a catch-up reads.
    lost: u64,
}

impl Worker {
    /// Delivers the messages and follows missed since the last ones seen, in the order they
    /// happened. Returns early only when the bot stops.
    pub(super) async fn catch_up(&mut self) {
        let ctx = self.ctx.clone();
        let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(10));
        let (missed, follows) = loop {
            // Channels take turns, so that many reconnecting at once do not send as many
            // queries in the same instant.
            let attempt = async {
                let _turn = self.catch_ups.acquire().await;
                let missed = self.missed_messages().await?;
                Ok::<_, Error>((missed, self.missed_follows().await?))
            };
            let attempt = tokio::select! {
                () = ctx.stopped() => return,
                attempt = attempt => attempt,
            };
            match attempt {
                Ok(found) => break found,
                Err(error) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(%error, retry_in = ?delay, "cannot read the missed messages and follows yet; new ones wait");
                    tokio::select! {
                        () = ctx.stopped() => return,
                        () = tokio::time::sleep(delay) => {}
                    }
                }
            }
        };
        if missed.new_history {
            tracing::warn!(
                newest = self.seen.newest(),
                "the channel's ids went backwards; the instance has a new history (restarted or restored), read back by time"
            );
            self.seen.start_new_history();
        }
        self.metrics
            .caught_up(missed.messages.len() as u64, missed.lost);
        // Only the first catch-up reads what was sent while the bot was stopped.
        let replay_until = std::mem::take(&mut self.resume.replay_until);
        let mut follows = follows;
        self.mark_replayed(&mut follows);
        // Messages and follows come in the order they happened, each kind in its own order.
        let mut follows = follows.into_iter().peekable();
        for mut message in missed.messages {
            while let Some(follow) = follows.next_if(|f| f.followed_at <= message.sent_at) {
                self.follow(&follow).await;
            }
            message.replayed = message.seq().is_some_and(|seq| seq <= replay_until);
            self.message(&message).await;
        }
        for follow in follows {
            self.follow(&follow).await;
        }
        self.checkpoint.report_skipped();
    }

    /// The channel's messages the bot has not seen, oldest first, read back page by page
    /// from the newest: those after the newest id seen or, in a new history, those sent since
    /// the newest message seen.
    async fn missed_messages(&self) -> Result<Missed> {
        let seen = &self.seen;
        let (newest, newest_at) = (seen.newest(), seen.newest_at());
        let mut missed = Vec::new();
        let mut new_history = None;
        let mut before = None;
        for _ in 0..CATCH_UP_PAGES {
            let variables = recent_chat_messages::Variables {
                channel_id: Some(self.ctx.channel().id.clone()),
                last: Some(CATCH_UP_PAGE as i64),
                before,
            };
            let page = self.ctx.api().run::<RecentChatMessages>(variables).await?;
            let Some(page) = page.channel.and_then(|c| c.chat_messages) else {
                break;
            };
            let nodes: Vec<ChatMessage> = page
                .edges
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.node)
                .map(ChatMessage::from)
                .collect();
            let new_history = *new_history.get_or_insert_with(|| {
                let latest = nodes.last().and_then(ChatMessage::seq);
                latest.is_some_and(|latest| latest < newest)
            });
            let reached = |m: &ChatMessage| {
                if new_history {
                    m.sent_at < newest_at
                } else {
                    m.seq().is_none_or(|seq| seq <= newest)
                }
            };
            let reached_seen = nodes.iter().any(reached);
            missed.extend(
                nodes
                    .into_iter()
                    .rev()
                    .filter(|m| !reached(m) && !seen.contains(m)),
            );
            if reached_seen || !page.page_info.has_previous_page {
                missed.reverse();
                return Ok(Missed {
                    messages: missed,
                    new_history,
                    lost: 0,
                });
            }
            before = page.page_info.start_cursor;
        }
        let new_history = new_history.unwrap_or(false);
        let oldest_read = missed.last().and_then(ChatMessage::seq).unwrap_or(newest);
        // Ids are shared by every channel of the instance: at most this many are lost.
        let unread_ids = oldest_read.saturating_sub(newest.saturating_add(1));
        if new_history {
            tracing::error!(
                read = missed.len(),
                before_id = oldest_read,
                "the new history is longer than a catch-up reads; its older messages are lost"
            );
        } else {
            tracing::error!(
                read = missed.len(),
                after_id = newest,
                before_id = oldest_read,
                unread_ids,
                "the gap is longer than a catch-up reads; the older messages in it are lost"
            );
        }
        missed.reverse();
        Ok(Missed {
            messages: missed,
            new_history,
            // A new history's ids say nothing of how many are lost.
            lost: if new_history { 0 } else { unread_ids },
        })
    }
}
