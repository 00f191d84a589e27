//! A tampered token file: refused without reading much of it, with an error that names the
//! file, what is wrong and the fix; and what a crash left beside it, removed at start.
#![allow(clippy::unwrap_used)]

mod auth_support;

use std::path::Path;
use std::time::{Duration, SystemTime};

use auth_support::lasting_token;
use glimbot::{Error, FileStore, TokenStore};

/// The error a store at `path` gives on load; it names the file.
async fn load_error(path: &Path) -> String {
    let error = FileStore::new(path).load().await.unwrap_err();
    assert!(matches!(&error, Error::TokenStore { path: named, .. } if named == path));
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        message.contains("--logout") && message.contains("delete it"),
        "{message}"
    );
    message
}

#[cfg(unix)]
#[tokio::test]
async fn a_token_path_that_is_no_plain_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let endless = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &endless).unwrap();
    let pipe = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    assert!(made.unwrap().success());
    for path in [&endless, &pipe, &dir.path().to_owned()] {
        let message = load_error(path).await;
        assert!(message.contains("not a regular file"), "{message}");
    }
}

#[tokio::test]
async fn an_oversized_token_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    std::fs::write(&path, vec![b' '; 1 << 20]).unwrap();
    let message = load_error(&path).await;
    assert!(message.contains("larger than 65536 bytes"), "{message}");
}

#[tokio::test]
async fn a_corrupt_token_file_error_says_what_is_wrong_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    let mut wrong_date = serde_json::to_value(lasting_token()).unwrap();
    wrong_date["expires_at"] = "leaked-secret".into();
    let cases = [
        (
            "{\"access_token\": \"leaked-secret\"".to_owned(),
            "not valid JSON (line 1 column 32)",
        ),
        ("[\"leaked-secret\"]".to_owned(), "holds no glimbot token"),
        (
            serde_json::json!({"access_token": "leaked-secret"}).to_string(),
            "lacks a field (missing field `scope`)",
        ),
        (
            wrong_date.to_string(),
            "field `expires_at` is not what glimbot writes",
        ),
    ];
    for (contents, problem) in cases {
        std::fs::write(&path, &contents).unwrap();
        let message = load_error(&path).await;
        assert!(message.contains(problem), "{message}");
        assert!(!message.contains("leaked-secret"), "{message}");
    }
}

#[tokio::test]
async fn temporary_files_a_crash_left_are_removed_at_start_and_fresh_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    let store = FileStore::new(&path);
    let token = lasting_token();
    store.save(&token).await.unwrap();
    let temp = |name: &str| dir.path().join(name);
    for name in [
        ".token.json.4242.00000000000000aa.tmp",
        ".token.json.4243.00000000000000bb.tmp",
    ] {
        std::fs::write(temp(name), "{\"access_token\": \"crashed\"}").unwrap();
    }
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let crashed = std::fs::File::options()
        .write(true)
        .open(temp(".token.json.4242.00000000000000aa.tmp"));
    crashed.unwrap().set_modified(an_hour_ago).unwrap();
    std::fs::write(temp("other.tmp"), "").unwrap();

    assert_eq!(store.load().await.unwrap(), Some(token));

    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".token.json.4243.00000000000000bb.tmp",
            "other.tmp",
            "token.json"
        ]
    );
}
