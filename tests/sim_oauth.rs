//! The emulator's OAuth provider answers as Glimesh's does: authorization, consent and PKCE.
#![allow(clippy::unwrap_used)]

mod common;

use common::{REDIRECT, http, location_params, oauth_error, param, sim, sim_with, token};
use glimbot::sim::{CLIENT_ID, SimOptions};
use reqwest::StatusCode;
use serde_json::json;

async fn authorize(sim: &glimbot::sim::Sim, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut query = vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("scope", "public chat"),
        ("state", "xyz"),
    ];
    query.extend_from_slice(extra);
    http()
        .get(format!("{}/oauth/authorize", sim.url()))
        .query(&query)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_code_flow_ends_in_a_token_that_knows_its_user() {
    let sim = sim_with(SimOptions {
        auto_approve: Some("glimbot".into()),
        ..SimOptions::default()
    })
    .await;
    let redirect = authorize(&sim, &[]).await;
    assert_eq!(redirect.status(), StatusCode::FOUND);
    let params = location_params(&redirect);
    assert_eq!(param(&params, "state"), Some("xyz"));
    assert_eq!(param(&params, "expires_in"), Some("60"));
    assert!(
        redirect.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with(REDIRECT)
    );
    let code = param(&params, "code").unwrap();

    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT_ID),
        ("code", code),
        ("redirect_uri", REDIRECT),
    ];
    let (status, body) = token(&sim, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["scope"], "public chat");
    assert_eq!(body["expires_in"], 86400);
    let created_at = body["created_at"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(created_at, "%Y-%m-%dT%H:%M:%S").is_ok(),
        "{created_at}"
    );
    assert_ne!(body["access_token"], body["refresh_token"]);

    let access = body["access_token"].as_str().unwrap();
    let (status, me) =
        common::graph(&sim, access, "query { myself { id username } }", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["data"]["myself"]["username"], "glimbot");

    // A code is good once.
    let (status, body) = token(&sim, &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(sim.stats().authorize_requests, 1);
    assert_eq!(sim.stats().token_grants_by_type["authorization_code"], 1);
}

#[tokio::test]
async fn the_consent_page_approves_as_the_picked_user_or_denies() {
    let sim = sim().await;
    let page = authorize(&sim, &[]).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for needle in [
        "<form method=\"post\" action=\"/oauth/authorize\"",
        "value=\"xyz\"",
        "viewer",
        "Approve",
        "Deny",
    ] {
        assert!(html.contains(needle), "page lacks {needle}");
    }

    let answer = |action: &'static str| {
        http()
            .post(format!("{}/oauth/authorize", sim.url()))
            .form(&[
                ("response_type", "code"),
                ("client_id", CLIENT_ID),
                ("redirect_uri", REDIRECT),
                ("scope", "chat"),
                ("state", "xyz"),
                ("user_id", "2"),
                ("action", action),
            ])
    };
    let denied = answer("deny").send().await.unwrap();
    let params = location_params(&denied);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(
        param(&params, "error_description"),
        Some("The resource owner or authorization server denied the request.")
    );
    assert_eq!(param(&params, "state"), None);

    let approved = answer("authorize").send().await.unwrap();
    let code = param(&location_params(&approved), "code")
        .unwrap()
        .to_owned();
    let (_, body) = token(
        &sim,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    let access = body["access_token"].as_str().unwrap();
    let (_, me) = common::graph(&sim, access, "{ myself { username } }", json!({})).await;
    assert_eq!(me["data"]["myself"]["username"], "viewer");
}

#[tokio::test]
async fn authorize_refuses_unknown_clients_and_scopes() {
    let sim = sim().await;
    let missing = http()
        .get(format!("{}/oauth/authorize", sim.url()))
        .send()
        .await
        .unwrap();
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Missing client_id from the request.")
    );

    let foreign = authorize(&sim, &[("redirect_uri", "https://elsewhere.example/cb")]).await;
    assert_eq!(foreign.status(), StatusCode::UNAUTHORIZED);
    assert!(
        foreign
            .text()
            .await
            .unwrap()
            .contains("Invalid client_id or redirect_uri.")
    );

    let bad_scope = authorize(&sim, &[("scope", "superpowers")]).await;
    assert_eq!(
        param(&location_params(&bad_scope), "error"),
        Some("invalid_scope")
    );
}

#[tokio::test]
async fn pkce_is_required_and_checked_when_switched_on() {
    let sim = sim_with(SimOptions {
        pkce: true,
        auto_approve: Some("glimbot".into()),
        ..SimOptions::default()
    })
    .await;
    let without = authorize(&sim, &[]).await;
    let params = location_params(&without);
    assert_eq!(
        param(&params, "error_description"),
        Some("PKCE request invalid.")
    );

    let verifier = "a-verifier-of-at-least-forty-three-characters-long";
    let challenge = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
    };
    let exchange = |code: String, verifier: &'static str| {
        let sim = &sim;
        async move {
            token(
                sim,
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", CLIENT_ID),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", verifier),
                ],
            )
            .await
        }
    };
    let with = |challenge: String| {
        let sim = &sim;
        async move {
            let redirect = authorize(
                sim,
                &[
                    ("code_challenge", &challenge),
                    ("code_challenge_method", "S256"),
                ],
            )
            .await;
            param(&location_params(&redirect), "code")
                .unwrap()
                .to_owned()
        }
    };
    let (status, body) = exchange(with(challenge.clone()).await, "the-wrong-verifier").await;
    assert_eq!(
        oauth_error(status, &body),
        (400, "invalid_request", "Code verifier is invalid.")
    );
    let (status, body) = exchange(with(challenge).await, verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
