//! The emulator's `/api/graph` answers as Glimesh's does.
#![allow(clippy::unwrap_used)]

mod common;

use common::{access_token, channel, graph, http, post_chat, sim};
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

fn error_message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap()
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
    assert_eq!(error_message(&write), "unauthorized");
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
        error_message(&send(&sim, &without_chat, "hi").await),
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
        error_message(&send(&sim, &token, &family.repeat(256)).await),
        "message: should be at most 255 character(s)"
    );
    assert_eq!(
        error_message(&send(&sim, &token, "   ").await),
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
    assert_eq!(error_message(&refused), "unauthorized");

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
        error_message(&send(&sim, &viewer, "hello?").await),
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
        error_message(&send(&sim, &viewer, "hello?").await),
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

#[tokio::test]
async fn chat_messages_page_like_a_relay_connection() {
    let sim = sim().await;
    let channel = channel(sim.info());
    for i in 0..5 {
        post_chat(&sim, &channel, "viewer", &format!("message {i}")).await;
    }
    let token = access_token(&sim, "viewer", "public").await;
    let query = "query($c: ID, $n: Int, $after: String) { channel(id: $c) { chatMessages(first: $n, after: $after) { \
        count pageInfo { hasNextPage endCursor } edges { node { message } } } } }";
    let (_, first) = graph(&sim, &token, query, json!({"c": channel, "n": 2})).await;
    let page = &first["data"]["channel"]["chatMessages"];
    assert_eq!(page["count"], 5);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["edges"][1]["node"]["message"], "message 1");
    let (_, second) = graph(
        &sim,
        &token,
        query,
        json!({"c": channel, "n": 2, "after": page["pageInfo"]["endCursor"]}),
    )
    .await;
    assert_eq!(
        second["data"]["channel"]["chatMessages"]["edges"][0]["node"]["message"],
        "message 2"
    );
}

#[tokio::test]
async fn lookups_that_find_nothing_say_so() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    let (status, body) = graph(
        &sim,
        &token,
        "{ channel(streamerUsername: \"nobody\") { id } }",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["channel"], Value::Null);
    assert_eq!(error_message(&body), "Could not find resource");
    let (_, body) = graph(
        &sim,
        &token,
        "{ channel(streamerUsername: \"STREAMER\") { streamer { username } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body["data"]["channel"]["streamer"]["username"], "streamer",
        "usernames match without case"
    );
}

#[tokio::test]
async fn message_tokens_split_text_links_and_emotes() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public chat").await;
    let channel = channel(sim.info());
    post_chat(
        &sim,
        &channel,
        "viewer",
        "see https://example.org now :glimsmile:",
    )
    .await;
    let query = "query($c: ID) { channel(id: $c) { chatMessages(last: 1) { edges { node { tokens { __typename type text ... on UrlToken { url } ... on EmoteToken { src } } } } } } }";
    let (_, body) = graph(&sim, &token, query, json!({"c": channel})).await;
    let tokens = &body["data"]["channel"]["chatMessages"]["edges"][0]["node"]["tokens"];
    assert_eq!(
        tokens[0],
        json!({"__typename": "TextToken", "type": "text", "text": "see "})
    );
    assert_eq!(
        tokens[1],
        json!({"__typename": "UrlToken", "type": "url", "text": "https://example.org", "url": "https://example.org"})
    );
    assert_eq!(
        tokens[2],
        json!({"__typename": "TextToken", "type": "text", "text": " now "})
    );
    assert_eq!(tokens[3]["__typename"], "EmoteToken");
    assert_eq!(
        tokens[3]["src"],
        format!("{}/emotes/glimsmile.svg", sim.url())
    );
}

/// A query of `count` aliased lookups: complexity 2 each (the channel and its id).
fn aliases(count: usize) -> String {
    let fields: Vec<String> = (0..count)
        .map(|i| format!("a{i}: channel(id: 1) {{ id }}"))
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

#[tokio::test]
async fn queries_over_complexity_500_are_refused_in_absinthes_words() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;

    let (status, body) = graph(&sim, &token, &aliases(250), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["a249"]["id"], "1", "complexity 500 runs");

    let (status, body) = graph(&sim, &token, &aliases(300), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let refused = "Operation is too complex: complexity is 600 and maximum is 500";
    assert_eq!(body, json!({"errors": [{"message": refused}]}));
    let named = format!("query Many {}", aliases(300));
    let (_, body) = graph(&sim, &token, &named, json!({})).await;
    assert_eq!(
        error_message(&body),
        "Operation Many is too complex: complexity is 600 and maximum is 500"
    );
}

#[tokio::test]
async fn a_megabyte_query_is_refused_before_parsing_and_a_larger_body_is_too_large() {
    let sim = sim().await;
    let token = access_token(&sim, "viewer", "public").await;
    let megabyte = aliases(45_000);
    assert!(megabyte.len() > 1_000_000);
    let (status, body) = graph(&sim, &token, &megabyte, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_message(&body), "Token limit exceeded");

    let response = http()
        .post(format!("{}/api/graph", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"query": "x".repeat(8_000_001)}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"errors": {"detail": "Request Entity Too Large"}})
    );
}
