//! The [`Store`] trait every backend implements, and the [`Scope`] a key lives in.

use std::fmt;
use std::path::Path;

use crate::error::Result;

/// Where a key lives: bot-wide, or in one channel. Keys of different scopes never meet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Shared by every channel of the bot.
    Global,
    /// One channel, by its id.
    Channel(String),
}

impl Scope {
    /// The scope as one text column: `global`, or `channel:<id>`. The prefix keeps a channel
    /// named `global` apart from the bot-wide scope.
    pub(crate) fn column(&self) -> String {
        match self {
            Scope::Global => "global".to_owned(),
            Scope::Channel(id) => format!("channel:{id}"),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Global => f.write_str("the bot-wide scope"),
            Scope::Channel(id) => write!(f, "channel {id}"),
        }
    }
}

/// The body of [`Store::update`]: the stored JSON (if any) in, the JSON to store out. An error
/// leaves the stored value as it was.
pub type UpdateFn = Box<dyn FnOnce(Option<String>) -> Result<String> + Send>;

/// Where state lives. Values are JSON text; the typed view is [`ScopedState`](crate::ScopedState).
///
/// Every method is one whole unit of work, so that a backend shared by several bot processes
/// (a server database) can run each as one transaction. `update` carries a closure: such a
/// backend runs it between a locking read (`SELECT … FOR UPDATE`) and the write of one
/// transaction, so only data crosses the network and concurrent updates queue on the row.
#[async_trait::async_trait]
pub trait Store: Send + Sync + fmt::Debug {
    /// Where the state lives, for error messages (`:memory:` when it is not a file).
    fn path(&self) -> &Path;

    /// The value of `key`, if set.
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) when the store cannot be read.
    async fn get(&self, scope: &Scope, key: &str) -> Result<Option<String>>;

    /// Stores `json` as the value of `key`, durably.
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) when the store cannot be written.
    async fn set(&self, scope: &Scope, key: &str, json: String) -> Result<()>;

    /// Forgets the value and the list of `key`; whether there was either.
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) when the store cannot be written.
    async fn remove(&self, scope: &Scope, key: &str) -> Result<bool>;

    /// Replaces the value of `key` with what `change` makes of it, with no other write to the
    /// key in between; the new value.
    ///
    /// # Errors
    /// What `change` returns, or [`Error::State`](crate::Error::State) when the store cannot be
    /// written; the value is then unchanged.
    async fn update(&self, scope: &Scope, key: &str, change: UpdateFn) -> Result<String>;

    /// Adds `by` to the integer value of `key` (0 when unset); the new value.
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) when the value is not an integer, the sum
    /// overflows, or the store cannot be written.
    async fn incr(&self, scope: &Scope, key: &str, by: i64) -> Result<i64>;

    /// Appends `json` to the list of `key`; the list's new length.
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) when the store cannot be written.
    async fn push(&self, scope: &Scope, key: &str, json: String) -> Result<usize>;

    /// Item `index` (from 0) of the list of `key`; `None` past its end.
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) when the store cannot be read.
    async fn get_at(&self, scope: &Scope, key: &str, index: usize) -> Result<Option<String>>;

    /// The length of the list of `key` (0 when there is none).
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) when the store cannot be read.
    async fn len(&self, scope: &Scope, key: &str) -> Result<usize>;

    /// Every item of the list of `key`, in order.
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) when the store cannot be read.
    async fn list(&self, scope: &Scope, key: &str) -> Result<Vec<String>>;
}

/// Adds `by` to the counter `json` holds (0 when unset), or says why it cannot.
pub(crate) fn add_to_counter(
    scope: &Scope,
    key: &str,
    json: Option<&str>,
    by: i64,
) -> std::result::Result<i64, String> {
    let current = match json {
        None => 0,
        Some(json) => serde_json::from_str::<i64>(json).map_err(|_| {
            format!(
                "key `{key}` in {scope} holds {json}, not an integer, so `incr` cannot \
                     count on it; `remove` it first or use another key"
            )
        })?,
    };
    current.checked_add(by).ok_or_else(|| {
        format!("key `{key}` in {scope}: {current} + {by} overflows a 64-bit counter")
    })
}
