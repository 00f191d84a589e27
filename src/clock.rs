//! The bot's time: what command cooldowns and the send rate limit read.
//!
//! A bot runs on real time. A test runs it on a [`Clock::manual`] clock, real time plus an offset
//! that [`Clock::advance`] moves forward, so a 30-second cooldown passes at once. The offset is
//! added to real time rather than replacing it: network timeouts still run on real time, and
//! waits on this clock (the rate limit's) end early when the offset jumps past them.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::time::Instant;

/// The clock a bot reads. Cloning is cheap, and clones share the offset.
///
/// ```
/// use std::time::Duration;
/// use glimbot::Clock;
///
/// let clock = Clock::manual();
/// let before = clock.now();
/// clock.advance(Duration::from_secs(30));
/// assert!(clock.now().duration_since(before).unwrap() >= Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// How far the clock is ahead of real time; `None` for the real clock.
    offset: Option<Arc<watch::Sender<Duration>>>,
}

impl Clock {
    /// Real time (the default).
    pub fn real() -> Self {
        Self::default()
    }

    /// Real time plus an offset that starts at zero and moves with [`Clock::advance`].
    pub fn manual() -> Self {
        Self {
            offset: Some(Arc::new(watch::Sender::new(Duration::ZERO))),
        }
    }

    /// Moves a manual clock forward, waking the waits it ends.
    ///
    /// # Panics
    /// On the real clock, which only time moves.
    pub fn advance(&self, by: Duration) {
        let offset = self
            .offset
            .as_ref()
            .expect("only a Clock::manual() can be advanced");
        offset.send_modify(|offset| *offset += by);
    }

    fn offset(&self) -> Duration {
        self.offset.as_ref().map_or(Duration::ZERO, |o| *o.borrow())
    }

    /// The wall-clock time, as it can be stored.
    pub fn now(&self) -> SystemTime {
        SystemTime::now() + self.offset()
    }

    /// A monotonic instant on this clock, for measuring waits.
    pub fn instant(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// Waits until this clock reaches `deadline` (an [`Clock::instant`]), by real time passing
    /// or by the clock being advanced.
    pub async fn sleep_until(&self, deadline: Instant) {
        let Some(offset) = &self.offset else {
            return tokio::time::sleep_until(deadline).await;
        };
        let mut changes = offset.subscribe();
        loop {
            let ahead = *changes.borrow_and_update();
            let real = deadline.checked_sub(ahead).unwrap_or_else(Instant::now);
            tokio::select! {
                () = tokio::time::sleep_until(real) => return,
                changed = changes.changed() => {
                    if changed.is_err() {
                        return tokio::time::sleep_until(real).await;
                    }
                }
            }
        }
    }

    /// Waits for `wait` on this clock.
    pub async fn sleep(&self, wait: Duration) {
        self.sleep_until(self.instant() + wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_real_clock_sleeps_in_real_time() {
        let (clock, start) = (Clock::real(), Instant::now());
        clock.sleep(Duration::from_secs(3)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn advancing_a_manual_clock_ends_a_wait_early() {
        let clock = Clock::manual();
        let (sleeper, start) = (clock.clone(), Instant::now());
        let wait = tokio::spawn(async move { sleeper.sleep(Duration::from_secs(30)).await });
        tokio::time::sleep(Duration::from_secs(1)).await;
        clock.advance(Duration::from_secs(29));
        wait.await.expect("the wait ends");
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_small_advance_shortens_the_wait_by_as_much() {
        let clock = Clock::manual();
        let (sleeper, start) = (clock.clone(), Instant::now());
        let wait = tokio::spawn(async move { sleeper.sleep(Duration::from_secs(30)).await });
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(10));
        wait.await.expect("the wait ends");
        assert_eq!(start.elapsed(), Duration::from_secs(20));
    }
}
