//! `/_sim/`: the control surface that tests and dev mode use to act as other users and to
//! inject events and faults. Glimesh has no such thing.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::sim::Shared;
use crate::sim::rows::Message;
use crate::sim::store::{ChatRefusal, State as World};

/// A channel id given as a JSON number or string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Id {
    Number(u64),
    Text(String),
}

impl Id {
    pub(crate) fn value(&self) -> Option<u64> {
        match self {
            Id::Number(n) => Some(*n),
            Id::Text(s) => s.parse().ok(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct PostChat {
    channel_id: Id,
    username: String,
    message: String,
    /// Only push the message, under this id, without storing it.
    id: Option<Id>,
    /// Stamp the message this many seconds ago, as one sent then and stored late.
    #[serde(default)]
    age_secs: u64,
}

#[derive(Debug, Deserialize)]
struct PostFollow {
    channel_id: Id,
    username: String,
    /// Stamp the follow this many seconds ago.
    #[serde(default)]
    age_secs: u64,
}

#[derive(Debug, Deserialize)]
struct PostChannel {
    channel_id: Id,
    title: String,
}

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

/// `POST /_sim/chat`: stores a message, stamped `age_secs` ago if given; with an `id`, only
/// pushes it under that id.
async fn post_chat(State(sim): State<Arc<Shared>>, Json(body): Json<PostChat>) -> Response {
    let channel_id = body.channel_id.value();
    if let Some(id) = body.id {
        let Some(id) = id.value() else {
            let error = json!({"error": "id: use a whole number"});
            return (StatusCode::UNPROCESSABLE_ENTITY, Json(error)).into_response();
        };
        return match sim.push_chat(channel_id, &body.username, &body.message, id) {
            Ok(()) => Json(json!({"id": id.to_string()})).into_response(),
            Err(refusal) => refusal.into_response(),
        };
    }
    let age = Duration::from_secs(body.age_secs);
    match sim.post_chat(channel_id, &body.username, &body.message, age) {
        Ok(line) => Json(line).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn list_chat(
    State(sim): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let channel_id = params.get("channel_id").and_then(|id| id.parse().ok());
    match sim.chat_log(channel_id) {
        Ok(lines) => Json(lines).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn post_follow(State(sim): State<Arc<Shared>>, Json(body): Json<PostFollow>) -> Response {
    let age = Duration::from_secs(body.age_secs);
    match sim.follow(body.channel_id.value(), &body.username, age) {
        Ok(id) => Json(json!({"id": id.to_string()})).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn post_channel(State(sim): State<Arc<Shared>>, Json(body): Json<PostChannel>) -> Response {
    match sim.set_title(body.channel_id.value(), &body.title) {
        Ok(()) => Json(json!({"title": body.title})).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn drop_sockets(State(sim): State<Arc<Shared>>) -> Response {
    sim.socket_drops.send_modify(|n| *n += 1);
    Json(json!({"ok": true})).into_response()
}

/// `POST /_sim/chat/reset`: forgets every message and drops every socket, as a server
/// restored from an empty backup: ids start again at 1.
async fn reset_chat(State(sim): State<Arc<Shared>>) -> Response {
    sim.store.lock().forget_chat();
    sim.socket_drops.send_modify(|n| *n += 1);
    Json(json!({"ok": true})).into_response()
}

async fn expire_tokens(State(sim): State<Arc<Shared>>) -> Response {
    sim.store.lock().grants.expire_all();
    Json(json!({"ok": true})).into_response()
}

async fn revoke_tokens(State(sim): State<Arc<Shared>>) -> Response {
    sim.store.lock().grants.revoke_all();
    Json(json!({"ok": true})).into_response()
}

async fn stats(State(sim): State<Arc<Shared>>) -> Response {
    Json(sim.store.lock().stats.clone()).into_response()
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/chat", post(post_chat).get(list_chat))
        .route("/chat/reset", post(reset_chat))
        .route("/follow", post(post_follow))
        .route("/channel", post(post_channel))
        .route("/stream", post(crate::sim::streams::post_stream))
        .route("/sockets/drop", post(drop_sockets))
        .route("/tokens/expire", post(expire_tokens))
        .route("/tokens/revoke", post(revoke_tokens))
        .route("/stats", get(stats))
}
