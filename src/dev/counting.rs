//! The handler dev mode wraps around the bot's own, to know when the bot has answered
//! everything the input caused.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::watch;

use crate::bot::{Context, Handler};
use crate::error::{Error, Result};
use crate::model::{ChannelUpdate, ChatMessage, Follow};

/// The bot's handler, counting the follows and channel updates it has finished with, so that
/// dev mode knows when the bot has answered everything the input caused.
pub(super) struct Counting {
    pub(super) inner: Arc<dyn Handler>,
    pub(super) counted: Arc<watch::Sender<u64>>,
}

/// Counts an event as finished when dropped, so that one whose handler panicked counts too.
struct Finish<'a>(&'a watch::Sender<u64>);

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n += 1);
    }
}

#[async_trait]
impl Handler for Counting {
    async fn on_ready(&self, ctx: &Context) -> Result<()> {
        self.inner.on_ready(ctx).await
    }

    async fn on_message(&self, ctx: &Context, message: &ChatMessage) -> Result<()> {
        self.inner.on_message(ctx, message).await
    }

    async fn on_follow(&self, ctx: &Context, follow: &Follow) -> Result<()> {
        let _finish = Finish(&self.counted);
        self.inner.on_follow(ctx, follow).await
    }

    async fn on_channel_update(&self, ctx: &Context, update: &ChannelUpdate) -> Result<()> {
        let _finish = Finish(&self.counted);
        self.inner.on_channel_update(ctx, update).await
    }

    async fn on_reconnect(&self, ctx: &Context) -> Result<()> {
        self.inner.on_reconnect(ctx).await
    }

    async fn on_error(&self, ctx: &Context, error: Error) {
        self.inner.on_error(ctx, error).await;
    }
}
