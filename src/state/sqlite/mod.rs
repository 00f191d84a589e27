//! [`SqliteStore`]: state in one SQLite file, worked on by a thread of its own.

mod sql;

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::error::{Error, Result};
use crate::state::schema;
use crate::state::store::Scope;

/// Work for the store's thread; it answers through a channel the job carries.
type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A [`Store`](crate::state::store::Store) in one SQLite file (WAL mode, `synchronous = FULL`): every write is one
/// transaction, on disk when its call returns.
///
/// SQLite blocks, so one thread of the store's own owns the connection and runs the calls in
/// the order they arrive; the async runtime only waits for answers. The thread ends when the
/// store is dropped, after the calls already sent.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    jobs: mpsc::Sender<Job>,
}

/// Why a job failed: SQLite, or the value (a counter that is not one, an `update` body).
pub(super) enum Failure {
    Sql(rusqlite::Error),
    Value(Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sql(e)
    }
}

impl SqliteStore {
    /// Opens the state file at `path`, creating it (and its directory) owner-only when
    /// missing, and brings its schema up to date.
    ///
    /// # Errors
    /// [`Error::State`] naming the file and the fix when it cannot be created or written, is
    /// not a SQLite database, belongs to another program, or has a newer schema. The file is
    /// never changed or deleted in these cases.
    pub async fn open(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let (jobs, queue) = mpsc::channel::<Job>();
        let (opened, on_open) = oneshot::channel();
        let file = path.clone();
        std::thread::Builder::new()
            .name("glimbot-state".to_owned())
            .spawn(move || {
                let mut conn = match schema::open(&file) {
                    Ok(conn) => conn,
                    Err(message) => {
                        let _ = opened.send(Err(message));
                        return;
                    }
                };
                let _ = opened.send(Ok(()));
                for job in queue {
                    job(&mut conn);
                }
            })
            .map_err(|e| error(&path, format!("cannot start its thread: {e}")))?;
        match on_open.await {
            Ok(Ok(())) => Ok(Self { path, jobs }),
            Ok(Err(message)) => Err(error(&path, message)),
            Err(_) => Err(error(&path, "its thread stopped while opening".to_owned())),
        }
    }

    /// Runs `work` on the store's thread with the scope's column and the key, and waits for
    /// its answer.
    async fn run<T: Send + 'static>(
        &self,
        scope: &Scope,
        key: &str,
        work: impl FnOnce(&mut Connection, &str, &str) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T> {
        let (answer, answered) = oneshot::channel();
        let (column, owned_key) = (scope.column(), key.to_owned());
        let job: Job = Box::new(move |conn| {
            // A panic (in an author's `update` body) rolls the transaction back as it unwinds,
            // and goes on in the caller, as it would with a store on the caller's thread.
            let outcome = catch_unwind(AssertUnwindSafe(|| work(conn, &column, &owned_key)));
            let _ = answer.send(outcome);
        });
        let stopped = || error(&self.path, "its thread stopped".to_owned());
        self.jobs.send(job).map_err(|_| stopped())?;
        match answered.await.map_err(|_| stopped())? {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(Failure::Value(e))) => Err(e),
            Ok(Err(Failure::Sql(e))) => {
                Err(error(&self.path, format!("key `{key}` in {scope}: {e}")))
            }
            Err(panic) => resume_unwind(panic),
        }
    }
}

pub(super) fn error(path: &Path, message: String) -> Error {
    Error::State {
        path: path.to_owned(),
        message,
    }
}
