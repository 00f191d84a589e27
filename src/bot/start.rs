//! The start of a run: the instance answers, the bot logs in, and its channels exist. Each
//! step is one the bot can be stopped in.

use std::time::Duration;

use crate::api::queries::{
    ChannelByStreamer, Myself, RecentFollowers, channel_by_streamer, myself, recent_followers,
};
use crate::bot::Bot;
use crate::error::{Error, Result};
use crate::model::{Channel, User};

/// How long the instance may take to answer the first request before it counts as unreachable.
const REACH_TIMEOUT: Duration = Duration::from_secs(5);

/// The ids of a channel's newest message and newest follow when the bot starts (0 for none):
/// what came after them is caught up, what came before is replayed only from a checkpoint.
#[derive(Debug, Clone, Copy)]
pub(super) struct Newest {
    pub(super) message: u64,
    pub(super) follow: u64,
}

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

    /// A configured channel, and the ids of its newest message and follow.
    pub(super) async fn resolve(&self, username: &str) -> Result<(Channel, Newest)> {
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
        let edges = found.chat_messages.and_then(|page| page.edges);
        let message = last_id(edges, |e| e.node, |node| &node.id);
        let channel = Channel {
            id: found.id.ok_or_else(missing)?,
            streamer: User {
                id: found.streamer.id,
                username: found.streamer.username,
            },
            title: found.title.unwrap_or_default(),
        };
        let follow = self.newest_follow(&channel.streamer.id).await?;
        Ok((channel, Newest { message, follow }))
    }

    /// The id of the streamer's newest follow (0 when there is none).
    async fn newest_follow(&self, streamer_id: &str) -> Result<u64> {
        let variables = recent_followers::Variables {
            streamer_id: Some(streamer_id.to_owned()),
            last: Some(1),
            before: None,
        };
        let page = self.api.run::<RecentFollowers>(variables).await?;
        let edges = page.followers.and_then(|page| page.edges);
        Ok(last_id(edges, |e| e.node, |node| &node.id))
    }
}

/// The numeric id of the last node of a page's edges; 0 when there is none.
fn last_id<E, N>(
    edges: Option<Vec<Option<E>>>,
    node: impl Fn(E) -> Option<N>,
    id: impl Fn(&N) -> &str,
) -> u64 {
    edges
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(node)
        .next_back()
        .and_then(|last| id(&last).parse().ok())
        .unwrap_or(0)
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
