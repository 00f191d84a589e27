//! Where the token lives between runs: [`FileStore`], one JSON file readable only by its owner,
//! and [`MemoryStore`] for tests and for bots that must not write files.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::auth::token::Token;
use crate::auth::token_file::{read_token, remove_stale_temps, write_atomically};
use crate::error::{Error, Result};

/// Where tokens live between runs. Implementations only load and save; refresh policy lives
/// elsewhere.
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync + std::fmt::Debug {
    /// The saved token, if any. A missing file is `Ok(None)`; an unreadable or corrupt one is an
    /// error.
    ///
    /// # Errors
    /// [`Error::TokenStore`] when the token cannot be read or is not a token.
    async fn load(&self) -> Result<Option<Token>>;

    /// Replaces the saved token.
    ///
    /// # Errors
    /// [`Error::TokenStore`] when the token cannot be written; the previous one is then kept.
    async fn save(&self, token: &Token) -> Result<()>;

    /// Forgets the saved token (no error if there is none).
    ///
    /// # Errors
    /// [`Error::TokenStore`] when a saved token exists and cannot be removed.
    async fn clear(&self) -> Result<()>;
}

/// The default store: one JSON file, replaced atomically and created readable only by its owner.
#[derive(Debug, Clone)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// A store that keeps the token in the file at `path`, creating its directory when needed.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The default path: `glimbot/<client_id>/token.json` in the platform data directory
    /// (`$XDG_DATA_HOME`, else `$HOME/.local/share` on Linux; `~/Library/Application Support` on
    /// macOS; `%APPDATA%` on Windows). `None` when there is no data directory, or when
    /// `client_id` is not a plain file name and so would point outside it.
    pub fn default_path(client_id: &str) -> Option<PathBuf> {
        let mut components = Path::new(client_id).components();
        let plain = matches!(
            (components.next(), components.next()),
            (Some(Component::Normal(_)), None)
        );
        if !plain {
            return None;
        }
        Some(
            dirs::data_dir()?
                .join("glimbot")
                .join(client_id)
                .join("token.json"),
        )
    }

    /// The file the token is kept in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, source: io::Error) -> Error {
        Error::TokenStore {
            path: self.path.clone(),
            source,
        }
    }
}

#[async_trait::async_trait]
impl TokenStore for FileStore {
    async fn load(&self) -> Result<Option<Token>> {
        let path = self.path.clone();
        let Some((token, exposed)) = blocking(move || {
            remove_stale_temps(&path);
            read_token(&path)
        })
        .await
        .map_err(|e| self.error(e))?
        else {
            return Ok(None);
        };
        if exposed {
            let path = self.path.display();
            tracing::warn!(
                %path,
                "the token file is readable by other users; fix with `chmod 600 {path}`"
            );
        }
        Ok(Some(token))
    }

    async fn save(&self, token: &Token) -> Result<()> {
        let json = serde_json::to_vec_pretty(token).map_err(|e| self.error(e.into()))?;
        let path = self.path.clone();
        blocking(move || write_atomically(&path, &json))
            .await
            .map_err(|e| self.error(e))
    }

    async fn clear(&self) -> Result<()> {
        let path = self.path.clone();
        blocking(move || match fs::remove_file(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        })
        .await
        .map_err(|e| self.error(e))
    }
}

/// Runs file I/O on tokio's blocking pool so it never stalls the runtime's workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(io::Error::other)?
}

/// A store in memory, for tests and for bots that must not write files. Clones share the token.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    token: Arc<Mutex<Option<Token>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        // A panic elsewhere cannot leave an `Option<Token>` half-written.
        self.token.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl TokenStore for MemoryStore {
    async fn load(&self) -> Result<Option<Token>> {
        Ok(self.slot().clone())
    }

    async fn save(&self, token: &Token) -> Result<()> {
        *self.slot() = Some(token.clone());
        Ok(())
    }

    async fn clear(&self) -> Result<()> {
        *self.slot() = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
