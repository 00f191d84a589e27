//! A bot serving its metrics: the listener's configuration, and the counts a scrape shows while
//! the bot works against the emulator.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;

use common::{WAIT, bot_sim, config, http, sim, start_bot};
use glimbot::{Bot, Error, MemoryStore, MetricsListener};
use reqwest::StatusCode;

/// Runs a bot whose instance does not answer, serving metrics on `listen`: an error naming
/// `metrics.listen` shows the listener was bound before anything went over the network.
async fn run_listening_on(listen: &str) -> Error {
    let sim = sim().await;
    let mut config = config(&sim, &["streamer"]);
    config.glimesh.base_url = "http://127.0.0.1:9/".parse().unwrap();
    config.metrics.listen = Some(listen.to_owned());
    let bot = Bot::builder(config)
        .token_store(MemoryStore::new())
        .build()
        .unwrap();
    tokio::time::timeout(WAIT, bot.run())
        .await
        .expect("the bot did not stop in time")
        .unwrap_err()
}

#[tokio::test]
async fn a_listen_value_that_is_no_address_stops_the_bot_before_it_connects() {
    let error = run_listening_on("localhost:nine").await;

    let Error::Config { key, message } = &error else {
        panic!("expected a configuration error, got {error}");
    };
    assert_eq!(key, "metrics.listen");
    assert!(message.contains("127.0.0.1:9464"), "{message}");
}

#[tokio::test]
async fn a_port_in_use_stops_the_bot_before_it_connects() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = taken.local_addr().unwrap().to_string();

    let error = run_listening_on(&address).await;

    let Error::Config { key, message } = &error else {
        panic!("expected a configuration error, got {error}");
    };
    assert_eq!(key, "metrics.listen");
    assert!(message.contains("in use"), "{message}");
}

async fn scrape(address: SocketAddr, path: &str) -> reqwest::Result<reqwest::Response> {
    http().get(format!("http://{address}{path}")).send().await
}

#[tokio::test]
async fn the_bot_serves_its_metrics_while_it_runs_and_stops_with_it() {
    let sim = bot_sim().await;
    let listener = MetricsListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr();
    let bot = start_bot(&sim, &["streamer"], |b| b.metrics_listener(listener)).await;

    let response = scrape(address, "/metrics").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(text.contains("glimbot_socket_connected"), "{text}");

    bot.stop().await.unwrap();
    assert!(scrape(address, "/metrics").await.is_err());
}
