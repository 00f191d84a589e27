//! Shared test setup: an emulator on an ephemeral loopback port, and clients for it; a
//! recording bot ([`bot`]), a bare socket client ([`socket`]) and what runs beside a test
//! ([`process`]).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

mod bot;
mod process;
pub mod socket;

use std::time::Duration;

use glimbot::sim::{Sim, SimOptions, WorldInfo};
use reqwest::StatusCode;
use serde_json::{Value, json};

// Each test binary uses a part of what is shared, as with `dead_code` above.
#[allow(unused_imports)]
pub use bot::*;
#[allow(unused_imports)]
pub use process::*;

/// Every wait in the tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(10);

/// Starts an emulator with the seeded world.
pub async fn sim() -> Sim {
    sim_with(SimOptions::default()).await
}

/// Starts an emulator with these options.
pub async fn sim_with(options: SimOptions) -> Sim {
    Sim::start(options).await.unwrap()
}

/// An emulator that approves logins as the bot account.
pub async fn bot_sim() -> Sim {
    sim_with(SimOptions {
        auto_approve: Some(glimbot::sim::BOT.into()),
        ..SimOptions::default()
    })
    .await
}

thread_local! {
    // Building a client loads the system's root certificates, which takes tens of
    // milliseconds; each test runs on its own thread and runtime, so each gets one client.
    static HTTP: reqwest::Client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(WAIT)
        .build()
        .unwrap();
}

/// An HTTP client that does not follow redirects, so tests see them.
pub fn http() -> reqwest::Client {
    HTTP.with(Clone::clone)
}

/// A loopback redirect URI on some port, as a native app would use.
pub const REDIRECT: &str = "http://127.0.0.1:49152/callback";

/// Query parameters of a redirect's `Location`.
pub fn location_params(response: &reqwest::Response) -> Vec<(String, String)> {
    let location = response.headers()["location"].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    url.query_pairs().into_owned().collect()
}

pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Logs in through the consent form as `username`, returning the token response.
pub async fn login(sim: &Sim, username: &str, scope: &str) -> Value {
    let info = sim.info();
    let user_id = info.user_id(username).unwrap().to_owned();
    let answer = http()
        .post(format!("{}/oauth/authorize", sim.url()))
        .form(&[
            ("response_type", "code"),
            ("client_id", &info.client_id),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("state", "s"),
            ("action", "authorize"),
            ("user_id", &user_id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FOUND);
    let code = param(&location_params(&answer), "code").unwrap().to_owned();
    let (status, body) = token(
        sim,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &info.client_id),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// An access token for `username` with these scopes.
pub async fn access_token(sim: &Sim, username: &str, scope: &str) -> String {
    login(sim, username, scope).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `POST /api/oauth/token` with a form body.
pub async fn token(sim: &Sim, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{}/api/oauth/token", sim.url()))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// An OAuth error response as (status, `error`, `error_description`).
pub fn oauth_error(status: StatusCode, body: &Value) -> (u16, &str, &str) {
    (
        status.as_u16(),
        body["error"].as_str().unwrap(),
        body["error_description"].as_str().unwrap(),
    )
}

/// The message of the first GraphQL error in `body`.
pub fn graph_error(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap()
}

/// `POST /api/graph` with a bearer token.
pub async fn graph(sim: &Sim, token: &str, query: &str, variables: Value) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{}/api/graph", sim.url()))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// `POST /_sim/chat`: a message from anyone.
pub async fn post_chat(sim: &Sim, channel_id: &str, username: &str, message: &str) -> Value {
    let response = http()
        .post(format!("{}/_sim/chat", sim.url()))
        .json(&json!({"channel_id": channel_id, "username": username, "message": message}))
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

/// `GET /_sim/chat`: the channel's stored messages, oldest first.
pub async fn chat_log(sim: &Sim, channel_id: &str) -> Vec<Value> {
    let url = format!("{}/_sim/chat?channel_id={channel_id}", sim.url());
    http().get(url).send().await.unwrap().json().await.unwrap()
}

/// `POST /_sim/<path>` with a JSON body.
pub async fn control(sim: &Sim, path: &str, body: Value) -> Value {
    let response = http()
        .post(format!("{}/_sim/{path}", sim.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// The seeded streamer's channel id.
pub fn channel(info: &WorldInfo) -> String {
    info.channel_id(glimbot::sim::STREAMER).unwrap().to_owned()
}
