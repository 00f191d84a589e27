//! [`ScopedState`]: the typed view of one scope that a bot author uses.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::state::store::{Scope, Store};

/// The state of one channel, or of the whole bot: typed values, counters and lists by key.
/// Values are stored as JSON, so any serde type fits. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct ScopedState {
    store: Arc<dyn Store>,
    scope: Scope,
}

impl ScopedState {
    pub(crate) fn new(store: Arc<dyn Store>, scope: Scope) -> Self {
        Self { store, scope }
    }

    /// The scope this view reads and writes.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The bot-wide state of the same store, shared by all channels.
    pub fn global(&self) -> ScopedState {
        Self::new(self.store.clone(), Scope::Global)
    }

    /// The value of `key`, if set.
    ///
    /// # Errors
    /// [`Error::State`] when the store cannot be read or the value is not a `T`.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        match self.store.get(&self.scope, key).await? {
            Some(json) => self.decode(key, &json).map(Some),
            None => Ok(None),
        }
    }

    /// Sets `key` to `value`; it is on disk when this returns.
    ///
    /// # Errors
    /// [`Error::State`] when the value cannot be written.
    pub async fn set<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<()> {
        let json = self.encode(key, value)?;
        self.store.set(&self.scope, key, json).await
    }

    /// Forgets the value and the list of `key`; whether there was either.
    ///
    /// # Errors
    /// [`Error::State`] when the store cannot be written.
    pub async fn remove(&self, key: &str) -> Result<bool> {
        self.store.remove(&self.scope, key).await
    }

    /// Sets `key` to `change(current value)` as one transaction: no other write to the key,
    /// from this process or another, lands in between. The new value.
    ///
    /// `change` runs on the store's own thread, so it should be quick and must not block on
    /// the runtime.
    ///
    /// # Errors
    /// [`Error::State`] when the current value is not a `T` or the store cannot be written;
    /// the value is then unchanged.
    pub async fn update<T, F>(&self, key: &str, change: F) -> Result<T>
    where
        T: Serialize + DeserializeOwned + 'static,
        F: FnOnce(Option<T>) -> T + Send + 'static,
    {
        let (path, scope, owned_key) = (
            self.store.path().to_owned(),
            self.scope.clone(),
            key.to_owned(),
        );
        let change = Box::new(move |current: Option<String>| {
            let current = match current {
                Some(json) => Some(decode::<T>(&path, &scope, &owned_key, &json)?),
                None => None,
            };
            encode(&path, &scope, &owned_key, &change(current))
        });
        let json = self.store.update(&self.scope, key, change).await?;
        self.decode(key, &json)
    }

    /// Adds `by` (which may be negative) to the counter `key`, starting from 0; the new value.
    /// A counter is an ordinary value, so `get::<i64>` reads it too.
    ///
    /// # Errors
    /// [`Error::State`] when `key` holds something other than an integer, the sum overflows,
    /// or the store cannot be written.
    pub async fn incr(&self, key: &str, by: i64) -> Result<i64> {
        self.store.incr(&self.scope, key, by).await
    }

    /// Appends `item` to the list `key`; the list's new length, so the item's index is one
    /// less. Lists and values are apart: `get` does not see a list.
    ///
    /// # Errors
    /// [`Error::State`] when the item cannot be written.
    pub async fn push<T: Serialize + ?Sized>(&self, key: &str, item: &T) -> Result<usize> {
        let json = self.encode(key, item)?;
        self.store.push(&self.scope, key, json).await
    }

    /// Item `index` (from 0) of the list `key`; `None` past its end.
    ///
    /// # Errors
    /// [`Error::State`] when the store cannot be read or the item is not a `T`.
    pub async fn get_at<T: DeserializeOwned>(&self, key: &str, index: usize) -> Result<Option<T>> {
        match self.store.get_at(&self.scope, key, index).await? {
            Some(json) => self.decode(key, &json).map(Some),
            None => Ok(None),
        }
    }

    /// How many items the list `key` has (0 when there is none).
    ///
    /// # Errors
    /// [`Error::State`] when the store cannot be read.
    pub async fn len(&self, key: &str) -> Result<usize> {
        self.store.len(&self.scope, key).await
    }

    /// Every item of the list `key`, in order.
    ///
    /// # Errors
    /// [`Error::State`] when the store cannot be read or an item is not a `T`.
    pub async fn list<T: DeserializeOwned>(&self, key: &str) -> Result<Vec<T>> {
        let items = self.store.list(&self.scope, key).await?;
        items.iter().map(|json| self.decode(key, json)).collect()
    }

    fn decode<T: DeserializeOwned>(&self, key: &str, json: &str) -> Result<T> {
        decode(self.store.path(), &self.scope, key, json)
    }

    fn encode<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<String> {
        encode(self.store.path(), &self.scope, key, value)
    }
}

fn decode<T: DeserializeOwned>(path: &Path, scope: &Scope, key: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| Error::State {
        path: path.to_owned(),
        message: format!(
            "key `{key}` in {scope} holds {json}, which is not a {}: {e}; `remove` it or read it \
             as the type it was written as",
            std::any::type_name::<T>()
        ),
    })
}

fn encode<T: Serialize + ?Sized>(
    path: &Path,
    scope: &Scope,
    key: &str,
    value: &T,
) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::State {
        path: path.to_owned(),
        message: format!("the value for key `{key}` in {scope} cannot be written as JSON: {e}"),
    })
}
