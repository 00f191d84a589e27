//! The state file on disk: owner-only, migrated from older schemas, and a damaged, foreign,
//! newer or unwritable file refused with an error naming it, and never changed.
#![allow(clippy::unwrap_used)]

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

#[cfg(unix)]
#[tokio::test]
async fn the_file_and_its_directory_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("glimbot")
        .join("client")
        .join("state.sqlite3");
    let state = State::open(&path).await.unwrap();
    state.global().set("motd", "hello").await.unwrap();

    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(path.parent().unwrap().parent().unwrap()), 0o700);
    // The write-ahead log holds the newest values until a checkpoint: owner-only too.
    let wal = path.with_file_name("state.sqlite3-wal");
    assert_eq!(mode(&wal), 0o600);
}

#[tokio::test]
async fn an_empty_file_becomes_a_store_of_the_current_schema_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = state_file(&dir);
    fs::write(&path, b"").unwrap();
    let state = State::open(&path).await.unwrap();
    state.channel("7").push("quotes", "one").await.unwrap();

    assert_eq!(marks(&path), (GLIMBOT, CURRENT));
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let json: String = conn
        .query_row(
            "SELECT json FROM list_item WHERE scope = 'channel:7'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(json, "\"one\"");
}

#[tokio::test]
async fn a_file_of_the_previous_schema_is_migrated_and_keeps_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = state_file(&dir);
    write_version_1(
        &path,
        "('channel:7', 'pings', '41'), ('global', 'motd', '\"hi\"')",
    );

    let state = State::open(&path).await.unwrap();
    assert_eq!(state.channel("7").incr("pings", 1).await.unwrap(), 42);
    assert_eq!(
        state
            .global()
            .get::<String>("motd")
            .await
            .unwrap()
            .as_deref(),
        Some("hi")
    );
    assert_eq!(state.channel("7").push("quotes", "one").await.unwrap(), 1);
    assert_eq!(marks(&path), (GLIMBOT, CURRENT));
}

#[tokio::test]
async fn a_file_of_a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = state_file(&dir);
    write_by_hand(
        &path,
        &format!(
            "CREATE TABLE value (scope TEXT, key TEXT, json TEXT);
             PRAGMA application_id = {GLIMBOT};
             PRAGMA user_version = 99;"
        ),
    );
    let before = fs::read(&path).unwrap();

    let message = refused(&path).await;
    assert!(
        message.contains("newer glimbot (schema version 99"),
        "{message}"
    );
    assert!(
        message.contains(&format!("knows up to {CURRENT}")),
        "{message}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[tokio::test]
async fn a_file_of_random_bytes_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = state_file(&dir);
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::write(&path, &garbage).unwrap();

    let message = refused(&path).await;
    assert!(
        message.contains("is not a SQLite database, or is damaged"),
        "{message}"
    );
    assert!(message.contains("move it away"), "{message}");
    assert_eq!(fs::read(&path).unwrap(), garbage);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no -wal or -shm beside it"
    );
}

#[tokio::test]
async fn another_programs_sqlite_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = state_file(&dir);
    write_by_hand(
        &path,
        "CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ana');",
    );
    let before = fs::read(&path).unwrap();

    let message = refused(&path).await;
    assert!(message.contains("another program"), "{message}");
    assert!(message.contains("tables: users"), "{message}");
    assert!(message.contains("`state.path`"), "{message}");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no -wal or -shm beside it"
    );
}

/// Runs `open` as an ordinary user would: root writes into read-only places, so this thread
/// (and the store's thread it starts) gives up that override for the duration.
#[cfg(target_os = "linux")]
fn unprivileged<T>(open: impl std::future::Future<Output = T>) -> T {
    use caps::{CapSet, Capability};
    let had = caps::has_cap(None, CapSet::Effective, Capability::CAP_DAC_OVERRIDE).unwrap();
    caps::drop(None, CapSet::Effective, Capability::CAP_DAC_OVERRIDE).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let result = runtime.block_on(open);
    if had {
        caps::raise(None, CapSet::Effective, Capability::CAP_DAC_OVERRIDE).unwrap();
    }
    result
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn a_new_file_in_a_read_only_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = state_file(&dir);
    chmod(dir.path(), 0o500);
    let message = unprivileged(refused(&path));
    chmod(dir.path(), 0o700);
    assert!(message.contains("cannot be written"), "{message}");
    assert!(message.contains("writable"), "{message}");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[cfg(target_os = "linux")]
#[test]
fn an_existing_store_in_a_read_only_directory_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let older = dir.path().join("older.sqlite3");
    write_version_1(&older, "('global', 'motd', '\"hi\"')");
    // A store of the current schema in WAL mode, closed, as a clean stop leaves it.
    let current = dir.path().join("current.sqlite3");
    write_version_1(&current, "('global', 'motd', '\"hi\"')");
    write_by_hand(
        &current,
        "CREATE TABLE list_item (scope TEXT NOT NULL, key TEXT NOT NULL,
             position INTEGER NOT NULL, json TEXT NOT NULL,
             PRIMARY KEY (scope, key, position)) WITHOUT ROWID;
         PRAGMA user_version = 2;
         PRAGMA journal_mode = WAL;",
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no -wal or -shm left"
    );
    let before = [fs::read(&older).unwrap(), fs::read(&current).unwrap()];

    chmod(dir.path(), 0o500);
    let messages = [
        unprivileged(refused(&older)),
        unprivileged(refused(&current)),
    ];
    chmod(dir.path(), 0o700);
    for message in messages {
        assert!(message.contains("cannot be written"), "{message}");
    }
    assert_eq!(
        [fs::read(&older).unwrap(), fs::read(&current).unwrap()],
        before
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_read_only_store_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = state_file(&dir);
    write_version_1(&path, "('global', 'motd', '\"hi\"')");
    let before = fs::read(&path).unwrap();

    chmod(&path, 0o400);
    let message = unprivileged(refused(&path));
    assert!(
        message.contains("cannot be written (the file is read-only)"),
        "{message}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}
