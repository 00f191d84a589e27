//! First-run login, the saved token, refresh, and login again, against the emulator.
#![allow(clippy::unwrap_used)]

#[path = "../auth_support/mod.rs"]
mod auth_support;
#[path = "../common/mod.rs"]
mod common;
mod refusals;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_support::{approving_sim, whoami};
use common::{http, sim, sim_with};
use glimbot::sim::{Sim, SimOptions};
use glimbot::{Api, Browser, Credentials, Error, FileStore, LoginOptions, OAuthApp, TokenStore};

/// A person at a browser: follows every authorize URL the bot prints, and counts them.
#[derive(Clone, Default)]
struct Person {
    visits: Arc<AtomicUsize>,
}

impl Person {
    fn browser(&self) -> Browser {
        let visits = Arc::clone(&self.visits);
        Browser::With(Arc::new(move |url| {
            visits.fetch_add(1, Ordering::SeqCst);
            // Follows the emulator's redirect to the bot's loopback listener, as a browser does.
            tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status()) });
        }))
    }

    fn visits(&self) -> usize {
        self.visits.load(Ordering::SeqCst)
    }
}

fn app(sim: &Sim) -> OAuthApp {
    OAuthApp {
        base_url: sim.url().parse().unwrap(),
        client_id: sim.info().client_id.clone(),
        client_secret: None,
        redirect_uri: "http://127.0.0.1:0/callback".parse().unwrap(),
        scopes: vec!["public".into()],
    }
}

fn api(sim: &Sim, store: Arc<dyn TokenStore>, browser: Browser) -> Api {
    let options = LoginOptions {
        browser,
        timeout: Duration::from_secs(10),
        ..LoginOptions::default()
    };
    Api::new(Arc::new(
        Credentials::new(app(sim), store, options).unwrap(),
    ))
    .unwrap()
}

fn saved(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn the_first_run_logs_in_once_and_the_second_reuses_the_saved_token() {
    let sim = approving_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("glimbot").join("token.json");
    let person = Person::default();

    let first = api(&sim, Arc::new(FileStore::new(&path)), person.browser());
    assert_eq!(whoami(&first).await.unwrap(), "glimbot");
    assert_eq!(person.visits(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let scope = saved(&path)["scope"].clone();
    assert_eq!(scope, "public chat", "chat is always asked for");
    let before = sim.stats();

    let second = api(&sim, Arc::new(FileStore::new(&path)), person.browser());
    assert_eq!(whoami(&second).await.unwrap(), "glimbot");
    let after = sim.stats();
    assert_eq!(after.authorize_requests, before.authorize_requests);
    assert_eq!(after.token_grants, before.token_grants);
    assert_eq!(person.visits(), 1);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_new_pair_is_saved() {
    let sim = approving_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    let api = api(
        &sim,
        Arc::new(FileStore::new(&path)),
        Person::default().browser(),
    );
    whoami(&api).await.unwrap();
    let old = saved(&path);

    sim.expire_tokens();
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");
    let new = saved(&path);
    assert_ne!(new["access_token"], old["access_token"]);
    assert_ne!(new["refresh_token"], old["refresh_token"]);
    assert_eq!(sim.stats().token_grants_by_type["refresh_token"], 1);
}

#[tokio::test]
async fn revoked_tokens_bring_a_new_login_and_the_call_still_succeeds() {
    let sim = approving_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let person = Person::default();
    let api = api(
        &sim,
        Arc::new(FileStore::new(dir.path().join("token.json"))),
        person.browser(),
    );
    whoami(&api).await.unwrap();

    sim.revoke_tokens();
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");
    assert_eq!(
        person.visits(),
        2,
        "the authorize URL was printed and followed again"
    );
    assert_eq!(sim.stats().token_grants_by_type["authorization_code"], 2);
}

#[tokio::test]
async fn fifty_calls_on_an_expired_token_share_one_refresh() {
    let sim = approving_sim().await;
    let api = api(
        &sim,
        Arc::new(glimbot::MemoryStore::new()),
        Person::default().browser(),
    );
    whoami(&api).await.unwrap();
    sim.expire_tokens();

    let calls: Vec<_> = (0..50)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move { whoami(&api).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), "glimbot");
    }
    assert_eq!(sim.stats().token_grants_by_type["refresh_token"], 1);
}
