//! `/_sim/`: the control surface that tests and dev mode use to act as other users and to
//! inject events and faults. Glimesh has no such thing.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::sim::Shared;
use crate::sim::store::{Message, State as World};

/// A channel id given as a JSON number or string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Id {
    Number(u64),
    Text(String),
}

impl Id {
    fn value(&self) -> Option<u64> {
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
}

#[derive(Debug, Deserialize)]
struct PostFollow {
    channel_id: Id,
    username: String,
}

#[derive(Debug, Deserialize)]
struct PostChannel {
    channel_id: Id,
    title: String,
}

/// A stored chat message as `GET /_sim/chat` lists it.
#[derive(Debug, Serialize)]
struct ChatLine {
    id: String,
    username: String,
    message: String,
    inserted_at: String,
}

fn chat_line(world: &World, message: &Message) -> ChatLine {
    ChatLine {
        id: message.id.to_string(),
        username: world
            .user(message.user_id)
            .map(|u| u.username.clone())
            .unwrap_or_default(),
        message: message.text.clone(),
        inserted_at: message.inserted_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}

fn refuse(status: StatusCode, error: impl std::fmt::Display) -> Response {
    (status, Json(json!({"error": error.to_string()}))).into_response()
}

/// Finds the channel and the user a control request names.
fn channel_and_user(
    world: &World,
    channel_id: &Id,
    username: &str,
) -> Result<(u64, u64), Response> {
    let channel = channel_id.value().and_then(|id| world.channel(id));
    let channel = channel.ok_or_else(|| refuse(StatusCode::NOT_FOUND, "no such channel"))?;
    let user = world.user_by_name(username);
    let user =
        user.ok_or_else(|| refuse(StatusCode::NOT_FOUND, format!("no user named {username:?}")))?;
    Ok((channel.id, user.id))
}

async fn post_chat(State(sim): State<Arc<Shared>>, Json(body): Json<PostChat>) -> Response {
    let mut world = sim.store.lock();
    let (channel_id, user_id) = match channel_and_user(&world, &body.channel_id, &body.username) {
        Ok(ids) => ids,
        Err(refusal) => return refusal,
    };
    match world.post_message(channel_id, user_id, &body.message) {
        Ok(message) => Json(chat_line(&world, &message)).into_response(),
        Err(refusal) => refuse(StatusCode::UNPROCESSABLE_ENTITY, refusal),
    }
}

async fn list_chat(
    State(sim): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let world = sim.store.lock();
    let channel_id = params.get("channel_id").and_then(|id| id.parse().ok());
    let Some(channel_id) = channel_id.filter(|&id| world.channel(id).is_some()) else {
        return refuse(StatusCode::NOT_FOUND, "no such channel");
    };
    let lines: Vec<ChatLine> = world
        .messages
        .iter()
        .filter(|m| m.channel_id == channel_id)
        .map(|m| chat_line(&world, m))
        .collect();
    Json(lines).into_response()
}

async fn post_follow(State(sim): State<Arc<Shared>>, Json(body): Json<PostFollow>) -> Response {
    let mut world = sim.store.lock();
    let (channel_id, user_id) = match channel_and_user(&world, &body.channel_id, &body.username) {
        Ok(ids) => ids,
        Err(refusal) => return refusal,
    };
    let streamer_id = world.channel(channel_id).map_or(0, |c| c.streamer_id);
    let follow = world.follow(streamer_id, user_id, false);
    Json(json!({"id": follow.id.to_string()})).into_response()
}

async fn post_channel(State(sim): State<Arc<Shared>>, Json(body): Json<PostChannel>) -> Response {
    let updated = body
        .channel_id
        .value()
        .and_then(|id| sim.store.lock().set_title(id, &body.title));
    match updated {
        Some(channel) => {
            Json(json!({"id": channel.id.to_string(), "title": channel.title})).into_response()
        }
        None => refuse(StatusCode::NOT_FOUND, "no such channel"),
    }
}

async fn drop_sockets(State(sim): State<Arc<Shared>>) -> Response {
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
        .route("/follow", post(post_follow))
        .route("/channel", post(post_channel))
        .route("/sockets/drop", post(drop_sockets))
        .route("/tokens/expire", post(expire_tokens))
        .route("/tokens/revoke", post(revoke_tokens))
        .route("/stats", get(stats))
}
