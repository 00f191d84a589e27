//! Exponential backoff with full jitter, capped: the one way glimbot waits before trying again.

use std::time::Duration;

use rand::Rng;

use crate::error::Result;

/// Delays that grow exponentially up to a cap, each drawn at random from zero to the current
/// bound ("full jitter"), so that many clients retrying at once spread out.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Backoff {
    pub(crate) fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap,
            attempt: 0,
        }
    }

    /// The upper bound of the next delay, without drawing it.
    fn bound(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The next delay: uniform in `[0, min(cap, base * 2^attempt)]`.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let bound = self.bound();
        self.attempt = self.attempt.saturating_add(1);
        bound.mul_f64(rand::rng().random::<f64>())
    }

    /// Starts over after a success.
    pub(crate) fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// Runs `attempt` up to `attempts` times, waiting with `backoff` between tries, for as long
/// as it fails with an error that [`crate::Error::is_retryable`] says may pass.
pub(crate) async fn retry<T, F, Fut>(
    attempts: u32,
    mut backoff: Backoff,
    doing: &str,
    attempt: F,
) -> Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut tried = 1;
    loop {
        match attempt().await {
            Err(e) if e.is_retryable() && tried < attempts => {
                tracing::warn!(error = %e, tried, "{doing} failed; trying again");
                tokio::time::sleep(backoff.next_delay()).await;
                tried += 1;
            }
            outcome => return outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_under_a_bound_that_doubles_up_to_the_cap() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        let bounds = [100, 200, 400, 800, 1000, 1000, 1000];
        for bound in bounds {
            assert_eq!(backoff.bound(), Duration::from_millis(bound));
            assert!(backoff.next_delay() <= Duration::from_millis(bound));
        }
        for _ in 0..100 {
            assert!(
                backoff.next_delay() <= Duration::from_secs(1),
                "never past the cap, even after many attempts"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retry_tries_again_only_while_the_error_may_pass() {
        use std::sync::atomic::{AtomicU32, Ordering};
        let calls = AtomicU32::new(0);
        let backoff = || Backoff::new(Duration::from_millis(10), Duration::from_millis(10));
        let flaky = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(crate::Error::http("503"))
        };
        assert!(retry(3, backoff(), "asking", flaky).await.is_err());
        assert_eq!(calls.swap(0, Ordering::SeqCst), 3, "three attempts in all");

        let refused = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(crate::Error::GraphQl(vec!["unauthorized".into()]))
        };
        assert!(retry(3, backoff(), "asking", refused).await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1, "a refusal is final");
    }

    #[test]
    fn delays_are_spread_out() {
        let mut delays: Vec<Duration> = (0..50)
            .map(|_| Backoff::new(Duration::from_secs(1), Duration::from_secs(1)).next_delay())
            .collect();
        delays.sort();
        delays.dedup();
        assert!(delays.len() > 40, "full jitter draws distinct delays");
    }
}
