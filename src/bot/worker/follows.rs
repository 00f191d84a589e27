//! A channel's follows: each handed to the handler once, whether it came live or was read back
//! after a (re)subscription, and those made while the bot was stopped replayed from the
//! checkpoint, within `resume.max_age`.

use std::collections::{HashSet, VecDeque};

use crate::api::queries::{RecentFollowers, recent_followers};
use crate::bot::worker::{ResumePoint, Worker};
use crate::error::Result;
use crate::model::Follow;

/// How many follows one catch-up page asks for.
const PAGE: i64 = 100;
/// How many pages a catch-up reads at most; older follows in a longer gap are not read.
const PAGES: usize = 10;
/// How many recent follow ids are remembered: more than can arrive live while a catch-up runs.
const WINDOW: usize = 256;

/// What a channel's worker knows of its follows.
#[derive(Debug)]
pub(crate) struct Follows {
    /// The id of the newest follow seen; a catch-up reads the follows after it.
    newest: u64,
    /// Follows up to this id were made while the bot was stopped: the first catch-up replays
    /// them.
    replay_until: u64,
    /// The ids of the recent follows delivered, oldest first, and the same as a set.
    recent: VecDeque<String>,
    ids: HashSet<String>,
}

impl From<ResumePoint> for Follows {
    fn from(point: ResumePoint) -> Self {
        Self {
            newest: point.after,
            replay_until: point.replay_until,
            recent: VecDeque::new(),
            ids: HashSet::new(),
        }
    }
}

impl Follows {
    /// Records a follow; `false` when it was delivered already.
    fn first_sight(&mut self, follow: &Follow) -> bool {
        if !self.ids.insert(follow.id.clone()) {
            return false;
        }
        if self.recent.len() == WINDOW
            && let Some(oldest) = self.recent.pop_front()
        {
            self.ids.remove(&oldest);
        }
        self.recent.push_back(follow.id.clone());
        if let Some(seq) = follow.seq() {
            self.newest = self.newest.max(seq);
        }
        true
    }
}

impl Worker {
    /// Hands a follow to the handler, once, unless a replayed one is too old.
    pub(super) async fn follow(&mut self, follow: &Follow) {
        if !self.follows.first_sight(follow) || !self.checkpoint.fresh_follow(follow) {
            return;
        }
        self.call("follow", self.handler.on_follow(&self.ctx, follow))
            .await;
        self.checkpoint.followed(self.follows.newest);
    }

    /// Marks the follows of the first catch-up that were made while the bot was stopped as
    /// replayed.
    pub(super) fn mark_replayed(&mut self, follows: &mut [Follow]) {
        let replay_until = std::mem::take(&mut self.follows.replay_until);
        for follow in follows {
            follow.replayed = follow.seq().is_some_and(|seq| seq <= replay_until);
        }
    }

    /// The streamer's follows after the newest one seen, oldest first. An instance that
    /// refuses to list them (an error a retry does not mend) costs the follows, not the
    /// messages the same catch-up delivers: that is logged, and no follow is read back.
    ///
    /// # Errors
    /// A failure a retry may mend (the network, a timeout).
    pub(super) async fn missed_follows(&self) -> Result<Vec<Follow>> {
        match self.read_missed_follows().await {
            Err(error) if !error.is_retryable() => {
                tracing::warn!(%error, "cannot read back the missed follows; they are not delivered");
                Ok(Vec::new())
            }
            read => read,
        }
    }

    /// Reads the follows after the newest one seen page by page, from the newest.
    async fn read_missed_follows(&self) -> Result<Vec<Follow>> {
        let newest = self.follows.newest;
        let mut missed = Vec::new();
        let mut before = None;
        for _ in 0..PAGES {
            let variables = recent_followers::Variables {
                streamer_id: Some(self.ctx.channel().streamer.id.clone()),
                last: Some(PAGE),
                before,
            };
            let page = self.ctx.api().run::<RecentFollowers>(variables).await?;
            let Some(page) = page.followers else {
                break;
            };
            let nodes = page.edges.into_iter().flatten().flatten();
            let follows: Vec<Follow> = nodes.filter_map(|e| e.node).map(Follow::from).collect();
            let reached = follows
                .iter()
                .any(|f| f.seq().is_none_or(|seq| seq <= newest));
            missed.extend(follows.into_iter().filter(|f| {
                f.seq().is_some_and(|seq| seq > newest) && !self.follows.ids.contains(&f.id)
            }));
            if reached || !page.page_info.has_previous_page {
                break;
            }
            before = page.page_info.start_cursor;
        }
        // Whatever order the pages came in, follows are delivered by id.
        missed.sort_by_key(|f| f.seq());
        Ok(missed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::User;

    fn follow(id: u64) -> Follow {
        Follow {
            id: id.to_string(),
            follower: User {
                id: "2".into(),
                username: "viewer".into(),
            },
            followed_at: chrono::NaiveDateTime::default(),
            replayed: false,
        }
    }

    #[test]
    fn a_follow_is_delivered_once_and_the_newest_id_is_kept() {
        let point = ResumePoint {
            after: 4,
            replay_until: 6,
        };
        let mut follows = Follows::from(point);
        assert!(follows.first_sight(&follow(6)));
        assert!(follows.first_sight(&follow(5)));
        assert!(
            !follows.first_sight(&follow(6)),
            "seen live, then read back"
        );
        assert_eq!(follows.newest, 6);
    }

    #[test]
    fn the_window_forgets_the_oldest_beyond_its_size() {
        let mut follows = Follows::from(ResumePoint {
            after: 0,
            replay_until: 0,
        });
        for id in 1..=WINDOW as u64 + 1 {
            assert!(follows.first_sight(&follow(id)));
        }
        assert_eq!(follows.ids.len(), WINDOW);
        assert!(!follows.ids.contains("1"));
    }
}
