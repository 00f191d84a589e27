//! Per-user and channel-wide cooldowns for commands.
//!
//! Time is passed in rather than read here, so the rules are tested with explicit instants.
//! [`StoredCooldowns`] keeps them in the channel's state, so that they outlast a restart.

mod stored;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

pub(crate) use stored::StoredCooldowns;

/// The cooldowns in force, by command name: what is stored.
type Running = HashMap<String, CommandCooldowns>;

/// How many uses are recorded before the first sweep for expired entries; later sweeps wait
/// until as many new uses as there were live entries, so sweeping costs O(1) per use on average.
const MIN_SWEEP_INTERVAL: usize = 64;

/// When a command may run again: a per-user and a channel-wide (global) cooldown per command name.
#[derive(Debug, Default)]
pub(crate) struct Cooldowns {
    /// Cooldowns in force, by command name.
    commands: Running,
    /// Uses recorded since the last sweep.
    recorded_since_sweep: usize,
    /// Live entries left by the last sweep.
    live_after_sweep: usize,
}

/// The cooldowns of one command.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct CommandCooldowns {
    /// The channel-wide cooldown, if one is running.
    global: Option<Entry>,
    /// Running per-user cooldowns, by user.
    users: HashMap<String, Entry>,
}

/// One recorded use and the cooldown it started.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Entry {
    /// When the command was used: wall-clock time, so that it can be stored.
    at: SystemTime,
    /// How long it blocks from then; kept with the use because the caller may pass a different
    /// length later, and a sweep must know when this entry lapses without asking.
    cooldown: Duration,
}

impl Entry {
    /// How long until this cooldown has passed; zero once it has. Subtracting durations rather
    /// than adding to the time cannot overflow, whatever length the caller configured; a clock
    /// set back counts as no time passed.
    fn remaining(self, now: SystemTime) -> Duration {
        let passed = now.duration_since(self.at).unwrap_or_default();
        self.cooldown.saturating_sub(passed)
    }
}

impl Cooldowns {
    /// The cooldowns of `running` that have not passed at `now`.
    fn restored(running: Running, now: SystemTime) -> Self {
        let mut cooldowns = Self {
            commands: running,
            ..Self::default()
        };
        cooldowns.sweep(now);
        cooldowns
    }

    /// Records a use of `command` by `user` at `now` if both cooldowns allow it; otherwise returns
    /// how long until it is allowed (the longer of the two waits) and records nothing.
    ///
    /// A cooldown of `None` or zero starts nothing. A cooldown runs for the length given when it
    /// started, so changing a command's cooldowns affects later uses only.
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
        if let Some(cooldowns) = self.commands.get(command) {
            let user_wait = cooldowns.users.get(user).map(|e| e.remaining(now));
            let global_wait = cooldowns.global.map(|e| e.remaining(now));
            let wait = user_wait.max(global_wait).unwrap_or_default();
            if !wait.is_zero() {
                return Err(wait);
            }
        }
        let start = |cooldown: Option<Duration>| {
            cooldown
                .filter(|d| !d.is_zero())
                .map(|cooldown| Entry { at: now, cooldown })
        };
        let (user_entry, global_entry) = (start(per_user), start(global));
        if user_entry.is_none() && global_entry.is_none() {
            return Ok(());
        }
        let cooldowns = self.commands.entry(command.to_owned()).or_default();
        if let Some(entry) = user_entry {
            cooldowns.users.insert(user.to_owned(), entry);
        }
        if global_entry.is_some() {
            cooldowns.global = global_entry;
        }
        self.recorded_since_sweep += 1;
        if self.recorded_since_sweep >= self.live_after_sweep.max(MIN_SWEEP_INTERVAL) {
            self.sweep(now);
        }
        Ok(())
    }

    /// Drops every entry whose cooldown has passed, so memory follows the live cooldowns rather
    /// than everyone who ever used a command.
    fn sweep(&mut self, now: SystemTime) {
        let mut live = 0;
        self.commands.retain(|_, cooldowns| {
            cooldowns.users.retain(|_, e| !e.remaining(now).is_zero());
            cooldowns.global = cooldowns.global.filter(|e| !e.remaining(now).is_zero());
            live += cooldowns.users.len() + usize::from(cooldowns.global.is_some());
            !cooldowns.users.is_empty() || cooldowns.global.is_some()
        });
        self.live_after_sweep = live;
        self.recorded_since_sweep = 0;
    }

    /// How many entries are held, expired or not.
    #[cfg(test)]
    fn entries(&self) -> usize {
        let count = |c: &CommandCooldowns| c.users.len() + usize::from(c.global.is_some());
        self.commands.values().map(count).sum()
    }
}

#[cfg(test)]
mod tests;
