//! Where a channel's worker starts reading at start: from the checkpoint the last run left, or,
//! in a channel the bot never ran in, from the newest message and follow.

use crate::bot::worker::checkpoint::{FOLLOW_KEY, KEY};
use crate::error::Result;
use crate::state::ScopedState;

/// Where a channel's worker starts reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ResumePoint {
    /// The catch-up delivers the messages (or follows) after this id.
    pub(crate) after: u64,
    /// Those up to this id came while the bot was stopped: they are replayed.
    pub(crate) replay_until: u64,
}

impl ResumePoint {
    /// From the checkpoint of `state` when there is one behind the channel's `newest` message;
    /// else from `newest`, as a bot that never ran here does not replay the channel's past.
    pub(crate) async fn read(state: &ScopedState, newest: u64) -> Result<Self> {
        Self::read_key(state, KEY, newest).await
    }

    /// As [`Self::read`], for the follows of the channel's streamer.
    pub(crate) async fn read_follows(state: &ScopedState, newest: u64) -> Result<Self> {
        Self::read_key(state, FOLLOW_KEY, newest).await
    }

    async fn read_key(state: &ScopedState, key: &str, newest: u64) -> Result<Self> {
        Ok(match state.get::<u64>(key).await? {
            Some(handled) if handled < newest => Self {
                after: handled,
                replay_until: newest,
            },
            _ => Self {
                after: newest,
                replay_until: 0,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::worker::Checkpoint;
    use crate::config::ResumeConfig;
    use crate::state::State;

    #[tokio::test]
    async fn the_resume_point_is_the_checkpoint_when_it_is_behind_the_channel() {
        let state = State::in_memory().channel("1");
        let fresh = ResumePoint::read(&state, 40)
            .await
            .expect("the state in memory");
        let from_newest = ResumePoint {
            after: 40,
            replay_until: 0,
        };
        assert_eq!(fresh, from_newest, "a first run replays nothing");
        let mut checkpoint = Checkpoint::new(state.clone(), ResumeConfig::default(), 0);
        checkpoint.write(25).await;
        let resumed = ResumePoint::read(&state, 40)
            .await
            .expect("the state in memory");
        let expected = ResumePoint {
            after: 25,
            replay_until: 40,
        };
        assert_eq!(resumed, expected);
        let ahead = ResumePoint::read(&state, 10)
            .await
            .expect("the state in memory");
        let new_history = ResumePoint {
            after: 10,
            replay_until: 0,
        };
        assert_eq!(
            ahead, new_history,
            "a checkpoint ahead of the channel is ignored"
        );
    }
}
