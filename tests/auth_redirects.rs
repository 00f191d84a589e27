//! The login redirect under abuse: only a redirect with this login's `state` counts, whatever
//! the others carry, and the browser's page tells how the login really ended.
#![allow(clippy::unwrap_used)]

mod auth_support;
mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_support::{approving_sim, whoami};
use common::{WAIT, http, sim};
use glimbot::sim::Sim;
use glimbot::{Api, Browser, Credentials, Error, LoginOptions, MemoryStore, OAuthApp};
use url::Url;

/// Terminal controls and markup a hostile page puts in a redirect.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}<script>alert(1)</script>\nerror: forged line";

fn api(sim: &Sim, browser: Browser) -> Api {
    let app = OAuthApp {
        base_url: sim.url().parse().unwrap(),
        client_id: sim.info().client_id.clone(),
        client_secret: None,
        redirect_uri: "http://127.0.0.1:0/callback".parse().unwrap(),
        scopes: vec!["public".into()],
    };
    let options = LoginOptions {
        browser,
        timeout: Duration::from_secs(10),
        ..LoginOptions::default()
    };
    let credentials = Credentials::new(app, Arc::new(MemoryStore::new()), options).unwrap();
    Api::new(Arc::new(credentials)).unwrap()
}

/// A query parameter of `url`.
fn param(url: &Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

/// The bot's loopback address for this login, with these query parameters.
fn redirect(authorize: &Url, params: &[(&str, &str)]) -> Url {
    let mut url: Url = param(authorize, "redirect_uri").parse().unwrap();
    url.query_pairs_mut().extend_pairs(params);
    url
}

/// What the browser was shown: the status and the page.
async fn visit(url: Url) -> (u16, String) {
    let answer = http().get(url).send().await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// The emulator's redirect for an approved login: the bot's address with a code and state.
async fn approved_redirect(authorize: Url) -> Url {
    let answer = http().get(authorize).send().await.unwrap();
    answer.headers()["location"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// A browser that runs `visits` with the authorize URL; the pages it was shown arrive on the
/// receiver.
fn scripted<F, Fut>(visits: F) -> (Browser, Pages)
where
    F: Fn(Url) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Vec<(u16, String)>> + Send + 'static,
{
    let (tx, pages) = tokio::sync::mpsc::unbounded_channel();
    let browser = Browser::With(Arc::new(move |url| {
        let tx = tx.clone();
        let visiting = visits(url);
        tokio::spawn(async move { tx.send(visiting.await) });
    }));
    (browser, Pages(pages))
}

/// The pages a scripted browser was shown.
struct Pages(tokio::sync::mpsc::UnboundedReceiver<Vec<(u16, String)>>);

impl Pages {
    async fn shown(mut self) -> Vec<(u16, String)> {
        tokio::time::timeout(WAIT, self.0.recv())
            .await
            .unwrap()
            .unwrap()
    }
}

#[tokio::test]
async fn a_redirect_without_this_logins_state_is_ignored_whatever_it_carries() {
    let sim = approving_sim().await;
    let (browser, pages) = scripted(|authorize: Url| async move {
        let denial = [("error", "access_denied"), ("error_description", HOSTILE)];
        let mut pages = vec![visit(redirect(&authorize, &denial)).await];
        let forged = [denial[0], denial[1], ("state", "forged")];
        pages.push(visit(redirect(&authorize, &forged)).await);
        let code_without_state = [("code", "stolen")];
        pages.push(visit(redirect(&authorize, &code_without_state)).await);
        pages.push(visit(approved_redirect(authorize).await).await);
        pages
    });
    let api = api(&sim, browser);

    assert_eq!(whoami(&api).await.unwrap(), "glimbot");

    let pages = pages.shown().await;
    let statuses: Vec<u16> = pages.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, [400, 400, 400, 200]);
    for (_, page) in &pages[..3] {
        assert!(page.contains("ignored"), "{page}");
        assert!(
            !page.contains("\u{1b}") && !page.contains("<script>"),
            "{page}"
        );
    }
    assert!(pages[3].1.contains("Logged in"), "{}", pages[3].1);
}

#[tokio::test]
async fn a_refusal_carrying_this_logins_state_ends_the_login_and_is_shown_escaped() {
    let sim = sim().await;
    let (browser, pages) = scripted(|authorize: Url| async move {
        let state = param(&authorize, "state");
        let denial = [
            ("error", "access_denied"),
            ("error_description", HOSTILE),
            ("state", &state),
        ];
        vec![visit(redirect(&authorize, &denial)).await]
    });
    let api = api(&sim, browser);

    let error = whoami(&api).await.unwrap_err();

    assert!(matches!(&error, Error::Login(message) if message.contains("denied")));
    let shown = error.to_string();
    assert!(
        shown.contains("\\u{1b}[2J") && !shown.contains('\u{1b}'),
        "{shown}"
    );
    assert!(!shown.contains('\n') && !shown.contains('\u{7}'), "{shown}");
    let (status, page) = pages.shown().await.remove(0);
    assert_eq!(status, 200);
    assert!(page.contains("not approved"), "{page}");
    assert!(
        page.contains("&lt;script&gt;") && !page.contains("<script>"),
        "{page}"
    );
    assert!(!page.contains('\u{1b}'), "{page}");
}

#[tokio::test]
async fn the_page_says_logged_in_only_once_the_code_was_exchanged() {
    let sim = approving_sim().await;
    // A slow token endpoint leaves a page sent before the exchange time to show it.
    common::control(&sim, "faults", serde_json::json!({"latency_ms": 300})).await;
    let grants = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&grants);
    let sim_url = sim.url().to_owned();
    let (browser, pages) = scripted(move |authorize: Url| {
        let seen = Arc::clone(&seen);
        let sim_url = sim_url.clone();
        async move {
            let page = visit(approved_redirect(authorize).await).await;
            // What the emulator had granted when the browser got its page.
            let stats = http().get(format!("{sim_url}/_sim/stats")).send().await;
            let stats: serde_json::Value = stats.unwrap().json().await.unwrap();
            seen.lock().unwrap().push(stats["token_grants"].clone());
            vec![page]
        }
    });
    let api = api(&sim, browser);

    assert_eq!(whoami(&api).await.unwrap(), "glimbot");

    let (status, page) = pages.shown().await.remove(0);
    assert_eq!((status, page.contains("Logged in")), (200, true), "{page}");
    assert_eq!(grants.lock().unwrap()[0], 1, "the code was exchanged first");
}

#[tokio::test]
async fn a_code_the_server_refuses_shows_the_failure_on_the_page() {
    let sim = approving_sim().await;
    let (browser, pages) = scripted(|authorize: Url| async move {
        let state = param(&authorize, "state");
        let bogus = [("code", "<b>bogus</b>"), ("state", state.as_str())];
        vec![visit(redirect(&authorize, &bogus)).await]
    });
    let api = api(&sim, browser);

    let error = whoami(&api).await.unwrap_err();

    assert!(
        matches!(&error, Error::OAuth { error, .. } if error == "invalid_grant"),
        "{error}"
    );
    let (status, page) = pages.shown().await.remove(0);
    assert_eq!(status, 502);
    assert!(
        page.contains("The login failed") && page.contains("invalid_grant"),
        "{page}"
    );
    assert!(!page.contains("Logged in"), "{page}");
}
