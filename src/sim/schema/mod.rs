//! The emulator's GraphQL schema (async-graphql), named and typed as Glimesh's API.
//!
//! `schema/glimesh.graphql` in the repository is this schema's SDL; a test keeps the two equal.

mod complexity;
mod mutation;
mod query;
mod stream;
mod subscription;
mod types;

use std::sync::Arc;

use async_graphql::{Context, Schema};

use crate::protocol::NOT_FOUND;
use crate::sim::store::Store;
pub(crate) use complexity::{OverHttp, too_many_tokens};
pub(crate) use types::BaseUrl;

/// The executable schema.
pub(crate) type GlimeshSchema =
    Schema<query::RootQueryType, mutation::RootMutationType, subscription::RootSubscriptionType>;

/// Builds the schema over a store; every request adds its [`crate::sim::grants::Access`].
pub(crate) fn build(store: Arc<Store>, base_url: String) -> GlimeshSchema {
    Schema::build(
        query::RootQueryType,
        mutation::RootMutationType,
        subscription::RootSubscriptionType,
    )
    .data(store)
    .data(BaseUrl(base_url))
    .extension(complexity::ComplexityLimit)
    .finish()
}

/// The schema in SDL, as `schema/glimesh.graphql` holds it.
pub fn sdl() -> String {
    build(
        Arc::new(Store::new(&crate::sim::World::seed())),
        String::new(),
    )
    .sdl()
}

fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    ctx.data_unchecked::<Arc<Store>>()
}

/// Parses an `ID` argument; ids that are not numbers name nothing.
fn id_arg(id: &async_graphql::ID) -> async_graphql::Result<u64> {
    id.parse().map_err(|_| NOT_FOUND.into())
}
