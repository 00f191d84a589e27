//! Every way out of the bot binary: SIGTERM and SIGINT end it within 2 s in every state it can
//! be in, an unreachable instance is an error at once, and the login page makes the person pick
//! the account.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod processes;

use std::process::Stdio;
use std::time::Duration;

use glimbot::sim::VIEWER;
use serde_json::json;

use processes::{BotProcess, STOP_LIMIT, World, write_config};

const SIGNALS: [&str; 2] = ["-TERM", "-INT"];
/// How long a running handler may take at shutdown (the default).
const HANDLER_DEADLINE: Duration = Duration::from_secs(10);

#[test]
fn a_stop_while_checking_the_instance_ends_the_bot() {
    // A port that accepts connections and never answers: the check waits for its timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    for signal in SIGNALS {
        let dir = tempfile::tempdir().unwrap();
        write_config(dir.path(), &url, 1.0);
        let mut bot = BotProcess::start(dir.path(), &[], Stdio::null());
        bot.wait_for("checking that the instance answers");
        bot.stops_on(signal, "stopped before the instance answered");
    }
}

#[test]
fn a_stop_while_the_login_waits_ends_the_bot_and_says_so() {
    let world = World::new(false);
    // On a loopback redirect the bot listens for the browser; otherwise it waits for a paste
    // on its stdin, which stays open here as in a terminal.
    let waits = [
        (None, "/oauth/authorize?"),
        (Some("https://bots.example.org/callback"), "paste here"),
    ];
    for (redirect, waiting) in waits {
        for signal in SIGNALS {
            let dir = world.bot_dir(1.0);
            if let Some(redirect) = redirect {
                let path = dir.path().join("config.toml");
                let config = std::fs::read_to_string(&path).unwrap();
                let config = config.replace("http://127.0.0.1:0/callback", redirect);
                std::fs::write(&path, config).unwrap();
            }
            let mut bot = BotProcess::start(dir.path(), &["--no-browser"], Stdio::piped());
            bot.wait_for(waiting);
            let said = bot.stops_on(signal, "stopped before the login completed");
            assert!(!said.contains("login failed"), "{said}");
            assert!(!dir.path().join("token.json").exists());
        }
    }
}

#[test]
fn a_stop_while_the_socket_cannot_connect_ends_the_bot() {
    let world = World::new(true);
    world.fault(json!({"refuse_upgrades_ms": 60_000}));
    for signal in SIGNALS {
        let dir = world.bot_dir(1.0);
        let mut bot = world.logged_in_bot(dir.path());
        // A refused upgrade reads as a refused token.
        bot.wait_for("the socket refused");
        bot.stops_on(signal, "stopped");
    }
}

#[test]
fn a_stop_while_running_ends_the_bot() {
    let world = World::new(true);
    for signal in SIGNALS {
        let dir = world.bot_dir(1.0);
        let mut bot = world.logged_in_bot(dir.path());
        bot.wait_for("every topic subscribed");
        bot.stops_on(signal, "stopped");
    }
}

#[test]
fn a_stop_while_reconnecting_with_backoff_ends_the_bot() {
    let world = World::new(true);
    for signal in SIGNALS {
        world.fault(json!({"refuse_upgrades_ms": 0}));
        let dir = world.bot_dir(1.0);
        let mut bot = world.logged_in_bot(dir.path());
        bot.wait_for("every topic subscribed");
        world.fault(json!({"refuse_upgrades_ms": 60_000}));
        world
            .runtime
            .block_on(common::control(&world.sim, "sockets/drop", json!({})));
        bot.wait_for("socket lost; reconnecting");
        bot.stops_on(signal, "stopped");
    }
}

#[test]
fn a_stop_while_slow_sends_are_queued_ends_the_bot_after_the_handler_deadline() {
    let world = World::new(true);
    let channel = common::channel(world.sim.info());
    // One message every twenty seconds: the second reply waits past the handler deadline.
    let dir = world.bot_dir(0.05);
    let mut bot = world.logged_in_bot(dir.path());
    bot.wait_for("every topic subscribed");
    let _runtime = world.runtime.enter();
    let mut lines = common::bot_lines(&world.sim);
    for _ in 0..5 {
        world.sim.post_chat(&channel, VIEWER, "!ping").unwrap();
    }
    // The first reply goes at once; the handler of the second waits for the rate.
    let answered = world.runtime.block_on(lines.take(1));
    assert_eq!(answered, ["@viewer pong"]);
    bot.wait_for("waiting for the send rate");
    bot.signal("-TERM");
    let (status, said) = bot.ends_within(HANDLER_DEADLINE + STOP_LIMIT);
    assert!(status.success(), "{status}: {said}");
    assert!(
        said.contains("a handler did not finish before the shutdown deadline")
            && said.contains("were not sent"),
        "{said}"
    );
}

#[test]
fn an_unreachable_instance_is_an_error_naming_the_url() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent = format!("http://{}/", silent.local_addr().unwrap());
    for (url, reason) in [
        ("http://127.0.0.1:1/", "Connection refused"),
        (silent.as_str(), "no answer within 5 s"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_config(dir.path(), url, 1.0);
        let bot = BotProcess::start(dir.path(), &[], Stdio::null());
        let (status, said) = bot.ends_within(Duration::from_secs(15));
        assert!(!status.success(), "{url}: {said}");
        assert!(
            said.contains(&format!("cannot reach the instance at {url}"))
                && said.contains("check glimesh.base_url")
                && said.contains(reason),
            "{url}: {said}"
        );
        assert!(!said.contains("open this address"), "{said}");
    }
}

#[test]
fn ctrl_c_in_interactive_dev_mode_ends_it_while_stdin_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut bot = BotProcess::start(dir.path(), &["--dev"], Stdio::piped());
    bot.wait_for("Type a message");
    bot.signal("-INT");
    let (status, said) = bot.ends_within(STOP_LIMIT);
    assert!(status.success(), "{status}: {said}");
}

#[tokio::test]
async fn the_consent_page_makes_the_person_pick_the_account() {
    let sim = common::sim().await;
    let info = sim.info();
    let authorize = format!("{}/oauth/authorize", sim.url());
    let request = [
        ("response_type", "code"),
        ("client_id", info.client_id.as_str()),
        ("redirect_uri", common::REDIRECT),
        ("scope", "chat"),
        ("state", "s"),
    ];
    let page = common::http().get(&authorize).query(&request).send().await;
    let html = page.unwrap().text().await.unwrap();
    let radios = html.matches("type=\"radio\"").count();
    assert_eq!(radios, info.users.len(), "{html}");
    assert_eq!(html.matches(" required>").count(), radios, "{html}");
    assert!(!html.contains("checked"), "nothing is picked: {html}");

    let mut unpicked = request.to_vec();
    unpicked.push(("action", "authorize"));
    let answer = common::http().post(&authorize).form(&unpicked).send().await;
    let answer = answer.unwrap();
    assert_eq!(answer.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(answer.headers().get("location").is_none());
}
