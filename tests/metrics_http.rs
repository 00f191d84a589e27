//! The metrics listener over a real socket: what a scrape shows, the health endpoints, and how
//! the listener binds, bounds its clients and stops.
#![allow(clippy::unwrap_used)]

mod common;

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

#[tokio::test]
async fn a_scrape_shows_exactly_what_was_counted_with_its_labels() {
    let metrics = Metrics::new(&["alice", "bob"], &["ping", "roll"]);
    let (alice, bob) = (metrics.channel(0), metrics.channel(1));
    for _ in 0..3 {
        alice.event_received(EventKind::Chat);
    }
    alice.event_received(EventKind::Follow);
    bob.event_received(EventKind::Chat);
    alice.command_run(0);
    alice.command_run(0);
    bob.command_run(1);
    alice.handler_finished(Duration::from_millis(1), &Ok(()));
    alice.handler_finished(
        Duration::from_millis(3),
        &Err(Error::Http {
            message: "down".into(),
            source: None,
        }),
    );
    alice.handler_finished(Duration::from_millis(20), &Err(Error::Panic("boom".into())));
    alice.message_sent();
    alice.message_sent();
    bob.send_queue_depth(4);
    alice.rate_limit_waited(Duration::from_millis(1500));
    alice.caught_up(5, 2);
    metrics.reconnected();
    metrics.token_refreshed();
    metrics.logged_in();
    metrics.api_request(ApiOutcome::Ok, Duration::from_millis(200));
    metrics.api_request(ApiOutcome::Ok, Duration::from_millis(40));
    metrics.api_request(ApiOutcome::Timeout, Duration::from_secs(30));
    for _ in 0..3 {
        metrics.event_queued();
    }
    metrics.event_dequeued();
    let served = serve(&metrics).await;

    let text = scrape(served.address).await;

    for line in [
        r#"glimbot_events_received_total{channel="alice",kind="chat"} 3"#,
        r#"glimbot_events_received_total{channel="alice",kind="follow"} 1"#,
        r#"glimbot_events_received_total{channel="alice",kind="channel_update"} 0"#,
        r#"glimbot_events_received_total{channel="bob",kind="chat"} 1"#,
        r#"glimbot_commands_total{channel="alice",command="ping"} 2"#,
        r#"glimbot_commands_total{channel="bob",command="roll"} 1"#,
        r#"glimbot_handler_errors_total{channel="alice"} 1"#,
        r#"glimbot_handler_panics_total{channel="alice"} 1"#,
        r#"glimbot_handler_errors_total{channel="bob"} 0"#,
        r#"glimbot_handler_duration_seconds_count{channel="alice"} 3"#,
        r#"glimbot_handler_duration_seconds_bucket{channel="alice",le="0.001"} 1"#,
        r#"glimbot_handler_duration_seconds_bucket{channel="alice",le="0.005"} 2"#,
        r#"glimbot_handler_duration_seconds_bucket{channel="alice",le="0.025"} 3"#,
        r#"glimbot_handler_duration_seconds_bucket{channel="alice",le="+Inf"} 3"#,
        r#"glimbot_messages_sent_total{channel="alice"} 2"#,
        r#"glimbot_send_queue_depth{channel="bob"} 4"#,
        r#"glimbot_rate_limit_wait_seconds_total{channel="alice"} 1.5"#,
        r#"glimbot_catch_up_messages_total{channel="alice",outcome="delivered"} 5"#,
        r#"glimbot_catch_up_messages_total{channel="alice",outcome="skipped"} 2"#,
        "glimbot_reconnects_total 1",
        "glimbot_token_refreshes_total 1",
        "glimbot_logins_total 1",
        r#"glimbot_api_request_duration_seconds_count{outcome="ok"} 2"#,
        r#"glimbot_api_request_duration_seconds_bucket{outcome="ok",le="0.025"} 0"#,
        r#"glimbot_api_request_duration_seconds_bucket{outcome="ok",le="0.05"} 1"#,
        r#"glimbot_api_request_duration_seconds_bucket{outcome="ok",le="0.25"} 2"#,
        r#"glimbot_api_request_duration_seconds_count{outcome="timeout"} 1"#,
        r#"glimbot_api_request_duration_seconds_count{outcome="graphql_error"} 0"#,
        "glimbot_events_queued 2",
        "# TYPE glimbot_handler_duration_seconds histogram",
    ] {
        assert_has(&text, line);
    }
    // A command never run in a channel exports no series there.
    assert!(
        !text.contains(r#"channel="alice",command="roll""#),
        "{text}"
    );
}

#[tokio::test]
async fn healthz_names_what_is_down_until_the_socket_and_every_channel_are_up() {
    let metrics = Metrics::new(&["alice", "bob"], &[] as &[&str]);
    let served = serve(&metrics).await;
    let down = |socket, channels| json!({"status": "down", "socket": socket, "channels": channels});

    let both = json!({"alice": "unsubscribed", "bob": "unsubscribed"});
    let at_start = get_json(served.address, "/healthz").await;
    assert_eq!(
        at_start,
        (StatusCode::SERVICE_UNAVAILABLE, down("down", both.clone()))
    );

    metrics.socket_connected();
    metrics.channel(0).subscribed();
    let one_channel = get_json(served.address, "/healthz").await;
    let bob = json!({"bob": "unsubscribed"});
    assert_eq!(
        one_channel,
        (StatusCode::SERVICE_UNAVAILABLE, down("up", bob))
    );

    metrics.channel(1).subscribed();
    let all_up = get_json(served.address, "/healthz").await;
    assert_eq!(all_up, (StatusCode::OK, json!({"status": "up"})));
    assert_has(&scrape(served.address).await, "glimbot_socket_connected 1");

    metrics.socket_lost();
    let lost = get_json(served.address, "/healthz").await;
    assert_eq!(lost, (StatusCode::SERVICE_UNAVAILABLE, down("down", both)));
    let text = scrape(served.address).await;
    assert_has(&text, "glimbot_socket_connected 0");
    assert_has(&text, r#"glimbot_channel_subscribed{channel="alice"} 0"#);
}

#[tokio::test]
async fn readyz_answers_ok_once_every_channel_was_subscribed_and_stays_so() {
    let metrics = Metrics::new(&["alice", "bob"], &[] as &[&str]);
    let served = serve(&metrics).await;

    metrics.socket_connected();
    metrics.channel(0).subscribed();
    let waiting = get_json(served.address, "/readyz").await;
    let bob = json!({"status": "starting", "channels": {"bob": "waiting"}});
    assert_eq!(waiting, (StatusCode::SERVICE_UNAVAILABLE, bob));

    metrics.channel(1).subscribed();
    let ready = get_json(served.address, "/readyz").await;
    assert_eq!(ready, (StatusCode::OK, json!({"status": "up"})));

    metrics.socket_lost();
    let still_ready = get_json(served.address, "/readyz").await;
    assert_eq!(still_ready, (StatusCode::OK, json!({"status": "up"})));
}

#[tokio::test]
async fn an_unknown_path_is_not_found_and_only_get_is_allowed() {
    let served = serve(&Metrics::new(&["alice"], &["ping"])).await;

    assert_eq!(
        get(served.address, "/").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(served.address, "/metrics/x").await.status(),
        StatusCode::NOT_FOUND
    );
    let post = http()
        .post(format!("http://{}/metrics", served.address))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.headers()["allow"], "GET");
}

fn config_message(error: Error) -> String {
    match error {
        Error::Config { key, message } => {
            assert_eq!(key, "metrics.listen");
            message
        }
        other => panic!("not a config error: {other}"),
    }
}

#[tokio::test]
async fn a_port_in_use_is_a_config_error_naming_the_key() {
    let taken = MetricsListener::bind("127.0.0.1:0").await.unwrap();
    let address = taken.local_addr().to_string();

    let error = MetricsListener::bind(&address).await.unwrap_err();

    let message = config_message(error);
    assert!(message.contains(&address), "{message}");
    assert!(message.contains("in use"), "{message}");
}

#[tokio::test]
async fn a_listen_value_that_is_not_an_address_is_a_config_error_naming_the_key() {
    for bad in ["localhost:9464", "127.0.0.1", "9464", "127.0.0.1:99999", ""] {
        let error = MetricsListener::bind(bad).await.unwrap_err();
        let message = config_message(error);
        assert!(
            message.contains("not an IP address and port"),
            "{bad}: {message}"
        );
    }
}

#[tokio::test]
async fn cancelling_stops_the_listener_and_frees_its_port_even_with_a_client_connected() {
    let served = serve(&Metrics::new(&["alice"], &["ping"])).await;
    scrape(served.address).await;
    let _idle = TcpStream::connect(served.address).await.unwrap();

    served.stop.cancel();
    tokio::time::timeout(Duration::from_secs(1), served.task)
        .await
        .expect("the listener did not stop within 1 s")
        .unwrap();

    assert!(TcpStream::connect(served.address).await.is_err());
    MetricsListener::bind(&served.address.to_string())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_client_that_sends_nothing_does_not_hold_up_a_scrape() {
    let served = serve(&Metrics::new(&["alice"], &["ping"])).await;
    let _silent = TcpStream::connect(served.address).await.unwrap();
    let mut halfway = TcpStream::connect(served.address).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut halfway, b"GET /metr")
        .await
        .unwrap();

    // Well before the 5 s the listener gives a client to send its request.
    let soon = Duration::from_secs(2);
    let text = tokio::time::timeout(soon, scrape(served.address))
        .await
        .unwrap();

    assert_has(&text, "glimbot_reconnects_total 0");
}

#[tokio::test]
async fn connections_past_the_limit_are_closed_unanswered() {
    let served = serve(&Metrics::new(&["alice"], &["ping"])).await;
    // The listener serves 32 connections at once; these hold every place.
    let mut held = Vec::new();
    for _ in 0..32 {
        held.push(TcpStream::connect(served.address).await.unwrap());
    }

    let mut extra = TcpStream::connect(served.address).await.unwrap();

    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(WAIT, extra.read(&mut byte))
        .await
        .unwrap();
    assert_eq!(
        read.unwrap(),
        0,
        "the connection past the limit was not closed"
    );
}
