//! The state store's contract, held by the SQLite store and the in-memory one alike: values,
//! atomic updates, counters, lists and scopes; and for the file, that it outlives the process.
#![allow(clippy::unwrap_used)]

mod lists;

use std::collections::BTreeSet;

use glimbot::{Error, State};
use serde::{Deserialize, Serialize};
use tempfile::TempDir;

/// The SQLite store in a fresh temporary directory, and the in-memory store.
async fn both_stores() -> (TempDir, [State; 2]) {
    let dir = tempfile::tempdir().unwrap();
    let file = State::open(dir.path().join("state.sqlite3")).await.unwrap();
    (dir, [file, State::in_memory()])
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Quote {
    text: String,
    by: String,
}

fn quote(text: &str) -> Quote {
    Quote {
        text: text.to_owned(),
        by: "ana".to_owned(),
    }
}

#[tokio::test]
async fn values_round_trip_and_remove_forgets_them() {
    let (_dir, stores) = both_stores().await;
    for state in stores {
        let channel = state.channel("7");
        assert_eq!(channel.get::<Quote>("motd").await.unwrap(), None);

        channel.set("motd", &quote("be kind")).await.unwrap();
        channel.set("ratio", &0.5).await.unwrap();
        assert_eq!(channel.get("motd").await.unwrap(), Some(quote("be kind")));
        assert_eq!(channel.get::<f64>("ratio").await.unwrap(), Some(0.5));

        channel.set("motd", &quote("be brief")).await.unwrap();
        assert_eq!(channel.get("motd").await.unwrap(), Some(quote("be brief")));

        assert!(channel.remove("motd").await.unwrap());
        assert!(!channel.remove("motd").await.unwrap());
        assert_eq!(channel.get::<Quote>("motd").await.unwrap(), None);
        assert_eq!(channel.get::<f64>("ratio").await.unwrap(), Some(0.5));
    }
}

#[tokio::test]
async fn a_value_of_another_type_is_an_error_naming_the_key_and_an_update_keeps_it() {
    let (dir, stores) = both_stores().await;
    for state in stores {
        let global = state.global();
        global.set("motd", "hello").await.unwrap();
        let Err(Error::State { path, message }) = global.get::<i64>("motd").await else {
            panic!("a string read as i64 must fail");
        };
        assert!(message.contains("key `motd`"), "{message}");
        assert!(message.contains("\"hello\""), "{message}");
        assert!(path == dir.path().join("state.sqlite3") || path.to_str() == Some(":memory:"));

        let updated = global
            .update("motd", |n: Option<i64>| n.unwrap_or(0) + 1)
            .await;
        assert!(matches!(updated, Err(Error::State { .. })), "{updated:?}");
        let kept = global.get::<String>("motd").await.unwrap();
        assert_eq!(kept.as_deref(), Some("hello"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_updates_lose_none() {
    let (_dir, stores) = both_stores().await;
    for state in stores {
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let channel = state.channel("7");
                tokio::spawn(async move {
                    channel
                        .update("seen", move |seen: Option<Vec<u32>>| {
                            let mut seen = seen.unwrap_or_default();
                            seen.push(i);
                            seen
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let seen: Vec<u32> = state.channel("7").get("seen").await.unwrap().unwrap();
        assert_eq!(
            seen.iter().copied().collect::<BTreeSet<_>>(),
            (0..100).collect()
        );
    }
}

#[tokio::test]
async fn a_panicking_update_reaches_its_caller_and_changes_nothing() {
    let (_dir, stores) = both_stores().await;
    for state in stores {
        state.global().set("count", &1).await.unwrap();
        let global = state.global();
        let panicked = tokio::spawn(async move {
            global
                .update("count", |_: Option<i64>| -> i64 {
                    panic!("the body gave up")
                })
                .await
        })
        .await
        .unwrap_err();
        assert!(panicked.is_panic());
        assert_eq!(state.global().get::<i64>("count").await.unwrap(), Some(1));
        assert_eq!(state.global().incr("count", 1).await.unwrap(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_incrs_count_to_a_hundred() {
    let (_dir, stores) = both_stores().await;
    for state in stores {
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let global = state.global();
                tokio::spawn(async move { global.incr("pings", 1).await })
            })
            .collect();
        let mut answers = BTreeSet::new();
        for task in tasks {
            answers.insert(task.await.unwrap().unwrap());
        }
        // Each call saw its own new value: no two read the same count.
        assert_eq!(answers, (1..=100).collect());
        assert_eq!(state.global().get::<i64>("pings").await.unwrap(), Some(100));
        assert_eq!(state.global().incr("pings", -30).await.unwrap(), 70);
    }
}

#[tokio::test]
async fn incr_refuses_a_value_that_is_not_an_integer_or_an_overflow() {
    let (_dir, stores) = both_stores().await;
    for state in stores {
        let channel = state.channel("7");
        channel.set("motd", "hello").await.unwrap();
        let Err(Error::State { message, .. }) = channel.incr("motd", 1).await else {
            panic!("incr on a string must fail");
        };
        assert!(message.contains("key `motd` in channel 7"), "{message}");
        assert!(message.contains("not an integer"), "{message}");

        channel.set("big", &i64::MAX).await.unwrap();
        let Err(Error::State { message, .. }) = channel.incr("big", 1).await else {
            panic!("an overflow must fail");
        };
        assert!(message.contains("overflows"), "{message}");
        assert_eq!(channel.get::<i64>("big").await.unwrap(), Some(i64::MAX));
    }
}
