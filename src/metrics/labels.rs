//! The label values a caller picks from: what kind of event, how an API request ended.

use crate::error::{Error, Result};

/// The kinds of event a channel receives, the `kind` label of `glimbot_events_received_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A chat message.
    Chat,
    /// A new follower.
    Follow,
    /// A change of the channel (title, live or not, …).
    ChannelUpdate,
}

impl EventKind {
    /// Every kind, in the order of the per-channel counters.
    pub(super) const ALL: [EventKind; 3] =
        [EventKind::Chat, EventKind::Follow, EventKind::ChannelUpdate];

    pub(super) fn label(self) -> &'static str {
        match self {
            EventKind::Chat => "chat",
            EventKind::Follow => "follow",
            EventKind::ChannelUpdate => "channel_update",
        }
    }
}

/// How a GraphQL request over HTTP ended, the `outcome` label of
/// `glimbot_api_request_duration_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiOutcome {
    /// The server answered with data.
    Ok,
    /// The server answered with GraphQL errors.
    GraphQlError,
    /// The server refused the credentials.
    Unauthorized,
    /// The request did not finish in time.
    Timeout,
    /// The request failed in transport or with an unexpected HTTP status.
    HttpError,
}

impl ApiOutcome {
    /// Every outcome, in the order of the histograms.
    pub(super) const ALL: [ApiOutcome; 5] = [
        ApiOutcome::Ok,
        ApiOutcome::GraphQlError,
        ApiOutcome::Unauthorized,
        ApiOutcome::Timeout,
        ApiOutcome::HttpError,
    ];

    /// The outcome of a finished request.
    pub fn of<T>(result: &Result<T>) -> ApiOutcome {
        match result {
            Ok(_) => ApiOutcome::Ok,
            Err(Error::GraphQl(_)) => ApiOutcome::GraphQlError,
            Err(Error::Auth(_) | Error::OAuth { .. }) => ApiOutcome::Unauthorized,
            Err(Error::Timeout(_)) => ApiOutcome::Timeout,
            Err(_) => ApiOutcome::HttpError,
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            ApiOutcome::Ok => "ok",
            ApiOutcome::GraphQlError => "graphql_error",
            ApiOutcome::Unauthorized => "unauthorized",
            ApiOutcome::Timeout => "timeout",
            ApiOutcome::HttpError => "http_error",
        }
    }
}
