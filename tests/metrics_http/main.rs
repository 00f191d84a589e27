//! The metrics listener over a real socket: what a scrape shows, the health endpoints, and how
//! the listener binds, bounds its clients and stops.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod listener;
mod scrapes;

use std::net::SocketAddr;
use std::time::Duration;

use common::{WAIT, http};
use glimbot::{ApiOutcome, Error, EventKind, Metrics, MetricsListener};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A listener serving in the background.
struct Served {
    address: SocketAddr,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

async fn serve(metrics: &Metrics) -> Served {
    let listener = MetricsListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr();
    let stop = CancellationToken::new();
    let task = tokio::spawn(listener.serve(metrics.clone(), stop.clone()));
    Served {
        address,
        stop,
        task,
    }
}

async fn get(address: SocketAddr, path: &str) -> reqwest::Response {
    http()
        .get(format!("http://{address}{path}"))
        .send()
        .await
        .unwrap()
}

async fn get_json(address: SocketAddr, path: &str) -> (StatusCode, Value) {
    let response = get(address, path).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    (response.status(), response.json().await.unwrap())
}

async fn scrape(address: SocketAddr) -> String {
    let response = get(address, "/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    response.text().await.unwrap()
}

fn assert_has(text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l == line),
        "no line `{line}` in:\n{text}"
    );
}
