//! Relay pagination: connections, edges and page info, cut from a list of rows by Absinthe's
//! offset cursors.

use async_graphql::{OutputType, SimpleObject};

use super::channel::Follower;
use super::chat::ChatMessage;

/// A Relay page of rows.
#[derive(SimpleObject)]
#[graphql(concrete(name = "ChatMessageConnection", params(ChatMessageEdge)))]
#[graphql(concrete(name = "FollowerConnection", params(FollowerEdge)))]
pub(crate) struct Connection<E: OutputType> {
    count: Option<i32>,
    edges: Option<Vec<Option<E>>>,
    page_info: PageInfo,
}

/// One row of a page and its cursor.
#[derive(SimpleObject)]
#[graphql(concrete(name = "ChatMessageEdge", params(ChatMessage)))]
#[graphql(concrete(name = "FollowerEdge", params(Follower)))]
pub(crate) struct Edge<T: OutputType> {
    cursor: Option<String>,
    node: Option<T>,
}

type ChatMessageEdge = Edge<ChatMessage>;
type FollowerEdge = Edge<Follower>;

/// Where a page stands in the whole list.
#[derive(SimpleObject)]
pub(crate) struct PageInfo {
    end_cursor: Option<String>,
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
}

/// Relay pagination arguments, with Absinthe's offset cursors (`arrayconnection:N`, base64).
pub(crate) struct Page {
    pub(crate) after: Option<String>,
    pub(crate) before: Option<String>,
    pub(crate) first: Option<i32>,
    pub(crate) last: Option<i32>,
}

/// Glimesh's page size when a query gives neither `first` nor `last`, and its maximum.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1000;

fn cursor(offset: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("arrayconnection:{offset}"))
}

fn offset(cursor: &str) -> Option<usize> {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD
        .decode(cursor)
        .ok()?;
    String::from_utf8(text)
        .ok()?
        .strip_prefix("arrayconnection:")?
        .parse()
        .ok()
}

impl Page {
    pub(crate) fn connect<R, T: OutputType>(
        self,
        rows: Vec<R>,
        wrap: impl Fn(R) -> T,
    ) -> Connection<Edge<T>>
    where
        Edge<T>: OutputType,
    {
        let total = rows.len();
        let mut start = self
            .after
            .as_deref()
            .and_then(offset)
            .map_or(0, |o| o + 1)
            .min(total);
        let mut end = self
            .before
            .as_deref()
            .and_then(offset)
            .unwrap_or(total)
            .clamp(start, total);
        let limit = |n: i32| usize::try_from(n).unwrap_or(0).min(MAX_PAGE);
        match (self.first, self.last) {
            (Some(first), _) => end = end.min(start + limit(first)),
            (None, Some(last)) => start = start.max(end.saturating_sub(limit(last))),
            (None, None) => end = end.min(start + DEFAULT_PAGE),
        }
        let edges: Vec<Option<Edge<T>>> = rows
            .into_iter()
            .enumerate()
            .skip(start)
            .take(end - start)
            .map(|(i, row)| {
                Some(Edge {
                    cursor: Some(cursor(i)),
                    node: Some(wrap(row)),
                })
            })
            .collect();
        Connection {
            count: Some(total as i32),
            page_info: PageInfo {
                start_cursor: (start < end).then(|| cursor(start)),
                end_cursor: (start < end).then(|| cursor(end - 1)),
                has_previous_page: start > 0,
                has_next_page: end < total,
            },
            edges: Some(edges),
        }
    }
}
