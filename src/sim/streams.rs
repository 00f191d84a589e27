//! Going live and offline: a channel's streams, and `POST /_sim/stream`, with which a test or
//! dev mode plays the streamer's broadcasting software.
//!
//! On Glimesh a channel is live while its current stream has not ended: `Channel.status` is
//! `LIVE` and `Channel.stream` is that stream, whose `startedAt` is when it began. Ending it
//! stamps its `endedAt` and leaves it in the channel's past streams. Both changes are pushed to
//! the channel's subscribers, as Glimesh pushes them.

use std::sync::Arc;

use axum::Json;
use axum::extract::State as Handler;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::sim::Shared;
use crate::sim::control::{Id, Refusal};
use crate::sim::pubsub::Event;
use crate::sim::rows::{Stream, now};
use crate::sim::store::State;

impl State {
    /// The channel's current stream, if it is live.
    pub(crate) fn live_stream(&self, channel_id: u64) -> Option<&Stream> {
        self.streams
            .iter()
            .rev()
            .find(|s| s.channel_id == channel_id && s.ended_at.is_none())
    }

    /// Starts a stream of the channel, stamped now; a live channel keeps its current one.
    /// `None` when there is no such channel.
    pub(crate) fn go_live(&mut self, channel_id: u64) -> Option<Stream> {
        let title = self.channel(channel_id)?.title.clone();
        if let Some(current) = self.live_stream(channel_id) {
            return Some(current.clone());
        }
        let at = now();
        let stream = Stream {
            id: self.streams.len() as u64 + 1,
            channel_id,
            title,
            started_at: at,
            ended_at: None,
            updated_at: at,
        };
        self.streams.push(stream.clone());
        self.publish_channel(channel_id);
        Some(stream)
    }

    /// Ends the channel's current stream, if any. `None` when there is no such channel.
    pub(crate) fn go_offline(&mut self, channel_id: u64) -> Option<()> {
        self.channel(channel_id)?;
        let at = now();
        let current = self
            .streams
            .iter_mut()
            .rev()
            .find(|s| s.channel_id == channel_id && s.ended_at.is_none());
        if let Some(stream) = current {
            stream.ended_at = Some(at);
            stream.updated_at = at;
            self.publish_channel(channel_id);
        }
        Some(())
    }

    fn publish_channel(&mut self, channel_id: u64) {
        if let Some(channel) = self.channel(channel_id).cloned() {
            self.subscribers.publish(&Event::Channel(Arc::new(channel)));
        }
    }
}

impl Shared {
    /// Makes the channel go live (`live`) or offline.
    pub(crate) fn set_live(&self, channel_id: Option<u64>, live: bool) -> Result<(), Refusal> {
        let mut world = self.store.lock();
        let channel_id = channel_id.ok_or(Refusal::NoChannel)?;
        let changed = match live {
            true => world.go_live(channel_id).map(drop),
            false => world.go_offline(channel_id),
        };
        changed.ok_or(Refusal::NoChannel)
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct PostStream {
    channel_id: Id,
    /// Whether the channel goes live (`true`) or offline (`false`).
    live: bool,
}

/// `POST /_sim/stream`: `{"channel_id": 1, "live": true}` starts a stream, `false` ends it.
pub(crate) async fn post_stream(
    Handler(sim): Handler<Arc<Shared>>,
    Json(body): Json<PostStream>,
) -> Response {
    match sim.set_live(body.channel_id.value(), body.live) {
        Ok(()) => Json(json!({"live": body.live})).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}
