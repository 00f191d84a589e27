//! `/api/graph/websocket`: the Phoenix socket with Absinthe's control channel.
//!
//! Each socket has one writer task fed by an unbounded queue (Phoenix's mailbox) and one task
//! per subscription, which encodes each push once and queues it. This file holds the upgrade,
//! the socket's loop and its handling of Phoenix frames.

mod subscriptions;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::extract::ws::{
    Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection,
};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::protocol::frame::{self, Frame, ReplyStatus, Vsn};
use crate::sim::Shared;
use crate::sim::grants::Access;

/// Phoenix closes a socket that has sent nothing for this long.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Absinthe's context ids come from `:erlang.unique_integer()`, negative in practice.
static NEXT_CONTEXT_ID: AtomicI64 = AtomicI64::new(-576_460_752_303_423_000);

/// `GET /api/graph/websocket?vsn=…&token=…` (or `client_id=…`): 403 with an empty body when
/// the credentials or the serializer version are not accepted.
pub(crate) async fn upgrade(
    State(sim): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let vsn = Vsn::from_param(params.get("vsn").map(String::as_str));
    // As in Glimesh's socket, a `client_id` wins over a `token`.
    let access = match (params.get("client_id"), params.get("token")) {
        (Some(client_id), _) => sim
            .store
            .lock()
            .grants
            .app(client_id)
            .map(|_| Access::anonymous()),
        (None, Some(token)) => sim.store.lock().grants.authenticate(token),
        (None, None) => None,
    };
    let (Some(vsn), Some(access)) = (vsn, access) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    if sim.faults.refuses_upgrades() {
        sim.store.lock().stats.upgrades_refused += 1;
        return StatusCode::FORBIDDEN.into_response();
    }
    match ws {
        Ok(ws) => ws.on_upgrade(move |socket| Session::run(sim, socket, vsn, access)),
        Err(rejection) => rejection.into_response(),
    }
}

/// One connected socket.
struct Session {
    sim: Arc<Shared>,
    vsn: Vsn,
    access: Access,
    out: mpsc::UnboundedSender<String>,
    context_id: i64,
    joined: bool,
    subscriptions: HashMap<String, JoinHandle<()>>,
}

/// What the socket does after a frame.
enum Next {
    Continue,
    Close,
}

impl Session {
    async fn run(sim: Arc<Shared>, socket: WebSocket, vsn: Vsn, access: Access) {
        {
            let mut state = sim.store.lock();
            state.stats.sockets_open += 1;
            state.stats.sockets_accepted += 1;
        }
        let (mut sink, mut stream) = socket.split();
        let (out, mut queue) = mpsc::unbounded_channel::<String>();
        let writer = tokio::spawn(async move {
            while let Some(text) = queue.recv().await {
                if sink.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
        });
        let mut drops = sim.socket_drops.subscribe();
        drops.borrow_and_update();
        let idle_timeout = sim.idle_timeout;
        let mut session = Session {
            sim: Arc::clone(&sim),
            vsn,
            access,
            out,
            context_id: NEXT_CONTEXT_ID.fetch_add(1, Ordering::Relaxed),
            joined: false,
            subscriptions: HashMap::new(),
        };
        loop {
            let received = tokio::select! {
                _ = drops.changed() => break,
                received = tokio::time::timeout(idle_timeout, stream.next()) => received,
            };
            let next = match received {
                Err(_) => {
                    tracing::debug!("socket idle for too long, closing");
                    Next::Close
                }
                Ok(Some(Ok(Message::Text(text)))) => session.handle(&text).await,
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => Next::Continue,
                Ok(Some(Ok(Message::Binary(_)))) => {
                    tracing::warn!("binary frame on a JSON socket, closing");
                    Next::Close
                }
                Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => Next::Close,
            };
            if let Next::Close = next {
                break;
            }
        }
        session.leave();
        writer.abort();
        sim.store.lock().stats.sockets_open -= 1;
    }

    fn send(&self, text: String) {
        // The writer only stops when the socket is gone, and then nothing is left to tell.
        let _ = self.out.send(text);
    }

    fn reply<R: Serialize + ?Sized>(&self, to: &Frame<'_>, status: ReplyStatus, response: &R) {
        self.send(frame::encode_reply(self.vsn, to, status, response));
    }

    /// A reply from the socket itself rather than a channel: Phoenix sends it with a null join_ref.
    fn socket_reply(&self, to: &Frame<'_>, status: ReplyStatus, response: serde_json::Value) {
        let payload = json!({"status": status, "response": response});
        self.send(frame::encode(
            self.vsn,
            None,
            to.msg_ref,
            to.topic,
            frame::PHX_REPLY,
            &payload,
        ));
    }

    async fn handle(&mut self, text: &str) -> Next {
        let frame = match frame::decode(self.vsn, text) {
            Ok(frame) => frame,
            Err(e) => {
                // Phoenix's socket process crashes on a frame it cannot decode.
                tracing::warn!(error = %e, "undecodable frame, closing the socket");
                return Next::Close;
            }
        };
        match (frame.topic, frame.event) {
            (frame::PHOENIX_TOPIC, frame::HEARTBEAT) if self.sim.faults.withholds_heartbeats() => {}
            (frame::PHOENIX_TOPIC, frame::HEARTBEAT) => {
                self.socket_reply(&frame, ReplyStatus::Ok, json!({}))
            }
            (frame::CONTROL_TOPIC, frame::PHX_JOIN) => {
                self.leave();
                self.joined = true;
                self.reply(&frame, ReplyStatus::Ok, &json!({}));
            }
            (frame::CONTROL_TOPIC, _) if self.joined => self.handle_control(&frame).await,
            _ => self.socket_reply(
                &frame,
                ReplyStatus::Error,
                json!({"reason": "unmatched topic"}),
            ),
        }
        Next::Continue
    }

    async fn handle_control(&mut self, frame: &Frame<'_>) {
        match frame.event {
            frame::DOC => self.handle_doc(frame).await,
            frame::UNSUBSCRIBE => {
                let id = serde_json::from_str::<serde_json::Value>(frame.payload.get())
                    .ok()
                    .and_then(|p| {
                        p.get("subscriptionId")
                            .and_then(|v| v.as_str())
                            .map(str::to_owned)
                    })
                    .unwrap_or_default();
                if let Some(task) = self.subscriptions.remove(&id) {
                    task.abort();
                }
                self.reply(frame, ReplyStatus::Ok, &json!({"subscriptionId": id}));
            }
            frame::PHX_LEAVE => {
                self.leave();
                self.reply(frame, ReplyStatus::Ok, &json!({}));
                let close = frame::encode(
                    self.vsn,
                    frame.join_ref,
                    frame.join_ref,
                    frame.topic,
                    frame::PHX_CLOSE,
                    &json!({}),
                );
                self.send(close);
            }
            _ => {
                // Absinthe's channel has no clause for other events: its process crashes.
                self.leave();
                let error = frame::encode(
                    self.vsn,
                    frame.join_ref,
                    frame.join_ref,
                    frame.topic,
                    frame::PHX_ERROR,
                    &json!({}),
                );
                self.send(error);
            }
        }
    }
}
