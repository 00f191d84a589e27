//! The emulator's OAuth provider answers as Glimesh's does.
#![allow(clippy::unwrap_used)]

mod common;

use common::{REDIRECT, http, location_params, param, sim, sim_with, token};
use glimbot::sim::{CLIENT_ID, CLIENT_SECRET, SimOptions, World};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A token request's form and the (status, error, description) it must get.
type Row<'a> = (Vec<(&'a str, &'a str)>, (u16, &'a str, &'a str));

fn oauth_error(status: StatusCode, body: &Value) -> (u16, &str, &str) {
    (
        status.as_u16(),
        body["error"].as_str().unwrap(),
        body["error_description"].as_str().unwrap(),
    )
}

#[tokio::test]
async fn every_token_error_row_is_answered_exactly() {
    let world = World::seed_with(
        r#"
        [[apps]]
        name = "reader"
        owner = "viewer"
        client_id = "0b0b1f8e-8f7e-4d0c-9a43-4f1a2b3c4d5e"
        client_secret = "reader-secret"
        redirect_uris = ["http://127.0.0.1/callback"]
        grant_types = ["client_credentials"]
        "#,
    )
    .unwrap();
    let sim = sim_with(SimOptions {
        world,
        ..SimOptions::default()
    })
    .await;
    let reader = "0b0b1f8e-8f7e-4d0c-9a43-4f1a2b3c4d5e";
    let cases: Vec<Row> = vec![
        (
            vec![("client_id", CLIENT_ID)],
            (
                400,
                "invalid_request",
                "Request is not a valid OAuth request. Need a grant_type param.",
            ),
        ),
        (
            vec![("client_id", CLIENT_ID), ("grant_type", "implicit")],
            (
                400,
                "invalid_request",
                "Request body validation failed. #/grant_type do match required pattern /^(client_credentials|password|authorization_code|refresh_token)$/.",
            ),
        ),
        (
            vec![
                ("client_id", CLIENT_ID),
                ("grant_type", "authorization_code"),
                ("redirect_uri", REDIRECT),
            ],
            (
                400,
                "invalid_request",
                "Request body validation failed. Required property code is missing at #.",
            ),
        ),
        (
            vec![
                ("client_id", CLIENT_ID),
                ("grant_type", "authorization_code"),
            ],
            (
                400,
                "invalid_request",
                "Request body validation failed. Required properties code, redirect_uri are missing at #.",
            ),
        ),
        (
            vec![
                ("client_id", CLIENT_ID),
                ("grant_type", "client_credentials"),
                ("client_secret", "wrong"),
            ],
            (401, "invalid_client", "Invalid client_id or client_secret."),
        ),
        (
            vec![
                ("client_id", CLIENT_ID),
                ("grant_type", "authorization_code"),
                ("code", "x"),
                ("redirect_uri", "http://evil.example/callback"),
            ],
            (401, "invalid_client", "Invalid client_id or redirect_uri."),
        ),
        (
            vec![
                ("client_id", reader),
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
            ],
            (
                400,
                "unsupported_grant_type",
                "Client do not support given grant type.",
            ),
        ),
        (
            vec![
                ("client_id", CLIENT_ID),
                ("grant_type", "authorization_code"),
                ("code", "not-a-code"),
                ("redirect_uri", REDIRECT),
            ],
            (
                400,
                "invalid_grant",
                "Given authorization code is invalid, revoked, or expired.",
            ),
        ),
        (
            vec![
                ("client_id", CLIENT_ID),
                ("grant_type", "refresh_token"),
                ("refresh_token", "not-a-token"),
            ],
            (
                400,
                "invalid_grant",
                "Given refresh token is invalid, revoked, or expired.",
            ),
        ),
        (
            vec![
                ("client_id", CLIENT_ID),
                ("grant_type", "client_credentials"),
                ("client_secret", CLIENT_SECRET),
                ("scope", "public admin"),
            ],
            (
                400,
                "invalid_scope",
                "Given scopes are unknown or unauthorized.",
            ),
        ),
    ];
    for (form, expected) in cases {
        let (status, body) = token(&sim, &form).await;
        assert_eq!(oauth_error(status, &body), expected, "for {form:?}");
    }
}

#[tokio::test]
async fn a_token_request_without_client_id_is_a_bad_request() {
    let sim = sim().await;
    let (status, _) = token(&sim, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

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
    let (status, second) = token(
        &sim,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", refresh),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["scope"], "public chat");

    let (status, narrowed) = token(
        &sim,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", refresh),
            ("scope", "email"),
        ],
    )
    .await;
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

    let active: Value = http()
        .post(url("introspect"))
        .form(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(active["active"], true);
    assert_eq!(active["username"], "viewer");
    assert_eq!(active["sub"], 2);

    let revoked = http()
        .post(url("revoke"))
        .form(&credentials)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(revoked.text().await.unwrap(), "");

    let inactive: Value = http()
        .post(url("introspect"))
        .form(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inactive, json!({"active": false}));
    let (status, _) = common::graph(&sim, access, "{ myself { id } }", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let refresh = login["refresh_token"].as_str().unwrap();
    let (status, _) = token(
        &sim,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", refresh),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "revoking the access token revokes its refresh token"
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
