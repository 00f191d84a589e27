//! The object types of the emulator's schema, named as in Glimesh's API.
//!
//! Objects hold a snapshot of the stored row; fields that lead to other rows look them up in the
//! store when asked, as Absinthe's resolvers do. This file holds the time scalar, the lookups
//! every object shares, and `User`.

mod channel;
mod chat;
mod page;

use async_graphql::{
    Context, ID, InputValueError, InputValueResult, Object, Result, Scalar, ScalarType, Value,
};
use chrono::NaiveDateTime;

use crate::protocol::NOT_FOUND;
use crate::sim::rows;
use crate::sim::schema::store;
use crate::sim::store::State;
pub(crate) use channel::{Channel, ChannelModerationLog, Follower};
pub(crate) use chat::{BaseUrl, ChatMessage, ChatMessageInput};
pub(crate) use page::{Connection, Edge, Page};

/// Glimesh's time type: ISO-8601 without a zone, whole seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NaiveDateTimeScalar(pub(crate) NaiveDateTime);

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// The `Naive DateTime` scalar type represents a naive date and time without timezone.
#[Scalar(name = "NaiveDateTime")]
impl ScalarType for NaiveDateTimeScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDateTime::parse_from_str(s, TIME_FORMAT)
                .map(Self)
                .map_err(|_| InputValueError::expected_type(value)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format(TIME_FORMAT).to_string())
    }
}

fn time(at: NaiveDateTime) -> NaiveDateTimeScalar {
    NaiveDateTimeScalar(at)
}

fn id(n: u64) -> ID {
    ID(n.to_string())
}

fn lookup<T>(ctx: &Context<'_>, find: impl FnOnce(&State) -> Option<T>) -> Result<T> {
    find(&store(ctx).lock()).ok_or_else(|| NOT_FOUND.into())
}

/// A user of Glimesh, can be a streamer, a viewer or both!
pub(crate) struct User(pub(crate) rows::User);

#[Object]
impl User {
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// Lowercase user identifier
    async fn username(&self) -> &str {
        &self.0.username
    }

    /// Exactly the same as the username, but with casing the user prefers
    async fn displayname(&self) -> &str {
        &self.0.username
    }

    /// URL to the user's avatar
    async fn avatar_url(&self) -> Option<String> {
        None
    }

    /// A user's channel, if they have one
    async fn channel(&self, ctx: &Context<'_>) -> Option<Channel> {
        store(ctx)
            .lock()
            .channel_of(self.0.id)
            .cloned()
            .map(Channel)
    }

    async fn count_followers(&self, ctx: &Context<'_>) -> Option<i32> {
        let state = store(ctx).lock();
        Some(
            state
                .follows
                .iter()
                .filter(|f| f.streamer_id == self.0.id)
                .count() as i32,
        )
    }

    async fn count_following(&self, ctx: &Context<'_>) -> Option<i32> {
        let state = store(ctx).lock();
        Some(
            state
                .follows
                .iter()
                .filter(|f| f.user_id == self.0.id)
                .count() as i32,
        )
    }

    /// Account creation date
    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }

    /// Account last updated date
    async fn updated_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }
}

pub(crate) fn user(ctx: &Context<'_>, user_id: u64) -> Result<User> {
    lookup(ctx, |s| s.user(user_id).cloned()).map(User)
}
