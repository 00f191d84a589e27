//! The start of a run: the instance answers, the bot logs in, and its channels exist. Each
//! step is one the bot can be stopped in.

use std::time::Duration;

use crate::api::queries::{ChannelByStreamer, Myself, channel_by_streamer, myself};
use crate::bot::Bot;
use crate::error::{Error, Result};
use crate::model::{Channel, User};

/// How long the instance may take to answer the first request before it counts as unreachable.
const REACH_TIMEOUT: Duration = Duration::from_secs(5);

impl Bot {
    /// The bot's own account; the first call, so the one that logs in when there is no token.
    pub(super) async fn myself(&self) -> Result<User> {
        let me = self
            .api
            .run::<Myself>(myself::Variables)
            .await?
            .myself
            .ok_or_else(|| Error::Auth("the token has no user".into()))?;
        Ok(User {
            id: me.id,
            username: me.username,
        })
    }

    /// A configured channel, and the id of its newest message (0 when it has none).
    pub(super) async fn resolve(&self, username: &str) -> Result<(Channel, u64)> {
        let variables = channel_by_streamer::Variables {
            username: Some(username.to_owned()),
        };
        let missing = || Error::Config {
            key: "bot.channels".into(),
            message: format!(
                "there is no channel of a streamer named {username:?} on this instance; check the name"
            ),
        };
        let found = match self.api.run::<ChannelByStreamer>(variables).await {
            Ok(found) => found.channel.ok_or_else(missing)?,
            Err(Error::GraphQl(messages))
                if messages.iter().any(|m| m == crate::protocol::NOT_FOUND) =>
            {
                return Err(missing());
            }
            Err(e) => return Err(e),
        };
        let newest = found
            .chat_messages
            .and_then(|page| page.edges)
            .and_then(|edges| {
                edges
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.node)
                    .next_back()
            })
            .and_then(|node| node.id.parse().ok())
            .unwrap_or(0);
        let channel = Channel {
            id: found.id.ok_or_else(missing)?,
            streamer: User {
                id: found.streamer.id,
                username: found.streamer.username,
            },
            title: found.title.unwrap_or_default(),
        };
        Ok((channel, newest))
    }
}

/// Says that the bot stopped while starting, before `what`.
pub(super) fn stopped_before(what: &str) -> Result<()> {
    tracing::info!("stopped before {what}");
    Ok(())
}

/// Checks that the instance answers at all, so that a wrong `base_url` is an error at once
/// instead of a login address that cannot load. Any HTTP answer will do.
pub(super) async fn reachable(base_url: &url::Url) -> Result<()> {
    let unreachable = |reason: String| Error::Config {
        key: "glimesh.base_url".into(),
        message: format!(
            "cannot reach the instance at {base_url} ({reason}); check glimesh.base_url and that \
             the instance is running"
        ),
    };
    tracing::debug!(url = %base_url, "checking that the instance answers");
    let request = crate::http::client()?.get(base_url.clone());
    match tokio::time::timeout(REACH_TIMEOUT, request.send()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(unreachable(root_cause(&e))),
        Err(_) => Err(unreachable(format!(
            "no answer within {} s",
            REACH_TIMEOUT.as_secs()
        ))),
    }
}

/// The innermost error, which names what went wrong ("Connection refused") where the outer
/// ones only say that sending failed; it holds no URL.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
