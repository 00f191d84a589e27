//! Opening a state file: creating it owner-only, telling ours from a damaged, foreign or newer
//! file (none of which is ever changed), and bringing the schema up to date.

use std::fs;
use std::io;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, MAIN_DB, OpenFlags, TransactionBehavior};

/// Marks a SQLite file as glimbot's state (`PRAGMA application_id`; the bytes spell `glmb`).
pub(crate) const APPLICATION_ID: i32 = 0x676c_6d62;

/// The schema, one step per version: step `n` takes a file from version `n` to `n + 1`
/// (`PRAGMA user_version`). Steps are only ever appended.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: values (counters among them), by scope and key.
    "CREATE TABLE value (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (scope, key)
    ) WITHOUT ROWID;",
    // 2: lists, one row per item, numbered from 0.
    "CREATE TABLE list_item (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (scope, key, position)
    ) WITHOUT ROWID;",
];

/// How long a write waits for another process that holds the file's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens the state file at `path`, creating it if missing, and migrates it to the current
/// schema. The error is a message for [`Error::State`](crate::Error::State).
pub(crate) fn open(path: &Path) -> Result<Connection, String> {
    create_private(path).map_err(|e| io_message(&e))?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| sql_message(&e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| sql_message(&e))?;
    // Checked before anything is written: WAL mode alone would rewrite a foreign file's header.
    check_identity(&conn)?;
    if conn.is_readonly(MAIN_DB).map_err(|e| sql_message(&e))? {
        return Err(read_only("the file is read-only"));
    }
    set_up(&mut conn).map_err(|e| sql_message(&e))?;
    Ok(conn)
}

/// Creates the file readable by its owner alone, and its directory likewise, before SQLite
/// would create it with the umask's wider mode. SQLite gives its `-wal` and `-shm` files the
/// mode of this one.
fn create_private(path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

/// Refuses a file that is not glimbot's state, or is of a schema newer than this build knows.
/// An empty file (no tables, no mark) is a new store.
fn check_identity(conn: &Connection) -> Result<(), String> {
    let read = || -> rusqlite::Result<(i32, usize, Vec<String>)> {
        let id = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
        let version = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let mut tables = conn.prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )?;
        let tables = tables
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((id, version, tables))
    };
    let (id, version, tables) = read().map_err(|e| sql_message(&e))?;
    let empty = id == 0 && version == 0 && tables.is_empty();
    if id != APPLICATION_ID && !empty {
        return Err(format!(
            "is a SQLite database of another program (application_id {id:#x}, tables: {}), \
             not glimbot's state. It was left as it is: set `state.path` to a file of its own",
            if tables.is_empty() {
                "none".to_owned()
            } else {
                tables.join(", ")
            }
        ));
    }
    if version > MIGRATIONS.len() {
        return Err(format!(
            "was written by a newer glimbot (schema version {version}; this one knows up to {}). \
             It was left as it is: run that newer glimbot, or set `state.path` to another file",
            MIGRATIONS.len()
        ));
    }
    Ok(())
}

/// WAL mode, so readers do not wait for the writer; `synchronous = FULL`, so a commit is on
/// disk when it returns, power loss included (NORMAL in WAL mode may lose the last commits).
/// Then the missing migrations, in one transaction that re-reads the version: another process
/// may have migrated the file since it was checked.
fn set_up(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA journal_mode = WAL", [], |row| {
        row.get::<_, String>(0)
    })?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: usize = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version < MIGRATIONS.len() {
        for step in &MIGRATIONS[version..] {
            tx.execute_batch(step)?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", MIGRATIONS.len())?;
    }
    tx.commit()
}

fn read_only(detail: &str) -> String {
    format!(
        "cannot be written ({detail}): make the file and its directory writable by this user, \
         or set `state.path` to a writable place"
    )
}

fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            read_only(&e.to_string())
        }
        _ => format!("cannot be created: {e}"),
    }
}

fn sql_message(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => format!(
            "is not a SQLite database, or is damaged ({e}). It was left as it is: move it away \
             to start with empty state, or put back a backup"
        ),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            read_only(&e.to_string())
        }
        _ => format!("cannot be opened: {e}"),
    }
}
