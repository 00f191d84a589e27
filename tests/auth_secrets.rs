//! No secret reaches the logs or `Debug` output. This test has its own binary because
//! tracing caches which call sites are enabled per process, and other tests running at the
//! same time without a subscriber would hide events from this one.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::http;
use glimbot::queries::{Myself, myself};
use glimbot::sim::{Sim, SimOptions};
use glimbot::{Api, Browser, Credentials, LoginOptions, OAuthApp, Secret, TokenStore};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_reaches_the_logs_at_trace_level_or_debug_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = Sim::start(SimOptions {
        auto_approve: Some("glimbot".into()),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let store = Arc::new(glimbot::MemoryStore::new());
    let app = OAuthApp {
        base_url: sim.url().parse().unwrap(),
        client_id: sim.info().client_id.clone(),
        client_secret: Some(Secret::new(sim.info().client_secret.clone())),
        redirect_uri: "http://127.0.0.1:0/callback".parse().unwrap(),
        scopes: vec!["public".into()],
    };
    let browser = Browser::With(Arc::new(|url| {
        tokio::spawn(reqwest::get(url));
    }));
    let options = LoginOptions {
        browser,
        ..LoginOptions::default()
    };
    let credentials = Arc::new(Credentials::new(app, store.clone(), options).unwrap());
    let api = Api::new(Arc::clone(&credentials)).unwrap();
    api.run::<Myself>(myself::Variables).await.unwrap();
    http()
        .post(format!("{}/_sim/tokens/expire", sim.url()))
        .send()
        .await
        .unwrap();
    api.run::<Myself>(myself::Variables).await.unwrap();
    http()
        .post(format!("{}/_sim/tokens/revoke", sim.url()))
        .send()
        .await
        .unwrap();
    api.run::<Myself>(myself::Variables).await.unwrap();

    let token = store.load().await.unwrap().unwrap();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let debug = format!("{credentials:?} {api:?} {token:?}");
    assert!(logs.contains("refreshed"), "the capture works: {logs}");
    for secret in [
        token.access_token.expose(),
        token.refresh_token.as_ref().unwrap().expose(),
        &sim.info().client_secret,
    ] {
        assert!(!logs.contains(secret), "a secret is in the logs");
        assert!(!debug.contains(secret), "a secret is in Debug output");
    }
}
