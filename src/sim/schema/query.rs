//! `RootQueryType`.

use async_graphql::{Context, ID, Object, Result};

use super::types::{Channel, Connection, Edge, Follower, Page, User, user};
use super::{id_arg, store};
use crate::protocol::{NOT_FOUND, UNAUTHORIZED};
use crate::sim::grants::Access;

/// The query root.
pub(crate) struct RootQueryType;

#[Object]
impl RootQueryType {
    /// Query individual channel
    async fn channel(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        streamer_id: Option<i32>,
        streamer_username: Option<String>,
    ) -> Result<Option<Channel>> {
        let state = store(ctx).lock();
        // As in Glimesh, `id` wins over the other arguments.
        let found = match (id, streamer_id, streamer_username) {
            (Some(id), _, _) => state.channel(id_arg(&id)?),
            (None, Some(user_id), _) => state.channel_of(u64::try_from(user_id).unwrap_or(0)),
            (None, None, Some(name)) => state
                .user_by_name(&name)
                .and_then(|u| state.channel_of(u.id)),
            (None, None, None) => None,
        };
        found
            .cloned()
            .map(Channel)
            .map(Some)
            .ok_or_else(|| NOT_FOUND.into())
    }

    /// Query individual user
    async fn user(
        &self,
        ctx: &Context<'_>,
        id: Option<i32>,
        username: Option<String>,
    ) -> Result<Option<User>> {
        let state = store(ctx).lock();
        let found = match (id, username) {
            (Some(id), _) => state.user(u64::try_from(id).unwrap_or(0)),
            (None, Some(name)) => state.user_by_name(&name),
            (None, None) => None,
        };
        found
            .cloned()
            .map(User)
            .map(Some)
            .ok_or_else(|| NOT_FOUND.into())
    }

    /// Get yourself
    async fn myself(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let access = ctx.data_unchecked::<Access>();
        let user_id = access.user_id.ok_or(UNAUTHORIZED)?;
        user(ctx, user_id).map(Some)
    }

    /// List all follows or followers
    #[allow(clippy::too_many_arguments)]
    async fn followers(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        streamer_id: Option<ID>,
        user_id: Option<ID>,
    ) -> Result<Option<Connection<Edge<Follower>>>> {
        let streamer_id = streamer_id.as_ref().map(id_arg).transpose()?;
        let user_id = user_id.as_ref().map(id_arg).transpose()?;
        let follows: Vec<_> = store(ctx)
            .lock()
            .follows
            .iter()
            .filter(|f| streamer_id.is_none_or(|id| id == f.streamer_id))
            .filter(|f| user_id.is_none_or(|id| id == f.user_id))
            .cloned()
            .collect();
        let page = Page {
            after,
            before,
            first,
            last,
        };
        Ok(Some(page.connect(follows, Follower)))
    }
}
