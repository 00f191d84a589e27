//! Files of every schema and of none: created owner-only, migrated, or refused and left alone.

use super::*;

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
