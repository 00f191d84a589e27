//! What a control request does as any user (post, push and list chat, follow, retitle), shared
//! by the `/_sim/` routes and [`crate::sim::Sim`]'s methods, and why it may be refused.

use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::sim::Shared;
use crate::sim::rows::Message;
use crate::sim::store::{ChatRefusal, State as World};

/// A stored chat message, as `GET /_sim/chat` lists it and [`crate::sim::Sim::chat_feed`]
/// reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatLine {
    /// The channel's id.
    pub channel_id: String,
    /// The message's id.
    pub id: String,
    /// The author's username.
    pub username: String,
    /// The text.
    pub message: String,
    /// When it was stored, ISO-8601 without zone.
    pub inserted_at: String,
}

pub(crate) fn chat_line(world: &World, message: &Message) -> ChatLine {
    ChatLine {
        channel_id: message.channel_id.to_string(),
        id: message.id.to_string(),
        username: world
            .user(message.user_id)
            .map(|u| u.username.clone())
            .unwrap_or_default(),
        message: message.text.clone(),
        inserted_at: message.inserted_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}

/// Why a control request was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refusal {
    #[error("no such channel")]
    NoChannel,
    #[error("no user named {0:?}")]
    NoUser(String),
    #[error(transparent)]
    Chat(#[from] ChatRefusal),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = match self {
            Refusal::NoChannel | Refusal::NoUser(_) => StatusCode::NOT_FOUND,
            Refusal::Chat(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        (status, Json(json!({"error": self.to_string()}))).into_response()
    }
}

/// The channel and the user a control request names.
fn channel_and_user(
    world: &World,
    channel_id: Option<u64>,
    username: &str,
) -> Result<(u64, u64), Refusal> {
    let channel = channel_id
        .and_then(|id| world.channel(id))
        .ok_or(Refusal::NoChannel)?;
    let user = world
        .user_by_name(username)
        .ok_or_else(|| Refusal::NoUser(username.to_owned()))?;
    Ok((channel.id, user.id))
}

impl Shared {
    /// Posts as any user, through the same checks as `createChatMessage`, stamped `age` ago.
    pub(crate) fn post_chat(
        &self,
        channel_id: Option<u64>,
        username: &str,
        text: &str,
        age: Duration,
    ) -> Result<ChatLine, Refusal> {
        let mut world = self.store.lock();
        let (channel_id, user_id) = channel_and_user(&world, channel_id, username)?;
        let message = world.post_message(channel_id, user_id, text, age)?;
        Ok(chat_line(&world, &message))
    }

    /// Pushes a message to live subscriptions under a chosen id, without storing it.
    pub(crate) fn push_chat(
        &self,
        channel_id: Option<u64>,
        username: &str,
        text: &str,
        id: u64,
    ) -> Result<(), Refusal> {
        let mut world = self.store.lock();
        let (channel_id, user_id) = channel_and_user(&world, channel_id, username)?;
        world.push_message(channel_id, user_id, text, id);
        Ok(())
    }

    /// A follow of the channel's streamer by any user, stamped `age` ago.
    pub(crate) fn follow(
        &self,
        channel_id: Option<u64>,
        username: &str,
        age: Duration,
    ) -> Result<u64, Refusal> {
        let mut world = self.store.lock();
        let (channel_id, user_id) = channel_and_user(&world, channel_id, username)?;
        let streamer_id = world.channel(channel_id).map_or(0, |c| c.streamer_id);
        Ok(world.follow(streamer_id, user_id, false, age).id)
    }

    /// A channel's stored messages, oldest first.
    pub(crate) fn chat_log(&self, channel_id: Option<u64>) -> Result<Vec<ChatLine>, Refusal> {
        let world = self.store.lock();
        let channel = channel_id
            .and_then(|id| world.channel(id))
            .ok_or(Refusal::NoChannel)?;
        let messages = world.messages.iter().filter(|m| m.channel_id == channel.id);
        Ok(messages.map(|m| chat_line(&world, m)).collect())
    }

    /// A change of the channel's title.
    pub(crate) fn set_title(&self, channel_id: Option<u64>, title: &str) -> Result<(), Refusal> {
        let mut world = self.store.lock();
        channel_id
            .and_then(|id| world.set_title(id, title))
            .map(drop)
            .ok_or(Refusal::NoChannel)
    }
}
