//! The object types of the emulator's schema, named as in Glimesh's API.
//!
//! Objects hold a snapshot of the stored row; fields that lead to other rows look them up in the
//! store when asked, as Absinthe's resolvers do.

use std::sync::Arc;

use async_graphql::{
    Context, Enum, ID, InputObject, InputValueError, InputValueResult, Interface, Object,
    OutputType, Result, Scalar, ScalarType, SimpleObject, Value,
};
use chrono::NaiveDateTime;

use crate::protocol::NOT_FOUND;
use crate::sim::rows;
use crate::sim::schema::store;
use crate::sim::schema::stream::Stream;
use crate::sim::store::State;

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

/// The current status of a channel.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChannelStatus {
    Live,
    Offline,
}

/// A channel is a user's actual container for live streaming.
pub(crate) struct Channel(pub(crate) rows::Channel);

#[Object]
impl Channel {
    async fn id(&self) -> Option<ID> {
        Some(id(self.0.id))
    }

    /// The title of the channel
    async fn title(&self) -> Option<&str> {
        Some(&self.0.title)
    }

    /// The current status of the channnel
    async fn status(&self, ctx: &Context<'_>) -> Option<ChannelStatus> {
        let live = store(ctx).lock().live_stream(self.0.id).is_some();
        Some(if live {
            ChannelStatus::Live
        } else {
            ChannelStatus::Offline
        })
    }

    /// If the channel is live, this will be the current Stream
    async fn stream(&self, ctx: &Context<'_>) -> Option<Stream> {
        store(ctx)
            .lock()
            .live_stream(self.0.id)
            .cloned()
            .map(Stream)
    }

    /// Toggle for blocking anyone from posting links
    async fn block_links(&self) -> Option<bool> {
        Some(self.0.block_links)
    }

    async fn streamer(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.streamer_id)
    }

    async fn chat_messages(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Option<Connection<Edge<ChatMessage>>> {
        let messages = store(ctx).lock().visible_messages(self.0.id);
        let page = Page {
            after,
            before,
            first,
            last,
        };
        Some(page.connect(messages, ChatMessage))
    }

    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }

    async fn updated_at(&self) -> NaiveDateTimeScalar {
        time(self.0.updated_at)
    }
}

/// A chat message sent to a channel by a user.
pub(crate) struct ChatMessage(pub(crate) Arc<rows::Message>);

#[Object]
impl ChatMessage {
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// The chat message contents, be careful to sanitize because any user input is allowed
    async fn message(&self) -> Option<&str> {
        Some(&self.0.text)
    }

    async fn tokens(&self, ctx: &Context<'_>) -> Option<Vec<Option<ChatMessageToken>>> {
        let base_url = &ctx.data_unchecked::<BaseUrl>().0;
        Some(
            tokenize(&self.0.text, base_url)
                .into_iter()
                .map(Some)
                .collect(),
        )
    }

    /// A collection of metadata attributed to the chat message
    async fn metadata(&self) -> Option<ChatMessageMetadata> {
        Some(ChatMessageMetadata {
            admin: Some(false),
            moderator: Some(self.0.moderator),
            platform_founder_subscriber: Some(false),
            platform_supporter_subscriber: Some(false),
            streamer: Some(self.0.streamer),
            subscriber: Some(false),
        })
    }

    /// Was this message generated by our system for a follow
    #[graphql(deprecation = "We're going to replace this shortly after launch")]
    async fn is_followed_message(&self) -> Option<bool> {
        Some(self.0.is_followed_message)
    }

    /// Was this message generated by our system for a subscription
    #[graphql(deprecation = "We're going to replace this shortly after launch")]
    async fn is_subscription_message(&self) -> Option<bool> {
        Some(false)
    }

    async fn channel(&self, ctx: &Context<'_>) -> Result<Channel> {
        lookup(ctx, |s| s.channel(self.0.channel_id).cloned()).map(Channel)
    }

    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.user_id)
    }

    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }

    async fn updated_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }
}

/// The emulator's base URL, for absolute emote addresses.
pub(crate) struct BaseUrl(pub(crate) String);

/// Emotes every user of the emulator may use, as `:name:`.
pub(crate) const EMOTES: [&str; 2] = ["glimsmile", "glimwave"];

