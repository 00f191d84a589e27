//! Files and directories the bot may not write: refused, and left alone.

use super::*;

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
