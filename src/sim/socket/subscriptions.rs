//! Documents on the control channel: a query or mutation is answered at once; a subscription
//! gets Absinthe's id and a task that pushes each result until it is unsubscribed or left.

use async_graphql::parser::types::OperationType;
use futures_util::{FutureExt, StreamExt};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::Session;
use crate::protocol::UNAUTHORIZED;
use crate::protocol::frame::{self, Frame, ReplyStatus};

/// The payload of a `subscription:data` push.
#[derive(Serialize)]
struct Push<'a> {
    result: &'a async_graphql::Response,
    #[serde(rename = "subscriptionId")]
    subscription_id: &'a str,
}

impl Session {
    /// Ends every subscription, as the control channel's process ending does.
    pub(super) fn leave(&mut self) {
        for (_, task) in self.subscriptions.drain() {
            task.abort();
        }
        self.joined = false;
    }

    pub(super) async fn handle_doc(&mut self, frame: &Frame<'_>) {
        let payload: serde_json::Value =
            serde_json::from_str(frame.payload.get()).unwrap_or_default();
        let query = payload
            .get("query")
            .and_then(|q| q.as_str())
            .unwrap_or_default()
            .to_owned();
        let variables = match payload.get("variables") {
            None | Some(serde_json::Value::Null) => serde_json::Value::Object(Default::default()),
            Some(v @ serde_json::Value::Object(_)) => v.clone(),
            Some(_) => {
                let error = json!({"error": "Could not parse variables as map"});
                return self.reply(frame, ReplyStatus::Error, &error);
            }
        };
        let request = async_graphql::Request::new(query.clone())
            .variables(async_graphql::Variables::from_json(variables.clone()))
            .data(self.access.clone());
        let is_subscription = async_graphql::parser::parse_query(&query).is_ok_and(|doc| {
            doc.operations
                .iter()
                .any(|(_, op)| op.node.ty == OperationType::Subscription)
        });
        if !is_subscription {
            let response = self.sim.schema.execute(request).await;
            let status = if response.data == async_graphql::Value::Null && response.is_err() {
                ReplyStatus::Error
            } else {
                ReplyStatus::Ok
            };
            return self.reply(frame, status, &response);
        }
        if self.sim.faults.take_subscription_refusal() {
            let errors = json!({"errors": [{"message": UNAUTHORIZED}]});
            return self.reply(frame, ReplyStatus::Error, &errors);
        }
        let id = subscription_id(self.context_id, &query, &variables);
        if self.subscriptions.contains_key(&id) {
            return self.reply(frame, ReplyStatus::Ok, &json!({"subscriptionId": id}));
        }
        let mut stream = self.sim.schema.execute_stream(request);
        // The first poll validates the document and registers the subscription, so nothing
        // published after the reply below can be missed.
        let first = match stream.next().now_or_never() {
            Some(Some(response)) if response.is_err() => {
                return self.reply(
                    frame,
                    ReplyStatus::Error,
                    &json!({"errors": response.errors}),
                );
            }
            Some(None) => return self.reply(frame, ReplyStatus::Error, &json!({"errors": []})),
            Some(Some(response)) => Some(response),
            None => None,
        };
        self.reply(frame, ReplyStatus::Ok, &json!({"subscriptionId": id}));
        let (out, vsn, topic) = (self.out.clone(), self.vsn, id.clone());
        let push = move |response: &async_graphql::Response| {
            let payload = Push {
                result: response,
                subscription_id: &topic,
            };
            out.send(frame::encode(
                vsn,
                None,
                None,
                &topic,
                frame::SUBSCRIPTION_DATA,
                &payload,
            ))
        };
        let task = tokio::spawn(async move {
            if let Some(response) = first
                && push(&response).is_err()
            {
                return;
            }
            while let Some(response) = stream.next().await {
                if push(&response).is_err() {
                    return;
                }
            }
        });
        self.subscriptions.insert(id, task);
    }
}

/// `__absinthe__:doc:<context id>:<SHA-256 of the document and its variables>`, the digest in
/// upper-case hex as Absinthe writes it (`Base.encode16()`).
fn subscription_id(context_id: i64, query: &str, variables: &serde_json::Value) -> String {
    let mut hash = Sha256::new();
    hash.update(query.as_bytes());
    hash.update(variables.to_string().as_bytes());
    let digest: String = hash.finalize().iter().map(|b| format!("{b:02X}")).collect();
    format!("__absinthe__:doc:{context_id}:{digest}")
}
