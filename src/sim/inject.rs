//! What a Rust test injects through [`Sim`], as the `/_sim/` routes do: chat messages, follows,
//! titles and streams; and the chat it reads back.

use std::sync::Arc;
use std::time::Duration;

use crate::sim::{ChatLine, Sim, control, pubsub};

impl Sim {
    /// Posts a chat message as any user, as `POST /_sim/chat` does.
    ///
    /// # Errors
    /// The reason the emulator refused it, in Glimesh's words where Glimesh has them.
    pub fn post_chat(
        &self,
        channel_id: &str,
        username: &str,
        text: &str,
    ) -> Result<ChatLine, String> {
        self.post_chat_aged(channel_id, username, text, Duration::ZERO)
    }

    /// Posts a chat message stamped `age` ago (in whole seconds), as one sent then and stored
    /// late, as `POST /_sim/chat` with `age_secs` does. Its id is the next one all the same.
    ///
    /// # Errors
    /// The reason the emulator refused it, in Glimesh's words where Glimesh has them.
    pub fn post_chat_aged(
        &self,
        channel_id: &str,
        username: &str,
        text: &str,
        age: Duration,
    ) -> Result<ChatLine, String> {
        self.shared
            .post_chat(channel_id.parse().ok(), username, text, age)
            .map_err(|e| e.to_string())
    }

    /// A follow of the channel by any user, as `POST /_sim/follow` does.
    ///
    /// # Errors
    /// When the channel or the user does not exist.
    pub fn follow(&self, channel_id: &str, username: &str) -> Result<(), String> {
        self.follow_aged(channel_id, username, Duration::ZERO)
    }

    /// A follow of the channel stamped `age` ago, as `POST /_sim/follow` with `age_secs` does.
    ///
    /// # Errors
    /// When the channel or the user does not exist.
    pub fn follow_aged(
        &self,
        channel_id: &str,
        username: &str,
        age: Duration,
    ) -> Result<(), String> {
        self.shared
            .follow(channel_id.parse().ok(), username, age)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// A new title for the channel, as `POST /_sim/channel` does.
    ///
    /// # Errors
    /// When the channel does not exist.
    pub fn set_title(&self, channel_id: &str, title: &str) -> Result<(), String> {
        self.shared
            .set_title(channel_id.parse().ok(), title)
            .map_err(|e| e.to_string())
    }

    /// The channel goes live: a stream starts now, on the emulator's clock (real UTC), as
    /// `POST /_sim/stream` with `"live": true` does. A live channel keeps its stream.
    ///
    /// # Errors
    /// When the channel does not exist.
    pub fn go_live(&self, channel_id: &str) -> Result<(), String> {
        self.shared
            .set_live(channel_id.parse().ok(), true)
            .map_err(|e| e.to_string())
    }

    /// The channel's stream ends, as `POST /_sim/stream` with `"live": false` does.
    ///
    /// # Errors
    /// When the channel does not exist.
    pub fn go_offline(&self, channel_id: &str) -> Result<(), String> {
        self.shared
            .set_live(channel_id.parse().ok(), false)
            .map_err(|e| e.to_string())
    }

    /// A channel's stored messages, oldest first, as `GET /_sim/chat` lists them.
    pub fn chat_log(&self, channel_id: &str) -> Vec<ChatLine> {
        self.shared
            .chat_log(channel_id.parse().ok())
            .unwrap_or_default()
    }

    /// Every chat message stored from now on, in every channel, in order.
    pub fn chat_feed(&self) -> tokio::sync::mpsc::UnboundedReceiver<ChatLine> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut events = self
            .shared
            .store
            .lock()
            .subscribe(pubsub::Topic::Chat(None));
        let store = Arc::clone(&self.shared.store);
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                if let pubsub::Event::Chat(message) = event {
                    let line = control::chat_line(&store.lock(), &message);
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        });
        rx
    }
}
