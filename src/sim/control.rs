//! `/_sim/`: the control surface that tests and dev mode use to act as other users and to
//! inject events and faults. Glimesh has no such thing.
//!
//! This file holds the routes, their request bodies and their handlers.

mod actions;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::sim::Shared;
pub use actions::ChatLine;
pub(crate) use actions::{Refusal, chat_line};

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
