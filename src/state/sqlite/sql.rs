//! Each [`Store`] call as SQL: values by scope and key, lists numbered from 0, and every
//! read-modify-write one transaction.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Failure, SqliteStore, error};
use crate::error::Result;
use crate::state::store::{Scope, Store, UpdateFn, add_to_counter};

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
