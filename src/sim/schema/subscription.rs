//! `RootSubscriptionType`: each subscription is a stream fed by the store's fan-out.

use async_graphql::{Context, ID, Result, Subscription};
use futures_util::Stream;
use futures_util::stream;
use tokio::sync::mpsc::UnboundedReceiver;

use super::types::{Channel, ChatMessage, Follower};
use super::{id_arg, store};
use crate::sim::pubsub::{Event, Topic};

/// The subscription root.
pub(crate) struct RootSubscriptionType;

/// Turns a subscription's queue into a stream of the objects it carries.
fn objects<T>(
    rx: UnboundedReceiver<Event>,
    pick: impl Fn(Event) -> Option<T> + Send + 'static,
) -> impl Stream<Item = Option<T>> {
    stream::unfold((rx, pick), |(mut rx, pick)| async move {
        loop {
            let event = rx.recv().await?;
            if let Some(object) = pick(event) {
                return Some((Some(object), (rx, pick)));
            }
        }
    })
}

#[Subscription]
impl RootSubscriptionType {
    async fn channel(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
    ) -> Result<impl Stream<Item = Option<Channel>>> {
        let id = id.as_ref().map(id_arg).transpose()?;
        let rx = store(ctx).lock().subscribe(Topic::Channel(id));
        Ok(objects(rx, |event| match event {
            Event::Channel(c) => Some(Channel((*c).clone())),
            _ => None,
        }))
    }

    async fn chat_message(
        &self,
        ctx: &Context<'_>,
        channel_id: Option<ID>,
    ) -> Result<impl Stream<Item = Option<ChatMessage>>> {
        let id = channel_id.as_ref().map(id_arg).transpose()?;
        let rx = store(ctx).lock().subscribe(Topic::Chat(id));
        Ok(objects(rx, |event| match event {
            Event::Chat(m) => Some(ChatMessage(m)),
            _ => None,
        }))
    }

    async fn followers(
        &self,
        ctx: &Context<'_>,
        streamer_id: Option<ID>,
    ) -> Result<impl Stream<Item = Option<Follower>>> {
        let id = streamer_id.as_ref().map(id_arg).transpose()?;
        let rx = store(ctx).lock().subscribe(Topic::Followers(id));
        Ok(objects(rx, |event| match event {
            Event::Follow(f) => Some(Follower((*f).clone())),
            _ => None,
        }))
    }
}
