//! [`InMemoryStore`]: state that lives as long as the process, for tests.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::{Error, Result};
use crate::state::store::{Scope, Store, UpdateFn, add_to_counter};

/// What `path()` reports, after SQLite's name for a database that is not a file.
const MEMORY: &str = ":memory:";

/// A [`Store`] in memory: nothing is written anywhere and everything is gone at exit.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    data: Mutex<Data>,
}

#[derive(Debug, Default)]
struct Data {
    values: HashMap<(Scope, String), String>,
    lists: HashMap<(Scope, String), Vec<String>>,
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn data(&self) -> MutexGuard<'_, Data> {
        // Every change is one insert or remove, so a panic cannot leave the maps half-changed.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn error(&self, message: String) -> Error {
        Error::State {
            path: MEMORY.into(),
            message,
        }
    }
}

fn id(scope: &Scope, key: &str) -> (Scope, String) {
    (scope.clone(), key.to_owned())
}

#[async_trait::async_trait]
impl Store for InMemoryStore {
    fn path(&self) -> &Path {
        Path::new(MEMORY)
    }

    async fn get(&self, scope: &Scope, key: &str) -> Result<Option<String>> {
        Ok(self.data().values.get(&id(scope, key)).cloned())
    }

    async fn set(&self, scope: &Scope, key: &str, json: String) -> Result<()> {
        self.data().values.insert(id(scope, key), json);
        Ok(())
    }

    async fn remove(&self, scope: &Scope, key: &str) -> Result<bool> {
        let mut data = self.data();
        let value = data.values.remove(&id(scope, key));
        let list = data.lists.remove(&id(scope, key));
        Ok(value.is_some() || list.is_some())
    }

    async fn update(&self, scope: &Scope, key: &str, change: UpdateFn) -> Result<String> {
        // The lock is held across `change`, as a transaction would be.
        let mut data = self.data();
        let new = change(data.values.get(&id(scope, key)).cloned())?;
        data.values.insert(id(scope, key), new.clone());
        Ok(new)
    }

    async fn incr(&self, scope: &Scope, key: &str, by: i64) -> Result<i64> {
        let mut data = self.data();
        let current = data.values.get(&id(scope, key)).map(String::as_str);
        let new = add_to_counter(scope, key, current, by).map_err(|m| self.error(m))?;
        data.values.insert(id(scope, key), new.to_string());
        Ok(new)
    }

    async fn push(&self, scope: &Scope, key: &str, json: String) -> Result<usize> {
        let mut data = self.data();
        let list = data.lists.entry(id(scope, key)).or_default();
        list.push(json);
        Ok(list.len())
    }

    async fn get_at(&self, scope: &Scope, key: &str, index: usize) -> Result<Option<String>> {
        let data = self.data();
        Ok(data
            .lists
            .get(&id(scope, key))
            .and_then(|list| list.get(index).cloned()))
    }

    async fn len(&self, scope: &Scope, key: &str) -> Result<usize> {
        Ok(self.data().lists.get(&id(scope, key)).map_or(0, Vec::len))
    }

    async fn list(&self, scope: &Scope, key: &str) -> Result<Vec<String>> {
        Ok(self
            .data()
            .lists
            .get(&id(scope, key))
            .cloned()
            .unwrap_or_default())
    }
}
