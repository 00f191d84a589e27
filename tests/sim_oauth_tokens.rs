//! The emulator's tokens behave as Glimesh's: where their parameters come from, refresh,
//! revocation and expiry.
#![allow(clippy::unwrap_used)]

mod common;

use common::{http, sim, token};
use glimbot::sim::{CLIENT_ID, CLIENT_SECRET};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Asks for a new pair with `refresh` and `extra` parameters, as the seeded application.
async fn refresh_with(
    sim: &glimbot::sim::Sim,
    refresh: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("client_id", CLIENT_ID),
        ("refresh_token", refresh),
    ];
    form.extend_from_slice(extra);
    token(sim, &form).await
}

#[tokio::test]
async fn parameters_come_from_query_json_or_basic_auth() {
    let sim = sim().await;
    let url = format!("{}/api/oauth/token", sim.url());
    let base = [("grant_type", "client_credentials"), ("scope", "public")];

    let by_query = http()
        .post(&url)
        .query(&[("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET)])
        .query(&base)
        .send()
        .await
        .unwrap();
    assert_eq!(by_query.status(), StatusCode::OK);

    let by_json = http()
        .post(&url)
        .json(&json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "scope": "public"}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_json.status(), StatusCode::OK);

    let by_basic = http()
        .post(&url)
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("client_id", CLIENT_ID),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(by_basic.status(), StatusCode::OK);
    let body: Value = by_basic.json().await.unwrap();
    assert_eq!(
        body["scope"], "",
        "no scope requested means the empty scope"
    );
    assert_eq!(sim.stats().token_grants_by_type["client_credentials"], 3);
}

#[tokio::test]
async fn refresh_returns_a_new_pair_and_keeps_the_scope() {
    let sim = sim().await;
    let first = common::login(&sim, "glimbot", "public chat").await;
    let refresh = first["refresh_token"].as_str().unwrap();
    let (status, second) = refresh_with(&sim, refresh, &[]).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["scope"], "public chat");

    let (status, narrowed) = refresh_with(&sim, refresh, &[("scope", "email")]).await;
    assert_eq!(
        (status, narrowed["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
}

#[tokio::test]
async fn revoked_tokens_are_refused_and_introspection_says_so() {
    let sim = sim().await;
    let login = common::login(&sim, "viewer", "public").await;
    let access = login["access_token"].as_str().unwrap();
    let url = |path: &str| format!("{}/api/oauth/{path}", sim.url());
    let credentials = [
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("token", access),
    ];

    let post = |path: &str| http().post(url(path)).form(&credentials).send();
    let active: Value = post("introspect").await.unwrap().json().await.unwrap();
    assert_eq!(active["active"], true);
    assert_eq!(active["username"], "viewer");
    assert_eq!(active["sub"], 2);

    let revoked = post("revoke").await.unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(revoked.text().await.unwrap(), "");

    let inactive: Value = post("introspect").await.unwrap().json().await.unwrap();
    assert_eq!(inactive, json!({"active": false}));
    let (status, _) = common::graph(&sim, access, "{ myself { id } }", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let refresh = login["refresh_token"].as_str().unwrap();
    let (status, _) = refresh_with(&sim, refresh, &[]).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "revoking the access token revokes its refresh token"
    );
}

#[tokio::test]
async fn tokens_can_be_made_to_expire() {
    let sim = sim().await;
    let access = common::access_token(&sim, "viewer", "public").await;
    let response = http()
        .post(format!("{}/_sim/tokens/expire", sim.url()))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let (status, body) = common::graph(&sim, &access, "{ myself { id } }", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["header_error"], "invalid_access_token");
}
