//! The emulator's `/api/graph` answers as Glimesh's does: who may read and write, and how.
#![allow(clippy::unwrap_used)]

mod common;

use common::{access_token, channel, graph, graph_error, http, sim};
use glimbot::sim::CLIENT_ID;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SEND: &str = "mutation($channelId: ID!, $message: ChatMessageInput!) { \
    createChatMessage(channelId: $channelId, message: $message) { id message user { username } } }";

async fn send(sim: &glimbot::sim::Sim, token: &str, text: &str) -> Value {
    let channel = channel(sim.info());
    graph(
        sim,
        token,
        SEND,
        json!({"channelId": channel, "message": {"message": text}}),
    )
    .await
    .1
}

#[tokio::test]
async fn requests_without_usable_authorization_get_the_exact_401_bodies() {
    let sim = sim().await;
    let url = format!("{}/api/graph", sim.url());
    let query = json!({"query": "{ myself { id } }"});
    let not_logged_in = json!({"errors": [{"message": "You must be logged in to access the api"}]});
    let invalid = json!({"errors": [{"message": "Given access token is invalid, revoked, or expired.", "header_error": "invalid_access_token"}]});

    let cases: Vec<(Vec<&str>, &Value)> = vec![
        (vec![], &not_logged_in),
        (
            vec!["Client-Id 8a6d1f26-0c4b-4a8e-9f3e-3f1c2b7d9e01"],
            &not_logged_in,
        ),
        (vec!["Token abc"], &not_logged_in),
        (vec!["Bearer a", "Bearer b"], &not_logged_in),
        (vec!["Bearer not-a-token"], &invalid),
        (vec!["bearer lowercase-scheme-unknown-token"], &invalid),
    ];
    for (headers, expected) in cases {
        let mut request = http().post(&url).json(&query);
        for value in &headers {
            request = request.header("authorization", *value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(
            &response.json::<Value>().await.unwrap(),
            expected,
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn client_id_access_reads_but_cannot_write() {
    let sim = sim().await;
    let url = format!("{}/api/graph", sim.url());
    let client = |query: Value| {
        http()
            .post(&url)
            .header("authorization", format!("Client-ID {CLIENT_ID}"))
            .json(&query)
    };
    let read: Value = client(json!({"query": "{ channel(streamerUsername: \"streamer\") { title streamer { username } } }"}))
        .send().await.unwrap().json().await.unwrap();
    assert_eq!(read["data"]["channel"]["streamer"]["username"], "streamer");

    let channel = channel(sim.info());
    let write: Value = client(
        json!({"query": SEND, "variables": {"channelId": channel, "message": {"message": "hi"}}}),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(write["data"]["createChatMessage"], Value::Null);
    assert_eq!(graph_error(&write), "unauthorized");
    assert_eq!(write["errors"][0]["path"], json!(["createChatMessage"]));
}

#[tokio::test]
async fn a_request_without_a_query_is_a_bad_request() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    let response = http()
        .post(format!("{}/api/graph", sim.url()))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"errors": [{"message": "No query document supplied"}]})
    );
}

#[tokio::test]
async fn queries_may_use_get_but_mutations_may_not() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public chat").await;
    let url = format!("{}/api/graph", sim.url());
    let get = |query: &str| {
        http()
            .get(&url)
            .bearer_auth(&token)
            .query(&[("query", query)])
    };
    let read: Value = get("{ myself { username } }")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["data"]["myself"]["username"], "viewer");
    let write =
        get("mutation { createChatMessage(channelId: 1, message: {message: \"x\"}) { id } }")
            .send()
            .await
            .unwrap();
    assert_eq!(write.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        write.text().await.unwrap(),
        "Can only perform a mutation from a POST request"
    );
}

#[tokio::test]
async fn chat_messages_need_the_chat_scope_and_between_1_and_255_graphemes() {
    let sim = sim().await;
    let without_chat = access_token(&sim, "viewer", "public").await;
    assert_eq!(
        graph_error(&send(&sim, &without_chat, "hi").await),
        "unauthorized"
    );

    let token = access_token(&sim, "viewer", "public chat").await;
    let sent = send(&sim, &token, "hi there").await;
    assert_eq!(sent["data"]["createChatMessage"]["message"], "hi there");
    assert_eq!(
        sent["data"]["createChatMessage"]["user"]["username"],
        "viewer"
    );

    // 255 family emoji are 255 graphemes but many more bytes and chars.
    let family = "👨‍👩‍👧";
    assert!(send(&sim, &token, &family.repeat(255)).await["errors"].is_null());
    assert_eq!(
        graph_error(&send(&sim, &token, &family.repeat(256)).await),
        "message: should be at most 255 character(s)"
    );
    assert_eq!(
        graph_error(&send(&sim, &token, "   ").await),
        "message: can't be blank"
    );
}

#[tokio::test]
async fn moderation_needs_a_moderator_and_bans_silence_the_user() {
    let sim = sim().await;
    let info = sim.info().clone();
    let channel = channel(&info);
    let viewer = access_token(&sim, "viewer", "chat").await;
    let bot = access_token(&sim, "glimbot", "chat").await;
    let viewer_id = info.user_id("viewer").unwrap();
    let streamer_id = info.user_id("streamer").unwrap();
    let moderate = |action: &str| {
        format!(
            "mutation($c: ID!, $u: ID!) {{ {action}(channelId: $c, userId: $u) {{ action moderator {{ username }} user {{ username }} }} }}"
        )
    };

    let (_, refused) = graph(
        &sim,
        &viewer,
        &moderate("banUser"),
        json!({"c": channel, "u": streamer_id}),
    )
    .await;
    assert_eq!(graph_error(&refused), "unauthorized");

    send(&sim, &viewer, "a message that will be hidden").await;
    let (_, timeout) = graph(
        &sim,
        &bot,
        &moderate("shortTimeoutUser"),
        json!({"c": channel, "u": viewer_id}),
    )
    .await;
    assert_eq!(
        timeout["data"]["shortTimeoutUser"],
        json!({"action": "short_timeout", "moderator": {"username": "glimbot"}, "user": {"username": "viewer"}})
    );
    assert_eq!(
        graph_error(&send(&sim, &viewer, "hello?").await),
        "You are banned from this channel for 5 more minutes."
    );

    let (_, ban) = graph(
        &sim,
        &bot,
        &moderate("banUser"),
        json!({"c": channel, "u": viewer_id}),
    )
    .await;
    assert_eq!(ban["data"]["banUser"]["action"], "ban");
    assert_eq!(
        graph_error(&send(&sim, &viewer, "hello?").await),
        "You are permanently banned from this channel."
    );
    let (_, unban) = graph(
        &sim,
        &bot,
        &moderate("unbanUser"),
        json!({"c": channel, "u": viewer_id}),
    )
    .await;
    assert_eq!(unban["data"]["unbanUser"]["action"], "unban");
    assert!(send(&sim, &viewer, "back again").await["errors"].is_null());

    let (_, page) = graph(&sim, &bot, "query($c: ID) { channel(id: $c) { chatMessages(last: 10) { count edges { node { message } } } } }", json!({"c": channel})).await;
    let texts: Vec<&str> = page["data"]["channel"]["chatMessages"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["message"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["back again"], "the timeout hid the earlier message");
}
