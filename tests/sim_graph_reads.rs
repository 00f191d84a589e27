//! The emulator's `/api/graph` reads as Glimesh's does: pages, lookups, message tokens, and
//! the limits on a query's complexity and size.
#![allow(clippy::unwrap_used)]

mod common;

use common::{access_token, channel, graph, graph_error, http, post_chat, sim};
use reqwest::StatusCode;
use serde_json::{Value, json};

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
    assert_eq!(graph_error(&body), "Could not find resource");
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
        graph_error(&body),
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
    assert_eq!(graph_error(&body), "Token limit exceeded");

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
