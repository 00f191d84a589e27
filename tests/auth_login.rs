//! First-run login, the saved token, refresh, and login again, against the emulator.
#![allow(clippy::unwrap_used)]

mod auth_support;
mod common;

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

    http()
        .post(format!("{}/_sim/tokens/expire", sim.url()))
        .send()
        .await
        .unwrap();
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

    http()
        .post(format!("{}/_sim/tokens/revoke", sim.url()))
        .send()
        .await
        .unwrap();
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
    http()
        .post(format!("{}/_sim/tokens/expire", sim.url()))
        .send()
        .await
        .unwrap();

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

#[tokio::test]
async fn a_refresh_that_cannot_reach_the_server_is_not_taken_for_a_refusal() {
    let sim = approving_sim().await;
    let store = Arc::new(glimbot::MemoryStore::new());
    let api = api(&sim, store.clone(), Person::default().browser());
    whoami(&api).await.unwrap();
    http()
        .post(format!("{}/_sim/tokens/expire", sim.url()))
        .send()
        .await
        .unwrap();
    sim.shutdown().await;

    let error = whoami(&api).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(
        store.load().await.unwrap().is_some(),
        "the saved token is kept for later"
    );
}

#[tokio::test]
async fn a_redirect_with_the_wrong_state_is_refused_and_the_login_goes_on() {
    let sim = approving_sim().await;
    let refused = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&refused);
    let browser = Browser::With(Arc::new(move |url: url::Url| {
        let seen = Arc::clone(&seen);
        tokio::spawn(async move {
            let redirect = http().get(url.clone()).send().await.unwrap();
            let mut forged =
                url::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
            let code = forged
                .query_pairs()
                .find(|(k, _)| k == "code")
                .unwrap()
                .1
                .into_owned();
            forged
                .query_pairs_mut()
                .clear()
                .append_pair("code", &code)
                .append_pair("state", "forged");
            let answer = http().get(forged).send().await.unwrap();
            *seen.lock().unwrap() = Some(answer.status().as_u16());
            reqwest::get(url).await.unwrap();
        });
    }));
    let api = api(&sim, Arc::new(glimbot::MemoryStore::new()), browser);
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");
    assert_eq!(*refused.lock().unwrap(), Some(400));
}

#[tokio::test]
async fn logins_send_pkce_that_a_strict_instance_checks() {
    let sim = sim_with(SimOptions {
        pkce: true,
        auto_approve: Some("glimbot".into()),
        ..SimOptions::default()
    })
    .await;
    let api = api(
        &sim,
        Arc::new(glimbot::MemoryStore::new()),
        Person::default().browser(),
    );
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");
}

#[tokio::test]
async fn a_login_nobody_approves_ends_after_the_timeout() {
    let sim = sim().await;
    let options = LoginOptions {
        browser: Browser::Off,
        timeout: Duration::from_millis(300),
        ..LoginOptions::default()
    };
    let credentials =
        Credentials::new(app(&sim), Arc::new(glimbot::MemoryStore::new()), options).unwrap();
    match credentials.access_token().await {
        Err(Error::Login(message)) => assert!(message.contains("no login within"), "{message}"),
        other => panic!("expected a login timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn client_credentials_need_no_login_and_act_as_the_app_owner() {
    let sim = sim().await;
    let mut app = app(&sim);
    app.client_secret = Some(glimbot::Secret::new(sim.info().client_secret.clone()));
    let options = LoginOptions {
        flow: glimbot::Flow::ClientCredentials,
        browser: Browser::Off,
        ..LoginOptions::default()
    };
    let credentials =
        Credentials::new(app, Arc::new(glimbot::MemoryStore::new()), options).unwrap();
    let api = Api::new(Arc::new(credentials)).unwrap();
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");
    assert_eq!(sim.stats().authorize_requests, 0);
    assert_eq!(sim.stats().token_grants_by_type["client_credentials"], 1);
}