/// Splits a message the way Glimesh's chat parser does: words starting with `http` are URLs,
/// `:name:` of a known emote is an emote, runs of everything else are text.
fn tokenize(text: &str, base_url: &str) -> Vec<ChatMessageToken> {
    let mut tokens = Vec::new();
    let mut plain = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            plain.push(' ');
        }
        let emote = word
            .strip_prefix(':')
            .and_then(|w| w.strip_suffix(':'))
            .filter(|name| EMOTES.contains(name));
        let token = match emote {
            Some(name) => ChatMessageToken::Emote(EmoteToken {
                text: word.to_owned(),
                src: format!("{base_url}/emotes/{name}.svg"),
            }),
            None if word.starts_with("http") => ChatMessageToken::Url(UrlToken(word.to_owned())),
            None => {
                plain.push_str(word);
                continue;
            }
        };
        if !plain.is_empty() {
            tokens.push(ChatMessageToken::Text(TextToken(std::mem::take(
                &mut plain,
            ))));
        }
        tokens.push(token);
    }
    if !plain.is_empty() {
        tokens.push(ChatMessageToken::Text(TextToken(plain)));
    }
    tokens
}

/// A part of a chat message.
#[derive(Interface)]
#[allow(
    clippy::duplicated_attributes,
    reason = "both fields have the same type"
)]
#[graphql(
    field(name = "text", ty = "Option<&str>"),
    field(name = "type", method = "kind", ty = "Option<&str>")
)]
pub(crate) enum ChatMessageToken {
    Text(TextToken),
    Url(UrlToken),
    Emote(EmoteToken),
}

/// Plain text.
pub(crate) struct TextToken(String);

#[Object]
impl TextToken {
    async fn text(&self) -> Option<&str> {
        Some(&self.0)
    }

    #[graphql(name = "type")]
    async fn kind(&self) -> Option<&str> {
        Some("text")
    }
}

/// A link.
pub(crate) struct UrlToken(String);

#[Object]
impl UrlToken {
    async fn text(&self) -> Option<&str> {
        Some(&self.0)
    }

    #[graphql(name = "type")]
    async fn kind(&self) -> Option<&str> {
        Some("url")
    }

    async fn url(&self) -> Option<&str> {
        Some(&self.0)
    }
}

/// An emote, shown as an image.
pub(crate) struct EmoteToken {
    text: String,
    src: String,
}

#[Object]
impl EmoteToken {
    async fn text(&self) -> Option<&str> {
        Some(&self.text)
    }

    #[graphql(name = "type")]
    async fn kind(&self) -> Option<&str> {
        Some("emote")
    }

    async fn src(&self) -> Option<&str> {
        Some(&self.src)
    }
}

/// Metadata attributed to the chat message
#[derive(SimpleObject)]
pub(crate) struct ChatMessageMetadata {
    admin: Option<bool>,
    moderator: Option<bool>,
    platform_founder_subscriber: Option<bool>,
    platform_supporter_subscriber: Option<bool>,
    streamer: Option<bool>,
    subscriber: Option<bool>,
}

/// The text of a new chat message.
#[derive(InputObject)]
pub(crate) struct ChatMessageInput {
    pub(crate) message: Option<String>,
}

/// A follower is a user who subscribes to notifications for a particular user's channel.
pub(crate) struct Follower(pub(crate) rows::Follow);

#[Object]
impl Follower {
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    async fn has_live_notifications(&self) -> bool {
        self.0.has_live_notifications
    }

    async fn streamer(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.streamer_id)
    }

    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.user_id)
    }

    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }

    async fn updated_at(&self) -> NaiveDateTimeScalar {
        time(self.0.updated_at)
    }
}

/// A moderation event that happened
pub(crate) struct ChannelModerationLog(pub(crate) rows::ModLog);

#[Object]
impl ChannelModerationLog {
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    async fn action(&self) -> Option<&str> {
        Some(self.0.action)
    }

    async fn channel(&self, ctx: &Context<'_>) -> Result<Channel> {
        lookup(ctx, |s| s.channel(self.0.channel_id).cloned()).map(Channel)
    }

    async fn moderator(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.moderator_id)
    }

    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        user(ctx, self.0.user_id)
    }

    async fn inserted_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }

    async fn updated_at(&self) -> NaiveDateTimeScalar {
        time(self.0.inserted_at)
    }
}

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
