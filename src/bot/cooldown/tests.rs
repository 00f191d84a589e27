//! Cooldowns: who waits, for how long, and what is remembered.

use super::*;

/// Cooldowns driven by a clock counted in whole seconds from a fixed start.
struct Chat {
    cooldowns: Cooldowns,
    base: SystemTime,
}

impl Chat {
    fn new() -> Self {
        let (cooldowns, base) = (Cooldowns::default(), SystemTime::now());
        Self { cooldowns, base }
    }

    /// `user` runs `command` `at` seconds after the start, with cooldowns in seconds.
    fn run(&mut self, at: u64, command: &str, user: &str, cooldowns: [u64; 2]) -> Result<(), u64> {
        let length = |secs| (secs > 0).then(|| Duration::from_secs(secs));
        let now = self.base + Duration::from_secs(at);
        let [per_user, global] = cooldowns.map(length);
        let wait = self.cooldowns.try_use(command, user, per_user, global, now);
        wait.map_err(|wait| wait.as_secs())
    }
}

const PER_USER_10: [u64; 2] = [10, 0];

#[test]
fn a_per_user_cooldown_blocks_that_user_only() {
    let mut chat = Chat::new();
    assert_eq!(chat.run(0, "roll", "ann", PER_USER_10), Ok(()));
    assert_eq!(chat.run(4, "roll", "ann", PER_USER_10), Err(6));
    assert_eq!(chat.run(4, "roll", "bob", PER_USER_10), Ok(()));
    assert_eq!(chat.run(4, "quote", "ann", PER_USER_10), Ok(()));
}

#[test]
fn a_global_cooldown_blocks_everyone() {
    let mut chat = Chat::new();
    assert_eq!(chat.run(0, "so", "ann", [0, 30]), Ok(()));
    assert_eq!(chat.run(10, "so", "bob", [0, 30]), Err(20));
    assert_eq!(chat.run(10, "so", "ann", [0, 30]), Err(20));
}

#[test]
fn with_both_cooldowns_the_longer_wait_is_returned() {
    let mut chat = Chat::new();
    assert_eq!(chat.run(0, "hug", "ann", [60, 5]), Ok(()));
    assert_eq!(chat.run(2, "hug", "ann", [60, 5]), Err(58));
    assert_eq!(chat.run(2, "hug", "bob", [60, 5]), Err(3));
}

#[test]
fn a_refused_use_records_nothing() {
    let mut chat = Chat::new();
    assert_eq!(chat.run(0, "hug", "ann", [10, 5]), Ok(()));
    assert_eq!(chat.run(3, "hug", "ann", [10, 5]), Err(7));
    assert_eq!(chat.run(3, "hug", "bob", [10, 5]), Err(2));
    // Had the refusals counted, Bob would wait until 8 s and Ann until 13 s.
    assert_eq!(chat.run(5, "hug", "bob", [10, 5]), Ok(()));
    assert_eq!(chat.run(10, "hug", "ann", [10, 0]), Ok(()));
}

#[test]
fn a_use_is_allowed_once_the_cooldown_has_passed() {
    let (mut cooldowns, base) = (Cooldowns::default(), SystemTime::now());
    let (ten, milli) = (Some(Duration::from_secs(10)), Duration::from_millis(1));
    assert_eq!(cooldowns.try_use("roll", "ann", ten, None, base), Ok(()));
    let almost = base + Duration::from_secs(10) - milli;
    assert_eq!(
        cooldowns.try_use("roll", "ann", ten, None, almost),
        Err(milli)
    );
    assert_eq!(
        cooldowns.try_use("roll", "ann", ten, None, almost + milli),
        Ok(())
    );
}

#[test]
fn no_or_zero_cooldowns_never_block_and_record_nothing() {
    let (mut cooldowns, now) = (Cooldowns::default(), SystemTime::now());
    for _ in 0..3 {
        assert_eq!(
            cooldowns.try_use("ping", "ann", None, Some(Duration::ZERO), now),
            Ok(())
        );
    }
    assert_eq!(cooldowns.entries(), 0);
}

#[test]
fn expired_entries_are_swept_so_many_users_keep_the_map_small() {
    let mut chat = Chat::new();
    for i in 0..10_000 {
        assert_eq!(chat.run(i, "roll", &format!("user{i}"), [5, 1]), Ok(()));
    }
    // At most the 5 users and 1 global entry still live, plus the uses between sweeps.
    let entries = chat.cooldowns.entries();
    assert!(entries <= MIN_SWEEP_INTERVAL + 6, "{entries} entries held");
}

#[test]
fn live_cooldowns_survive_a_sweep() {
    let mut chat = Chat::new();
    assert_eq!(chat.run(0, "roll", "ann", [3600, 0]), Ok(()));
    for i in 0..1_000 {
        assert_eq!(chat.run(i, "hug", &format!("user{i}"), [1, 0]), Ok(()));
    }
    assert_eq!(chat.run(1_000, "roll", "ann", [0, 0]), Err(2_600));
}
