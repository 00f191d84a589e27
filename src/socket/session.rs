//! The socket's protocol state, with no I/O: frames in, frames to send and events out.
//!
//! It joins the Absinthe control channel, subscribes every topic once joined, matches replies
//! to requests by ref, routes `subscription:data` pushes by subscription id, and rejoins when
//! the server reports that the channel crashed.

use std::collections::HashMap;
use std::sync::Arc;

use graphql_client::{GraphQLQuery, QueryBody};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use serde_json::value::RawValue;

use crate::api::queries::{
    ChannelUpdates, ChatMessages, Followers, channel_updates, chat_messages, followers,
};
use crate::model::{ChannelUpdate, ChatMessage, Follow};
use crate::socket::frame::{self, Reply, ReplyStatus, Vsn};

/// What the socket subscribes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Topic {
    /// A channel's chat messages.
    Chat { channel_id: String },
    /// A streamer's followers (by the streamer's user id).
    Followers { streamer_id: String },
    /// A channel's updates.
    Channel { channel_id: String },
}

impl Topic {
    /// The `doc` payload that subscribes to this topic.
    fn document(&self) -> serde_json::Value {
        fn doc<V: serde::Serialize>(body: QueryBody<V>) -> serde_json::Value {
            json!({"query": body.query, "variables": body.variables})
        }
        match self {
            Topic::Chat { channel_id } => {
                doc(ChatMessages::build_query(chat_messages::Variables {
                    channel_id: Some(channel_id.clone()),
                }))
            }
            Topic::Followers { streamer_id } => doc(Followers::build_query(followers::Variables {
                streamer_id: Some(streamer_id.clone()),
            })),
            Topic::Channel { channel_id } => {
                doc(ChannelUpdates::build_query(channel_updates::Variables {
                    id: Some(channel_id.clone()),
                }))
            }
        }
    }

    /// Decodes a push for this topic; `None` when it carries no object (a null result).
    fn decode(&self, payload: &RawValue) -> Result<Option<Event>, serde_json::Error> {
        Ok(match self {
            Topic::Chat { .. } => data::<chat_messages::ResponseData>(payload)?
                .and_then(|d| d.chat_message)
                .map(|m| Event::Chat(m.into())),
            Topic::Followers { .. } => data::<followers::ResponseData>(payload)?
                .and_then(|d| d.followers)
                .map(|f| Event::Follow(f.into())),
            Topic::Channel { .. } => data::<channel_updates::ResponseData>(payload)?
                .and_then(|d| d.channel)
                .map(|c| Event::ChannelUpdate(c.into())),
        })
    }
}

/// A `subscription:data` payload.
#[derive(Deserialize)]
struct Push<T> {
    result: graphql_client::Response<T>,
}

fn data<T: DeserializeOwned>(payload: &RawValue) -> Result<Option<T>, serde_json::Error> {
    Ok(serde_json::from_str::<Push<T>>(payload.get())?.result.data)
}

/// Something that happened, decoded.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    Chat(ChatMessage),
    Follow(Follow),
    ChannelUpdate(ChannelUpdate),
}

/// What a received frame means for the connection.
#[derive(Debug)]
pub(crate) enum Received {
    /// Frames to send now.
    Send(Vec<String>),
    /// The topic at this index is subscribed (again): anything before now was not delivered.
    Subscribed(usize),
    /// An event of the topic at this index.
    Event(usize, Event),
    /// Nothing to do.
    Nothing,
}

/// Why a frame could not be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionError {
    /// Not a frame of the protocol; it is skipped.
    #[error("malformed frame: {0}")]
    Malformed(String),
    /// The server refused the join or a subscription; trying again would not help.
    #[error("the server refused {0}")]
    Refused(String),
}

/// A request waiting for its reply.
#[derive(Debug, Clone, Copy)]
enum Pending {
    Join,
    Subscribe(usize),
    Heartbeat,
    Leave,
}

/// The state of one connection.
#[derive(Debug)]
pub(crate) struct Session {
    topics: Arc<[Topic]>,
    next_ref: u64,
    join_ref: String,
    pending: HashMap<u64, Pending>,
    live: HashMap<String, usize>,
    heartbeat: Option<u64>,
}

fn raw(text: &str) -> Box<RawValue> {
    // A JSON string made from a number's digits is always valid JSON.
    RawValue::from_string(format!("\"{text}\"")).unwrap_or_else(|_| Box::<RawValue>::default())
}

