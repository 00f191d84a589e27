//! The state file on disk: owner-only, migrated from older schemas, and a damaged, foreign,
//! newer or unwritable file refused with an error naming it, and never changed.
#![allow(clippy::unwrap_used)]

mod read_only;
mod schemas;

use std::fs;
use std::path::{Path, PathBuf};

use glimbot::{Error, State};
use rusqlite::Connection;

/// glimbot's `PRAGMA application_id`.
const GLIMBOT: i32 = 0x676c_6d62;
/// The schema version this build writes.
const CURRENT: i64 = 2;

fn state_file(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("state.sqlite3")
}

/// `(application_id, user_version)` of the file, read with plain SQLite.
fn marks(path: &Path) -> (i32, i64) {
    let conn = Connection::open(path).unwrap();
    let id = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let version = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    (id, version)
}

/// Writes the file at `path` with plain SQLite, as another program or an older glimbot would.
fn write_by_hand(path: &Path, sql: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
    conn.close().unwrap();
}

/// A file of schema version 1, as the first release wrote it (values, no lists), holding the
/// rows `values` (SQL tuples).
fn write_version_1(path: &Path, values: &str) {
    write_by_hand(
        path,
        &format!(
            "CREATE TABLE value (scope TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL,
                 PRIMARY KEY (scope, key)) WITHOUT ROWID;
             INSERT INTO value VALUES {values};
             PRAGMA application_id = {GLIMBOT};
             PRAGMA user_version = 1;"
        ),
    );
}

/// Opening `path` fails with [`Error::State`] naming it; the message.
async fn refused(path: &Path) -> String {
    match State::open(path).await {
        Err(Error::State {
            path: named,
            message,
        }) => {
            assert_eq!(named, path);
            let shown = Error::State {
                path: named,
                message: message.clone(),
            }
            .to_string();
            assert!(shown.contains(&path.display().to_string()), "{shown}");
            message
        }
        other => panic!("{} must be refused, got {other:?}", path.display()),
    }
}
