//! The emulator's token endpoint answers every bad request with Glimesh's status, error and
//! description.
#![allow(clippy::unwrap_used)]

mod common;

use common::{REDIRECT, oauth_error, sim, sim_with, token};
use glimbot::sim::{CLIENT_ID, CLIENT_SECRET, SimOptions, World};
use reqwest::StatusCode;

/// A token request's form and the (status, error, description) it must get.
type Row<'a> = (Vec<(&'a str, &'a str)>, (u16, &'a str, &'a str));

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
