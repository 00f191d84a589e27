//! `Stream`: a single live stream of a channel, current or past, with the fields of Glimesh's
//! type that the emulator can fill (no category, viewers or metadata).

use async_graphql::{Context, ID, Object, Result};

use crate::protocol::NOT_FOUND;
use crate::sim::rows;
use crate::sim::schema::store;
use crate::sim::schema::types::{Channel, NaiveDateTimeScalar};

/// A stream is a single live stream in, either current or historical.
pub(crate) struct Stream(pub(crate) rows::Stream);

#[Object]
impl Stream {
    async fn id(&self) -> Option<ID> {
        Some(ID(self.0.id.to_string()))
    }

    async fn channel(&self, ctx: &Context<'_>) -> Result<Channel> {
        let channel = store(ctx).lock().channel(self.0.channel_id).cloned();
        channel.map(Channel).ok_or_else(|| NOT_FOUND.into())
    }

    /// The title of the channel when the stream was started
    async fn title(&self) -> Option<&str> {
        Some(&self.0.title)
    }

    /// Datetime of when the stream was started
    async fn started_at(&self) -> NaiveDateTimeScalar {
        NaiveDateTimeScalar(self.0.started_at)
    }

    /// Datetime of when the stream was ended, or null if still going
    async fn ended_at(&self) -> Option<NaiveDateTimeScalar> {
        self.0.ended_at.map(NaiveDateTimeScalar)
    }

    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        NaiveDateTimeScalar(self.0.started_at)
    }

    async fn updated_at(&self) -> NaiveDateTimeScalar {
        NaiveDateTimeScalar(self.0.updated_at)
    }
}
