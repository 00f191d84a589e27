//! Cooldowns that outlast a restart: kept in memory for the router, which checks them on every
//! command, and written through to the channel's state whenever a use starts one.
//!
//! A use that starts a cooldown is rare next to the messages a channel handles, and its write
//! runs on a task of its own, so the worker never waits on the store. Each write waits for the
//! one before it, so they land in order, and a clean stop waits for the last
//! ([`StoredCooldowns::saved`]). A crash loses at most the uses whose write had not landed.

use std::time::{Duration, SystemTime};

use tokio::task::JoinHandle;

use crate::bot::cooldown::{Cooldowns, Running};
use crate::state::ScopedState;

/// The channel's key holding the cooldowns in force.
const KEY: &str = "glimbot.cooldowns";

/// A channel's cooldowns, in memory and in its state.
#[derive(Debug)]
pub(crate) struct StoredCooldowns {
    cooldowns: Cooldowns,
    state: ScopedState,
    /// The latest write, which the next one waits for.
    writing: Option<JoinHandle<()>>,
}

impl StoredCooldowns {
    /// The cooldowns stored in `state` that still run at `now`. Stored cooldowns that cannot be
    /// read are logged and forgotten: a restart should not stop a bot over a cooldown.
    pub(crate) async fn load(state: ScopedState, now: SystemTime) -> Self {
        let running = state.get::<Running>(KEY).await.unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot read the stored cooldowns; they start afresh");
            None
        });
        Self {
            cooldowns: Cooldowns::restored(running.unwrap_or_default(), now),
            state,
            writing: None,
        }
    }

    /// As [`Cooldowns::try_use`]; a use that starts a cooldown is written to the state.
    ///
    /// # Errors
    ///
    /// The wait, always more than zero, when a cooldown still applies.
    pub(crate) fn try_use(
        &mut self,
        command: &str,
        user: &str,
        per_user: Option<Duration>,
        global: Option<Duration>,
        now: SystemTime,
    ) -> Result<(), Duration> {
        self.cooldowns
            .try_use(command, user, per_user, global, now)?;
        if [per_user, global].iter().flatten().any(|d| !d.is_zero()) {
            self.save();
        }
        Ok(())
    }

    /// Writes the cooldowns in force on a task of its own, after the write before it.
    fn save(&mut self) {
        let (state, running) = (self.state.clone(), self.cooldowns.commands.clone());
        let previous = self.writing.take();
        self.writing = Some(tokio::spawn(async move {
            if let Some(previous) = previous {
                let _ = previous.await;
            }
            if let Err(error) = state.set(KEY, &running).await {
                tracing::warn!(%error, "cannot store the cooldowns; a restart forgets the latest");
            }
        }));
    }

    /// Waits until every write started has landed.
    pub(crate) async fn saved(&mut self) {
        if let Some(writing) = self.writing.take() {
            let _ = writing.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::State;

    #[tokio::test]
    async fn running_cooldowns_are_stored_and_read_back_and_passed_ones_are_not() {
        let state = State::in_memory().channel("1");
        let now = SystemTime::now();
        let (minute, second) = (Duration::from_secs(60), Duration::from_secs(1));
        let mut cooldowns = StoredCooldowns::load(state.clone(), now).await;
        assert_eq!(
            cooldowns.try_use("so", "ann", None, Some(minute), now),
            Ok(())
        );
        assert_eq!(
            cooldowns.try_use("hug", "bob", Some(second), None, now),
            Ok(())
        );
        cooldowns.saved().await;

        let later = now + Duration::from_secs(10);
        let mut restarted = StoredCooldowns::load(state, later).await;
        assert_eq!(restarted.cooldowns.entries(), 1, "the passed one is gone");
        assert_eq!(
            restarted.try_use("so", "bob", None, Some(minute), later),
            Err(Duration::from_secs(50)),
            "the global cooldown outlasted the restart"
        );
        assert_eq!(
            restarted.try_use("hug", "bob", Some(second), None, later),
            Ok(())
        );
    }

    #[tokio::test]
    async fn unreadable_stored_cooldowns_start_afresh() {
        let state = State::in_memory().channel("1");
        state.set(KEY, "not cooldowns").await.expect("in memory");
        let now = SystemTime::now();
        let mut cooldowns = StoredCooldowns::load(state, now).await;
        let minute = Some(Duration::from_secs(60));
        assert_eq!(cooldowns.try_use("so", "ann", None, minute, now), Ok(()));
    }
}
