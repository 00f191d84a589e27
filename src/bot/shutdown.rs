//! How a bot is stopped: by the handle a program keeps, or by Ctrl-C and SIGTERM.

use tokio_util::sync::CancellationToken;

/// Stops a running bot the way Ctrl-C does. Cloning is cheap.
#[derive(Debug, Clone, Default)]
pub struct Shutdown(pub(super) CancellationToken);

impl Shutdown {
    /// Asks the bot to stop: it stops taking events, lets running handlers finish (within the
    /// [shutdown deadline](super::BotBuilder::shutdown_deadline)), sends what is queued (until
    /// 1.75 s after the stop), leaves its channels, and [`Bot::run`](super::Bot::run) returns.
    pub fn trigger(&self) {
        self.0.cancel();
    }
}

/// Cancels `stop` on Ctrl-C or SIGTERM.
pub(super) async fn stop_on_signal(stop: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            tracing::info!("stopping");
            stop.cancel();
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_ok() {
        stop.cancel();
    }
}