impl Session {
    pub(crate) fn new(topics: Arc<[Topic]>) -> Self {
        Self {
            topics,
            next_ref: 0,
            join_ref: String::new(),
            pending: HashMap::new(),
            live: HashMap::new(),
            heartbeat: None,
        }
    }

    fn request(
        &mut self,
        pending: Pending,
        topic: &str,
        event: &str,
        payload: &serde_json::Value,
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
            &json!({}),
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
            &json!({}),
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
            &json!({}),
        )
    }

    /// Whether every topic is subscribed.
    pub(crate) fn all_subscribed(&self) -> bool {
        self.live.len() == self.topics.len()
    }

    /// What a received text frame means.
    pub(crate) fn receive(&mut self, text: &str) -> Result<Received, SessionError> {
        let frame =
            frame::decode(Vsn::V2, text).map_err(|e| SessionError::Malformed(e.to_string()))?;
        match frame.event {
            frame::PHX_REPLY => self.reply(&frame),
            frame::SUBSCRIPTION_DATA => {
                let Some(&index) = self.live.get(frame.topic) else {
                    return Ok(Received::Nothing);
                };
                let event = self.topics[index]
                    .decode(frame.payload)
                    .map_err(|e| SessionError::Malformed(e.to_string()))?;
                Ok(event.map_or(Received::Nothing, |event| Received::Event(index, event)))
            }
            frame::PHX_ERROR if frame.topic == frame::CONTROL_TOPIC => {
                tracing::warn!("the server's channel crashed; joining again");
                Ok(Received::Send(vec![self.join()]))
            }
            _ => Ok(Received::Nothing),
        }
    }

    fn reply(&mut self, frame: &frame::Frame<'_>) -> Result<Received, SessionError> {
        let pending = frame
            .msg_ref
            .and_then(|r| serde_json::from_str::<&str>(r.get()).ok())
            .and_then(|r| r.parse::<u64>().ok())
            .and_then(|r| Some((r, self.pending.remove(&r)?)));
        let Some((msg_ref, pending)) = pending else {
            return Ok(Received::Nothing);
        };
        let reply: Reply<'_> = serde_json::from_str(frame.payload.get())
            .map_err(|e| SessionError::Malformed(e.to_string()))?;
        match (pending, reply.status) {
            (Pending::Leave, _) => Ok(Received::Nothing),
            (Pending::Heartbeat, _) => {
                if self.heartbeat == Some(msg_ref) {
                    self.heartbeat = None;
                }
                Ok(Received::Nothing)
            }
            (Pending::Join, ReplyStatus::Ok) => {
                let topics = Arc::clone(&self.topics);
                let subscribe = topics
                    .iter()
                    .enumerate()
                    .map(|(i, topic)| {
                        self.request(
                            Pending::Subscribe(i),
                            frame::CONTROL_TOPIC,
                            frame::DOC,
                            &topic.document(),
                        )
                    })
                    .collect();
                Ok(Received::Send(subscribe))
            }
            (Pending::Subscribe(index), ReplyStatus::Ok) => {
                #[derive(Deserialize)]
                struct Subscribed<'a> {
                    #[serde(rename = "subscriptionId", borrow)]
                    subscription_id: &'a str,
                }
                let ack: Subscribed<'_> = serde_json::from_str(reply.response.get())
                    .map_err(|e| SessionError::Malformed(e.to_string()))?;
                self.live.insert(ack.subscription_id.to_owned(), index);
                Ok(Received::Subscribed(index))
            }
            (Pending::Join, ReplyStatus::Error) => Err(SessionError::Refused(format!(
                "the join: {}",
                reply.response.get()
            ))),
            (Pending::Subscribe(index), ReplyStatus::Error) => Err(SessionError::Refused(format!(
                "the subscription to {:?}: {}",
                self.topics[index],
                reply.response.get()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn session() -> Session {
        Session::new(Arc::from(vec![
            Topic::Chat {
                channel_id: "6".into(),
            },
            Topic::Channel {
                channel_id: "6".into(),
            },
        ]))
    }

    fn sent(received: Received) -> Vec<serde_json::Value> {
        match received {
            Received::Send(frames) => frames
                .iter()
                .map(|f| serde_json::from_str(f).unwrap())
                .collect(),
            other => panic!("expected frames to send, got {other:?}"),
        }
    }

    #[test]
    fn joining_then_subscribing_routes_pushes_by_subscription_id() {
        let mut s = session();
        let join: serde_json::Value = serde_json::from_str(&s.join()).unwrap();
        assert_eq!(
            join,
            json!(["1", "1", "__absinthe__:control", "phx_join", {}])
        );

        let docs = sent(
            s.receive(
                r#"["1","1","__absinthe__:control","phx_reply",{"status":"ok","response":{}}]"#,
            )
            .unwrap(),
        );
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0][1], "2");
        assert_eq!(docs[0][3], "doc");
        assert_eq!(docs[0][4]["variables"], json!({"channelId": "6"}));
        assert!(
            docs[0][4]["query"]
                .as_str()
                .unwrap()
                .contains("chatMessage(channelId: $channelId)")
        );

        let ack = r#"["1","2","__absinthe__:control","phx_reply",{"status":"ok","response":{"subscriptionId":"__absinthe__:doc:-1:ab"}}]"#;
        assert!(matches!(s.receive(ack).unwrap(), Received::Subscribed(0)));
        assert!(!s.all_subscribed());

        let push = r#"[null,null,"__absinthe__:doc:-1:ab","subscription:data",{"result":{"data":{"chatMessage":{"id":"9","message":"hi","insertedAt":"2023-06-01T12:00:00","user":{"id":"2","username":"viewer"},"metadata":{"moderator":false,"streamer":false}}}},"subscriptionId":"__absinthe__:doc:-1:ab"}]"#;
        match s.receive(push).unwrap() {
            Received::Event(0, Event::Chat(m)) => {
                assert_eq!(
                    (m.id.as_str(), m.text.as_str(), m.author.username.as_str()),
                    ("9", "hi", "viewer")
                );
            }
            other => panic!("expected a chat event, got {other:?}"),
        }
        let unknown =
            r#"[null,null,"__absinthe__:doc:-1:zz","subscription:data",{"result":{"data":{}}}]"#;
        assert!(matches!(s.receive(unknown).unwrap(), Received::Nothing));
    }

    #[test]
    fn an_unanswered_heartbeat_means_the_link_is_dead() {
        let mut s = session();
        let beat: serde_json::Value = serde_json::from_str(&s.heartbeat().unwrap()).unwrap();
        assert_eq!(beat, json!([null, "1", "phoenix", "heartbeat", {}]));
        assert!(s.heartbeat().is_none());
        s.receive(r#"[null,"1","phoenix","phx_reply",{"status":"ok","response":{}}]"#)
            .unwrap();
        assert!(s.heartbeat().is_some());
    }

    #[test]
    fn a_crashed_channel_is_joined_again_and_its_subscriptions_forgotten() {
        let mut s = session();
        s.join();
        sent(
            s.receive(
                r#"["1","1","__absinthe__:control","phx_reply",{"status":"ok","response":{}}]"#,
            )
            .unwrap(),
        );
        s.receive(r#"["1","2","__absinthe__:control","phx_reply",{"status":"ok","response":{"subscriptionId":"a"}}]"#).unwrap();
        let rejoin = sent(
            s.receive(r#"["1","1","__absinthe__:control","phx_error",{}]"#)
                .unwrap(),
        );
        assert_eq!(rejoin[0][3], "phx_join");
        let stale =
            r#"[null,null,"a","subscription:data",{"result":{"data":{"chatMessage":null}}}]"#;
        assert!(matches!(s.receive(stale).unwrap(), Received::Nothing));
    }

    #[test]
    fn refusals_are_fatal_and_garbage_is_malformed() {
        let mut s = session();
        s.join();
        sent(
            s.receive(
                r#"["1","1","__absinthe__:control","phx_reply",{"status":"ok","response":{}}]"#,
            )
            .unwrap(),
        );
        let refused = r#"["1","2","__absinthe__:control","phx_reply",{"status":"error","response":{"errors":[{"message":"bad"}]}}]"#;
        assert!(matches!(s.receive(refused), Err(SessionError::Refused(_))));
        for garbage in ["", "nope", "[1]", r#"[null,"3","x","phx_reply",5]"#] {
            let result = s.receive(garbage);
            assert!(
                !matches!(
                    result,
                    Ok(Received::Send(_) | Received::Event(..) | Received::Subscribed(_))
                ),
                "{garbage}"
            );
        }
    }
}
