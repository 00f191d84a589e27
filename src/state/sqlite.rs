//! [`SqliteStore`]: state in one SQLite file, worked on by a thread of its own.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use tokio::sync::oneshot;

use crate::error::{Error, Result};
use crate::state::schema;
use crate::state::store::{Scope, Store, UpdateFn, add_to_counter};

/// Work for the store's thread; it answers through a channel the job carries.
type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A [`Store`] in one SQLite file (WAL mode, `synchronous = FULL`): every write is one
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
enum Failure {
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

fn error(path: &Path, message: String) -> Error {
    Error::State {
        path: path.to_owned(),
        message,
    }
}

const SELECT_VALUE: &str = "SELECT json FROM value WHERE scope = ?1 AND key = ?2";
const UPSERT_VALUE: &str = "INSERT INTO value (scope, key, json) VALUES (?1, ?2, ?3) \
                            ON CONFLICT (scope, key) DO UPDATE SET json = excluded.json";

/// Reads a value, changes it with `change`, and writes it back as one transaction that holds
/// the write lock from the start, so no other process can write in between.
fn read_modify_write<T>(
    conn: &mut Connection,
    scope: &str,
    key: &str,
    change: impl FnOnce(Option<String>) -> Result<(String, T), Failure>,
) -> Result<T, Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = tx
        .prepare_cached(SELECT_VALUE)?
        .query_row(params![scope, key], |row| row.get(0))
        .optional()?;
    let (json, answer) = change(current)?;
    tx.prepare_cached(UPSERT_VALUE)?
        .execute(params![scope, key, json])?;
    tx.commit()?;
    Ok(answer)
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    fn path(&self) -> &Path {
        &self.path
    }

    async fn get(&self, scope: &Scope, key: &str) -> Result<Option<String>> {
        self.run(scope, key, |conn, scope, key| {
            let json = conn
                .prepare_cached(SELECT_VALUE)?
                .query_row(params![scope, key], |row| row.get(0))
                .optional()?;
            Ok(json)
        })
        .await
    }

    async fn set(&self, scope: &Scope, key: &str, json: String) -> Result<()> {
        self.run(scope, key, move |conn, scope, key| {
            conn.prepare_cached(UPSERT_VALUE)?
                .execute(params![scope, key, json])?;
            Ok(())
        })
        .await
    }

    async fn remove(&self, scope: &Scope, key: &str) -> Result<bool> {
        self.run(scope, key, |conn, scope, key| {
            let tx = conn.transaction()?;
            let mut removed = 0;
            for table in ["value", "list_item"] {
                removed += tx.execute(
                    &format!("DELETE FROM {table} WHERE scope = ?1 AND key = ?2"),
                    params![scope, key],
                )?;
            }
            tx.commit()?;
            Ok(removed > 0)
        })
        .await
    }

    async fn update(&self, scope: &Scope, key: &str, change: UpdateFn) -> Result<String> {
        self.run(scope, key, move |conn, scope, key| {
            read_modify_write(conn, scope, key, |current| {
                let json = change(current).map_err(Failure::Value)?;
                Ok((json.clone(), json))
            })
        })
        .await
    }

    async fn incr(&self, scope: &Scope, key: &str, by: i64) -> Result<i64> {
        let (path, owned_scope) = (self.path.clone(), scope.clone());
        self.run(scope, key, move |conn, column, key| {
            read_modify_write(conn, column, key, |current| {
                let new = add_to_counter(&owned_scope, key, current.as_deref(), by)
                    .map_err(|message| Failure::Value(error(&path, message)))?;
                Ok((new.to_string(), new))
            })
        })
        .await
    }

    async fn push(&self, scope: &Scope, key: &str, json: String) -> Result<usize> {
        self.run(scope, key, move |conn, scope, key| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let len = list_len(&tx, scope, key)?;
            tx.prepare_cached(
                "INSERT INTO list_item (scope, key, position, json) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![scope, key, len, json])?;
            tx.commit()?;
            Ok(len + 1)
        })
        .await
    }

    async fn get_at(&self, scope: &Scope, key: &str, index: usize) -> Result<Option<String>> {
        // No list is that long, and SQLite's integers stop at `i64::MAX`.
        let Ok(position) = i64::try_from(index) else {
            return Ok(None);
        };
        self.run(scope, key, move |conn, scope, key| {
            let json = conn
                .prepare_cached(
                    "SELECT json FROM list_item WHERE scope = ?1 AND key = ?2 AND position = ?3",
                )?
                .query_row(params![scope, key, position], |row| row.get(0))
                .optional()?;
            Ok(json)
        })
        .await
    }

    async fn len(&self, scope: &Scope, key: &str) -> Result<usize> {
        self.run(scope, key, |conn, scope, key| {
            Ok(list_len(conn, scope, key)?)
        })
        .await
    }

    async fn list(&self, scope: &Scope, key: &str) -> Result<Vec<String>> {
        self.run(scope, key, |conn, scope, key| {
            let mut items = conn.prepare_cached(
                "SELECT json FROM list_item WHERE scope = ?1 AND key = ?2 ORDER BY position",
            )?;
            let items = items
                .query_map(params![scope, key], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(items)
        })
        .await
    }
}

/// A list's length, which is also the position of its next item: items are numbered from 0
/// with no gaps, and the primary key makes `MAX` one index lookup.
fn list_len(conn: &Connection, scope: &str, key: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM list_item WHERE scope = ?1 AND key = ?2",
    )?
    .query_row(params![scope, key], |row| row.get(0))
}
