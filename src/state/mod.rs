//! State that survives a restart: typed values, counters and lists by key, per channel and
//! bot-wide.
//!
//! [`State`] is the handle; [`State::channel`] and [`State::global`] give a [`ScopedState`],
//! whose keys no other scope sees. Every call is async and a write is on disk when it returns.
//! By default the state lives in one SQLite file, [`State::default_path`]; [`State::in_memory`]
//! keeps it in memory for tests. [`State`] shows them at work.
//!
//! The file can be read with `sqlite3 state.sqlite3 'SELECT * FROM value'` (lists are in
//! `list_item`); values are JSON text. Its schema version is `PRAGMA user_version`, and it is
//! brought up to date when opened.

mod memory;
mod schema;
mod scoped;
mod sqlite;
mod store;

use std::path::PathBuf;
use std::sync::Arc;

pub use memory::InMemoryStore;
pub use scoped::ScopedState;
pub use sqlite::SqliteStore;
pub use store::{Scope, Store, UpdateFn};

use crate::auth::FileStore;
use crate::config::Config;
use crate::error::{Error, Result};

/// The file name of the state, beside the token in the bot's data directory.
const FILE_NAME: &str = "state.sqlite3";

/// A bot's state, on any [`Store`]. Cloning is cheap; clones share the store.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> glimbot::Result<()> {
/// # let dir = tempfile::tempdir().expect("a temporary directory");
/// use glimbot::State;
///
/// let state = State::open(dir.path().join("state.sqlite3")).await?;
/// let channel = state.channel("42");
///
/// assert_eq!(channel.incr("pings", 1).await?, 1);
/// channel.set("greeting", "hello").await?;
/// channel.push("quotes", "first!").await?;
/// let seen = channel.update("seen", |names: Option<Vec<String>>| {
///     let mut names = names.unwrap_or_default();
///     names.push("ana".to_owned());
///     names
/// });
/// assert_eq!(seen.await?, ["ana"]);
///
/// assert_eq!(channel.get::<String>("greeting").await?.as_deref(), Some("hello"));
/// assert_eq!(channel.get_at::<String>("quotes", 0).await?.as_deref(), Some("first!"));
/// assert_eq!(state.global().get::<String>("greeting").await?, None);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct State {
    store: Arc<dyn Store>,
}

impl State {
    /// State on `store`.
    pub fn new(store: impl Store + 'static) -> Self {
        Self {
            store: Arc::new(store),
        }
    }

    /// State in the SQLite file at `path` (see [`SqliteStore::open`]).
    ///
    /// # Errors
    /// [`Error::State`](crate::Error::State) naming the file and the fix when it cannot be
    /// used: unwritable, damaged, another program's, or of a newer schema.
    pub async fn open(path: impl Into<PathBuf>) -> Result<Self> {
        Ok(Self::new(SqliteStore::open(path).await?))
    }

    /// State in memory, gone at exit: for tests.
    pub fn in_memory() -> Self {
        Self::new(InMemoryStore::new())
    }

    /// The default file: `glimbot/<client_id>/state.sqlite3` in the platform data directory,
    /// beside the token ([`FileStore::default_path`] says where that is). `None` when there is
    /// no data directory or `client_id` is not a plain file name.
    pub fn default_path(client_id: &str) -> Option<PathBuf> {
        Some(FileStore::default_path(client_id)?.with_file_name(FILE_NAME))
    }

    /// The state file the configuration names: `state.path`, or else the default path.
    ///
    /// # Errors
    /// [`Error::Config`] on `state.path` when it is unset and there is no data directory;
    /// [`Error::State`] when the file cannot be used.
    pub(crate) async fn open_configured(config: &Config) -> Result<Self> {
        let path = config
            .state
            .path
            .clone()
            .or_else(|| Self::default_path(&config.glimesh.client_id))
            .ok_or_else(|| Error::Config {
                key: "state.path".into(),
                message: "there is no data directory to keep the state in; set a path".into(),
            })?;
        Self::open(path).await
    }

    /// The state of the channel with id `channel_id`.
    pub fn channel(&self, channel_id: &str) -> ScopedState {
        ScopedState::new(self.store.clone(), Scope::Channel(channel_id.to_owned()))
    }

    /// The bot-wide state, shared by all channels.
    pub fn global(&self) -> ScopedState {
        ScopedState::new(self.store.clone(), Scope::Global)
    }
}
