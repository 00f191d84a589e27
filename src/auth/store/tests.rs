#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};

use super::*;
use crate::auth::token_file::stage;
use crate::secret::Secret;

fn token(access: &str) -> Token {
    Token {
        access_token: Secret::new(access),
        refresh_token: Some(Secret::new(format!("{access}-refresh"))),
        scope: "public chat".to_owned(),
        expires_at: Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap(),
    }
}

fn store_in(dir: &tempfile::TempDir) -> FileStore {
    FileStore::new(dir.path().join("glimbot").join("client").join("token.json"))
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_saved_token_loads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir);
    store.save(&token("first")).await.unwrap();
    store.save(&token("second")).await.unwrap();
    assert_eq!(store.load().await.unwrap(), Some(token("second")));
    assert_eq!(entries(store.path().parent().unwrap()), ["token.json"]);
}

#[tokio::test]
async fn a_missing_file_loads_as_no_token() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(store_in(&dir).load().await.unwrap(), None);
}

#[tokio::test]
async fn clear_forgets_the_token_and_can_be_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir);
    store.save(&token("gone")).await.unwrap();
    store.clear().await.unwrap();
    assert_eq!(store.load().await.unwrap(), None);
    store.clear().await.unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn the_file_is_owner_only_and_new_directories_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir);
    store.save(&token("private")).await.unwrap();
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(store.path()), 0o600);
    assert_eq!(mode(store.path().parent().unwrap()), 0o700);
    assert_eq!(mode(&dir.path().join("glimbot")), 0o700);

    fs::set_permissions(store.path(), fs::Permissions::from_mode(0o644)).unwrap();
    store.save(&token("again")).await.unwrap();
    assert_eq!(mode(store.path()), 0o600);
}

#[tokio::test]
async fn a_write_interrupted_before_the_rename_leaves_the_previous_token_readable() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir);
    store.save(&token("old")).await.unwrap();

    let staged = stage(store.path(), b"{\"access_token\": \"half-writ").unwrap();

    assert_eq!(store.load().await.unwrap(), Some(token("old")));
    assert_eq!(staged.parent(), store.path().parent());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&staged).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    store.save(&token("new")).await.unwrap();
    assert_eq!(store.load().await.unwrap(), Some(token("new")));
}

#[tokio::test]
async fn a_failed_rename_reports_the_path_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("token.json"));
    fs::create_dir(store.path()).unwrap();

    let error = store.save(&token("nowhere")).await.unwrap_err();

    assert!(matches!(&error, Error::TokenStore { path, .. } if path == store.path()));
    assert_eq!(entries(dir.path()), ["token.json"]);
}

#[cfg(unix)]
#[tokio::test]
async fn a_file_readable_by_others_still_loads_and_warns_how_to_fix_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir);
    store.save(&token("shared-secret")).await.unwrap();
    fs::set_permissions(store.path(), fs::Permissions::from_mode(0o644)).unwrap();

    let log = dir.path().join("log");
    let subscriber = tracing_subscriber::fmt()
        .with_writer(fs::File::create(&log).unwrap())
        .with_ansi(false)
        .finish();
    let loaded = {
        let _guard = tracing::subscriber::set_default(subscriber);
        store.load().await.unwrap()
    };

    assert_eq!(loaded, Some(token("shared-secret")));
    let logs = fs::read_to_string(&log).unwrap();
    assert!(logs.contains("WARN"), "{logs}");
    assert!(
        logs.contains(&format!("chmod 600 {}", store.path().display())),
        "{logs}"
    );
    assert!(!logs.contains("shared-secret"), "{logs}");
}

#[tokio::test]
async fn a_corrupt_file_is_an_error_that_does_not_quote_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir);
    fs::create_dir_all(store.path().parent().unwrap()).unwrap();
    // serde_json's own message for this input would quote it.
    fs::write(store.path(), "\"leaked-secret\"").unwrap();

    let error = store.load().await.unwrap_err();

    let Error::TokenStore { path, source } = &error else {
        panic!("expected a token store error, got {error:?}");
    };
    assert_eq!(path, store.path());
    assert_eq!(source.kind(), io::ErrorKind::InvalidData);
    let message = format!("{error} {error:?}");
    assert!(message.contains("not a glimbot token file"), "{message}");
    assert!(message.contains("--logout"), "{message}");
    assert!(!message.contains("leaked-secret"), "{message}");
}

#[tokio::test]
async fn debug_output_of_stores_and_loaded_tokens_never_shows_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let files = store_in(&dir);
    let memory = MemoryStore::new();
    for store in [&files as &dyn TokenStore, &memory] {
        store.save(&token("hunter2")).await.unwrap();
        let loaded = store.load().await.unwrap();
        let shown = format!("{store:?} {loaded:?}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

#[tokio::test]
async fn a_memory_store_round_trips_and_its_clones_share_the_token() {
    let store = MemoryStore::new();
    assert_eq!(store.load().await.unwrap(), None);
    store.save(&token("in-memory")).await.unwrap();
    assert_eq!(
        store.clone().load().await.unwrap(),
        Some(token("in-memory"))
    );
    store.clone().clear().await.unwrap();
    assert_eq!(store.load().await.unwrap(), None);
}

#[test]
fn the_default_path_is_per_client_under_the_data_directory() {
    if let Some(path) = FileStore::default_path("abc123") {
        assert!(path.ends_with("glimbot/abc123/token.json"), "{path:?}");
        assert!(path.starts_with(dirs::data_dir().unwrap()));
    }
    for escaping in ["", ".", "..", "../x", "a/b", "/etc"] {
        assert_eq!(FileStore::default_path(escaping), None, "{escaping:?}");
    }
}
