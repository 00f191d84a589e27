//! Every operation document under `schema/` runs against the emulator as it is written.
//! graphql_client checks field names against the schema but not argument names, so a typo in
//! an argument only shows when a server runs the document.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use glimbot::queries::*;
use glimbot::{Api, Credentials, LoginOptions, MemoryStore, OAuthApp};
use graphql_client::GraphQLQuery;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn every_query_and_mutation_runs() {
    let sim = common::bot_sim().await;
    let info = sim.info().clone();
    let app = OAuthApp {
        base_url: sim.url().parse().unwrap(),
        client_id: info.client_id.clone(),
        client_secret: None,
        redirect_uri: "http://127.0.0.1:0/callback".parse().unwrap(),
        scopes: vec!["public".into()],
    };
    let options = LoginOptions {
        browser: common::following_browser(),
        ..LoginOptions::default()
    };
    let api = Api::new(Arc::new(
        Credentials::new(app, Arc::new(MemoryStore::new()), options).unwrap(),
    ))
    .unwrap();
    let viewer = info.user_id("viewer").unwrap().to_owned();

    assert_eq!(
        api.run::<Myself>(myself::Variables)
            .await
            .unwrap()
            .myself
            .unwrap()
            .username,
        "glimbot"
    );
    let channel = api
        .run::<ChannelByStreamer>(channel_by_streamer::Variables {
            username: Some("streamer".into()),
        })
        .await
        .unwrap()
        .channel
        .unwrap();
    let channel_id = channel.id.unwrap();
    let live_stream = || {
        api.run::<LiveStream>(live_stream::Variables {
            channel_id: Some(channel_id.clone()),
        })
    };
    let offline = live_stream().await.unwrap().channel.unwrap();
    assert!(offline.stream.is_none());
    sim.go_live(&channel_id).unwrap();
    let live = live_stream().await.unwrap().channel.unwrap();
    let started = live.stream.unwrap().started_at;
    let elapsed = chrono::Utc::now().naive_utc() - started;
    assert!((0..5).contains(&elapsed.num_seconds()), "{started}");
    let sent = api
        .run::<CreateChatMessage>(create_chat_message::Variables {
            channel_id: channel_id.clone(),
            message: create_chat_message::ChatMessageInput {
                message: Some("hello".into()),
            },
        })
        .await
        .unwrap()
        .create_chat_message
        .unwrap();
    let recent = api
        .run::<RecentChatMessages>(recent_chat_messages::Variables {
            channel_id: Some(channel_id.clone()),
            last: Some(5),
            before: None,
        })
        .await
        .unwrap();
    let edges = recent
        .channel
        .unwrap()
        .chat_messages
        .unwrap()
        .edges
        .unwrap();
    assert_eq!(
        edges
            .last()
            .unwrap()
            .as_ref()
            .unwrap()
            .node
            .as_ref()
            .unwrap()
            .id,
        sent.id
    );
    let streamer_id = channel.streamer.id.clone();
    for fan in ["fan_a", "fan_b", "fan_c"] {
        sim.add_user(fan);
        sim.follow(&channel_id, fan).unwrap();
    }
    let followers = |last, before| {
        let variables = recent_followers::Variables {
            streamer_id: Some(streamer_id.clone()),
            last: Some(last),
            before,
        };
        let api = &api;
        async move {
            let page = api.run::<RecentFollowers>(variables).await.unwrap();
            let page = page.followers.unwrap();
            let edges = page.edges.into_iter().flatten().flatten();
            let names: Vec<String> = edges.map(|e| e.node.unwrap().user.username).collect();
            (names, page.page_info)
        }
    };
    let (newest, page) = followers(2, None).await;
    assert_eq!(newest, ["fan_b", "fan_c"], "oldest first");
    assert!(page.has_previous_page);
    let (older, page) = followers(2, page.start_cursor).await;
    assert_eq!(older, ["fan_a"]);
    assert!(!page.has_previous_page);

    api.run::<DeleteChatMessage>(delete_chat_message::Variables {
        channel_id: channel_id.clone(),
        message_id: sent.id,
    })
    .await
    .unwrap();

    let c = || channel_id.clone();
    let u = || viewer.clone();
    let short = api
        .run::<ShortTimeoutUser>(short_timeout_user::Variables {
            channel_id: c(),
            user_id: u(),
        })
        .await;
    assert_eq!(
        short.unwrap().short_timeout_user.unwrap().action.as_deref(),
        Some("short_timeout")
    );
    let long = api
        .run::<LongTimeoutUser>(long_timeout_user::Variables {
            channel_id: c(),
            user_id: u(),
        })
        .await;
    assert_eq!(
        long.unwrap().long_timeout_user.unwrap().action.as_deref(),
        Some("long_timeout")
    );
    let ban = api
        .run::<BanUser>(ban_user::Variables {
            channel_id: c(),
            user_id: u(),
        })
        .await;
    assert_eq!(
        ban.unwrap().ban_user.unwrap().action.as_deref(),
        Some("ban")
    );
    let unban = api
        .run::<UnbanUser>(unban_user::Variables {
            channel_id: c(),
            user_id: u(),
        })
        .await;
    assert_eq!(
        unban.unwrap().unban_user.unwrap().action.as_deref(),
        Some("unban")
    );
}

#[tokio::test]
async fn every_subscription_is_accepted_by_the_socket() {
    let sim = common::sim().await;
    let token = common::access_token(&sim, "viewer", "public").await;
    let url = format!(
        "{}/api/graph/websocket?vsn=2.0.0&token={token}",
        sim.url().replacen("http", "ws", 1)
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let documents = [
        serde_json::to_value(ChatMessages::build_query(chat_messages::Variables {
            channel_id: Some("1".into()),
        }))
        .unwrap(),
        serde_json::to_value(Followers::build_query(followers::Variables {
            streamer_id: Some("1".into()),
        }))
        .unwrap(),
        serde_json::to_value(ChannelUpdates::build_query(channel_updates::Variables {
            id: Some("1".into()),
        }))
        .unwrap(),
    ];
    socket
        .send(Message::text(
            json!(["1", "1", "__absinthe__:control", "phx_join", {}]).to_string(),
        ))
        .await
        .unwrap();
    for (i, body) in documents.iter().enumerate() {
        let doc = json!({"query": body["query"], "variables": body["variables"]});
        socket
            .send(Message::text(
                json!(["1", (i + 2).to_string(), "__absinthe__:control", "doc", doc]).to_string(),
            ))
            .await
            .unwrap();
    }
    let mut acks = 0;
    while acks < 1 + documents.len() {
        let message = tokio::time::timeout(common::WAIT, socket.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let reply: serde_json::Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
        assert_eq!(reply[4]["status"], "ok", "{reply}");
        acks += 1;
    }
}
