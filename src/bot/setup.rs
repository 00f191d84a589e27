//! Each channel's worker, made once its channel is found: its sender, its state, where it
//! resumes, and its cooldowns.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::bot::start::Newest;
use crate::bot::worker::{self, Worker};
use crate::bot::{Bot, Context, context, cooldown, sender};
use crate::error::Result;
use crate::model::{Channel, User};
use crate::state::State;

/// What every channel's worker shares.
pub(super) struct Common {
    /// The bot's own account.
    pub(super) me: Arc<User>,
    pub(super) catch_ups: Arc<Semaphore>,
    pub(super) shared: context::Shared,
    /// Cancelled once the senders are to send what they hold and end.
    pub(super) flush: CancellationToken,
}

impl Bot {
    /// The worker of the channel at `index`, and the task of its sender.
    pub(super) async fn worker(
        &self,
        index: usize,
        (channel, newest): (Channel, Newest),
        state: &State,
        common: &Common,
    ) -> Result<(Worker, JoinHandle<()>)> {
        let metrics = self.metrics.channel(index);
        let limits = &self.config.sending;
        let rate = sender::RateLimit::new(limits.per_second, limits.burst, self.clock.clone());
        let (outbox, sending) = sender::spawn(
            self.api.clone(),
            channel.id.clone(),
            rate,
            common.flush.clone(),
            metrics.clone(),
        );
        let channel_state = state.channel(&channel.id);
        let resume = worker::ResumePoint::read(&channel_state, newest.message).await?;
        let follows = worker::ResumePoint::read_follows(&channel_state, newest.follow).await?;
        let checkpoint = worker::Checkpoint::new(
            channel_state.clone(),
            self.config.resume.clone(),
            follows.after,
        );
        let cooldowns =
            cooldown::StoredCooldowns::load(channel_state.clone(), self.clock.now()).await;
        let me = Arc::clone(&common.me);
        let ctx = Context::new(channel, me, outbox, channel_state, common.shared.clone());
        let worker = Worker {
            ctx,
            handler: Arc::clone(&self.handler),
            modules: Arc::clone(&self.modules),
            commands: Arc::clone(&self.commands),
            catch_ups: Arc::clone(&common.catch_ups),
            seen: worker::Seen::after(resume.after),
            resume,
            follows: worker::Follows::from(follows),
            subscription: worker::Subscription::default(),
            checkpoint,
            cooldowns,
            progress: self.progress.clone(),
            metrics,
        };
        Ok((worker, sending))
    }
}
