//! What the session sends: the join, the subscriptions' documents, heartbeats and the leave,
//! each numbered by a ref and remembered until its reply comes.

use serde_json::value::RawValue;

use crate::protocol::frame::{self, Vsn};
use crate::socket::delivery::Subscriptions;
use crate::socket::session::Session;

/// A request waiting for its reply.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pending {
    Join,
    Subscribe(usize),
    Heartbeat,
    Leave,
}

impl<S: Subscriptions> Session<S> {
    /// A frame asking for `event` on `topic`; its reply is expected as `pending`.
    pub(super) fn request(
        &mut self,
        pending: Pending,
        topic: &str,
        event: &str,
        payload: &RawValue,
    ) -> String {
        self.next_ref += 1;
        let msg_ref = self.next_ref;
        self.pending.insert(msg_ref, pending);
        let join_ref = (!matches!(pending, Pending::Heartbeat)).then(|| raw(&self.join_ref));
        frame::encode(
            Vsn::V2,
            join_ref.as_deref(),
            Some(&raw(&msg_ref.to_string())),
            topic,
            event,
            payload,
        )
    }

    /// The frame that joins the control channel; forgets every subscription.
    pub(crate) fn join(&mut self) -> String {
        self.pending.retain(|_, p| matches!(p, Pending::Heartbeat));
        self.live.clear();
        self.join_ref = (self.next_ref + 1).to_string();
        self.request(
            Pending::Join,
            frame::CONTROL_TOPIC,
            frame::PHX_JOIN,
            &empty(),
        )
    }

    /// A heartbeat, or `None` when the last one is still unanswered: the link is dead.
    pub(crate) fn heartbeat(&mut self) -> Option<String> {
        if self.heartbeat.is_some() {
            return None;
        }
        Some(self.keepalive())
    }

    /// A heartbeat sent whatever the last one's fate, to keep the server's idle timer from
    /// closing a socket whose replies are not being read.
    pub(crate) fn keepalive(&mut self) -> String {
        let heartbeat = self.request(
            Pending::Heartbeat,
            frame::PHOENIX_TOPIC,
            frame::HEARTBEAT,
            &empty(),
        );
        self.heartbeat = Some(self.next_ref);
        heartbeat
    }

    /// The frame that leaves the control channel.
    pub(crate) fn leave(&mut self) -> String {
        self.request(
            Pending::Leave,
            frame::CONTROL_TOPIC,
            frame::PHX_LEAVE,
            &empty(),
        )
    }
}

/// A JSON string of `text`, for the refs of a frame.
fn raw(text: &str) -> Box<RawValue> {
    // A JSON string made from a number's digits is always valid JSON.
    RawValue::from_string(format!("\"{text}\"")).unwrap_or_else(|_| Box::<RawValue>::default())
}

/// An empty JSON object, the payload of control frames.
fn empty() -> Box<RawValue> {
    RawValue::from_string("{}".into()).unwrap_or_default()
}
