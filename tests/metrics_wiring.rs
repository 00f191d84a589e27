//! A bot serving its metrics: the listener's configuration, and the counts a scrape shows while
//! the bot works against the emulator.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{
    RunningBot, Seen, WAIT, bot_lines, bot_sim, channel, config, control, http, post_chat, sim,
    start_bot,
};
use glimbot::sim::Sim;
use glimbot::{Bot, Command, Error, MemoryStore, MetricsListener};
use reqwest::StatusCode;
use serde_json::{Value, json};

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

fn ping() -> Command {
    Command::new("ping", "Answers pong", |call| async move {
        call.reply("pong").await
    })
}

/// A bot with a `ping` command, serving its metrics; and where they are served.
async fn start_measured_bot(sim: &Sim) -> (RunningBot, SocketAddr) {
    let listener = MetricsListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr();
    let bot = start_bot(sim, &["streamer"], |b| {
        b.command(ping()).metrics_listener(listener)
    })
    .await;
    (bot, address)
}

/// The value of one series in a scrape, e.g. `glimbot_reconnects_total`.
async fn series(address: SocketAddr, name: &str) -> f64 {
    let text = scrape(address, "/metrics")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("{name} ");
    let line = text.lines().find(|l| l.starts_with(&prefix));
    let line = line.unwrap_or_else(|| panic!("no series {name} in\n{text}"));
    line[prefix.len()..].parse().unwrap()
}

/// Waits until a series reads `value` (counts land just after what they count shows), for at
/// most [`WAIT`].
async fn reads(address: SocketAddr, name: &str, value: f64) {
    let polled = async {
        loop {
            let read = series(address, name).await;
            if read == value {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    if tokio::time::timeout(WAIT, polled).await.is_err() {
        let read = series(address, name).await;
        panic!("{name} reads {read}, not {value}");
    }
}

/// Waits until the bot's handler sees it reconnected.
async fn reconnected(bot: &mut RunningBot) {
    loop {
        if let Seen::Reconnected(_) = bot.next().await {
            return;
        }
    }
}

#[tokio::test]
async fn a_scrape_counts_what_the_bot_did() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let (mut bot, address) = start_measured_bot(&sim).await;
    let mut lines = bot_lines(&sim);
    let chat = r#"{channel="streamer",kind="chat"}"#;

    for text in ["hello", "!ping", "how are you", "!ping", "bye"] {
        post_chat(&sim, &channel_id, "viewer", text).await;
    }
    assert_eq!(bot.messages(5).await.len(), 5);
    assert_eq!(lines.take(2).await, ["@viewer pong", "@viewer pong"]);

    // The five, and the bot's own two replies.
    let received = format!("glimbot_events_received_total{chat}");
    reads(address, &received, 7.0).await;
    let ping = r#"glimbot_commands_total{channel="streamer",command="ping"}"#;
    reads(address, ping, 2.0).await;
    reads(
        address,
        r#"glimbot_messages_sent_total{channel="streamer"}"#,
        2.0,
    )
    .await;
    // on_ready, five on_message and two commands; the bot's own lines reach no handler.
    let runs = r#"glimbot_handler_duration_seconds_count{channel="streamer"}"#;
    reads(address, runs, 8.0).await;
    // The commands waited for their replies to be sent: the clock saw time pass.
    let took = series(
        address,
        r#"glimbot_handler_duration_seconds_sum{channel="streamer"}"#,
    );
    assert!(took.await > 0.0, "handler runs were timed at 0 s");
    reads(address, "glimbot_logins_total", 1.0).await;
    reads(address, "glimbot_reconnects_total", 0.0).await;
    reads(address, "glimbot_events_queued", 0.0).await;

    sim.drop_sockets();
    reconnected(&mut bot).await;
    reads(address, "glimbot_reconnects_total", 1.0).await;
    reads(address, "glimbot_socket_connected", 1.0).await;

    reads(address, "glimbot_token_refreshes_total", 0.0).await;
    sim.expire_tokens();
    post_chat(&sim, &channel_id, "viewer", "!ping").await;
    assert_eq!(lines.take(1).await, ["@viewer pong"]);
    reads(address, "glimbot_token_refreshes_total", 1.0).await;
    reads(address, ping, 3.0).await;
    let unauthorized = r#"glimbot_api_request_duration_seconds_count{outcome="unauthorized"}"#;
    reads(address, unauthorized, 0.0).await;
    bot.stop().await.unwrap();
}

/// Polls `/healthz` until it answers `status`, for at most [`WAIT`]; returns the body.
async fn health_becomes(address: SocketAddr, status: StatusCode) -> Value {
    let polled = async {
        loop {
            let response = scrape(address, "/healthz").await.unwrap();
            if response.status() == status {
                return response.json::<Value>().await.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(WAIT, polled)
        .await
        .unwrap_or_else(|_| panic!("/healthz did not answer {status} in time"))
}

#[tokio::test]
async fn health_is_down_while_the_server_refuses_the_socket_and_up_after() {
    let sim = bot_sim().await;
    let (mut bot, address) = start_measured_bot(&sim).await;
    let up = health_becomes(address, StatusCode::OK).await;
    assert_eq!(up, json!({"status": "up"}));

    control(&sim, "faults", json!({"refuse_upgrades_ms": 1500})).await;
    sim.drop_sockets();
    let down = health_becomes(address, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(down["socket"], "down", "{down}");
    assert_eq!(down["channels"]["streamer"], "unsubscribed", "{down}");

    health_becomes(address, StatusCode::OK).await;
    reconnected(&mut bot).await;
    reads(address, "glimbot_reconnects_total", 1.0).await;
    bot.stop().await.unwrap();
}
