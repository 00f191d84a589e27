//! Credentials under faults: oversized answers, a tampered or unwritable token file, a refused
//! refresh whose login fails, and short-lived tokens.
#![allow(clippy::unwrap_used)]

#[path = "../auth_support/mod.rs"]
mod auth_support;
#[path = "../common/mod.rs"]
mod common;
mod tokens;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use auth_support::{approving_sim, lasting_token, whoami};
use common::{bot_lines, channel, following_browser, sim_with};
use glimbot::sim::SimOptions;
use glimbot::{
    Api, Browser, Command, Credentials, Error, FileStore, Flow, LoginOptions, MemoryStore,
    OAuthApp, Secret, TokenStore,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn app(base_url: &str, client_id: &str) -> OAuthApp {
    OAuthApp {
        base_url: base_url.parse().unwrap(),
        client_id: client_id.to_owned(),
        client_secret: Some(Secret::new("secret")),
        redirect_uri: "http://127.0.0.1:0/callback".parse().unwrap(),
        scopes: vec!["public".into()],
    }
}

fn credentials(app: OAuthApp, store: Arc<dyn TokenStore>, browser: Browser) -> Arc<Credentials> {
    let options = LoginOptions {
        browser,
        timeout: Duration::from_secs(2),
        ..LoginOptions::default()
    };
    Arc::new(Credentials::new(app, store, options).unwrap())
}

/// A server that answers every request with an endless body, declared with this
/// `Content-Length` or chunked. Returns its URL and the bytes it got to send, per connection.
async fn endless_server(
    length: Option<u64>,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, sent) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                read_request(&mut stream).await;
                let framing = match length {
                    Some(n) => format!("Content-Length: {n}"),
                    None => "Transfer-Encoding: chunked".into(),
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
                );
                let mut total = 0u64;
                let chunk = vec![b' '; 64 * 1024];
                let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                framed.extend_from_slice(&chunk);
                framed.extend_from_slice(b"\r\n");
                let piece = if length.is_some() { &chunk } else { &framed };
                let mut result = stream.write_all(head.as_bytes()).await;
                // Stops when the client hangs up, or at 1 GiB for a client that never does.
                while result.is_ok() && total < 1 << 30 {
                    result = stream.write_all(piece).await;
                    total += piece.len() as u64;
                }
                let _ = tx.send(total);
            });
        }
    });
    (url, sent)
}

/// Reads one request, head and body, so that closing the connection resets nothing.
async fn read_request(stream: &mut tokio::net::TcpStream) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        if let Ok(httparse::Status::Complete(head)) = request.parse(&buffer) {
            let length = request
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .map_or(0, |h| {
                    std::str::from_utf8(h.value).unwrap().parse().unwrap()
                });
            if buffer.len() >= head + length {
                return;
            }
        }
    }
}

async fn bytes_sent(sent: &mut tokio::sync::mpsc::UnboundedReceiver<u64>) -> u64 {
    tokio::time::timeout(common::WAIT, sent.recv())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn an_endless_api_answer_is_refused_past_sixteen_mebibytes() {
    for length in [None, Some(300 << 20)] {
        let (url, mut sent) = endless_server(length).await;
        let store = MemoryStore::new();
        store.save(&lasting_token()).await.unwrap();
        let credentials = credentials(app(&url, "app"), Arc::new(store), Browser::Off);
        let api = Api::new(credentials).unwrap();

        let error = whoami(&api).await.unwrap_err();

        assert!(
            matches!(error, Error::TooLarge { limit, .. } if limit == 16 << 20),
            "{error}"
        );
        assert!(error.to_string().contains("the API's answer"), "{error}");
        let sent = bytes_sent(&mut sent).await;
        assert!(sent < 64 << 20, "the bot read on: {sent} bytes went out");
    }
}

#[tokio::test]
async fn an_endless_token_answer_is_refused_past_sixty_four_kibibytes() {
    let (url, mut sent) = endless_server(None).await;
    let options = LoginOptions {
        flow: Flow::ClientCredentials,
        browser: Browser::Off,
        ..LoginOptions::default()
    };
    let credentials =
        Credentials::new(app(&url, "app"), Arc::new(MemoryStore::new()), options).unwrap();

    let error = credentials.access_token().await.unwrap_err();

    assert!(
        matches!(error, Error::TooLarge { limit, .. } if limit == 64 << 10),
        "{error}"
    );
    assert!(error.to_string().contains("token endpoint"), "{error}");
    assert!(!error.is_retryable());
    let sent = bytes_sent(&mut sent).await;
    assert!(sent < 32 << 20, "the bot read on: {sent} bytes went out");
}
