//! The `glimesh-sim` binary: its first line describes the world, and it serves that world.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::{REDIRECT, http, location_params, param};
use glimbot::sim::WorldInfo;
use serde_json::json;

fn start(args: &[&str]) -> (common::Running, WorldInfo) {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    common::start_sim_binary(&args)
}

#[tokio::test]
async fn the_first_line_describes_the_world_it_serves() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.toml");
    std::fs::write(&world, "[[users]]\nusername = \"alice\"\n\n[[channels]]\nstreamer = \"alice\"\ntitle = \"Alice plays\"\n").unwrap();
    let (_sim, info) = start(&[
        "--auto-approve",
        "alice",
        "--world",
        world.to_str().unwrap(),
    ]);

    assert!(info.url.starts_with("http://127.0.0.1:"));
    assert_eq!(info.redirect_uri, "http://127.0.0.1/callback");
    let names: Vec<&str> = info.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["streamer", "viewer", "glimbot", "alice"]);
    assert_eq!(info.channel_id("alice"), Some("2"));

    let redirect = http()
        .get(format!("{}/oauth/authorize", info.url))
        .query(&[
            ("response_type", "code"),
            ("client_id", &info.client_id),
            ("redirect_uri", REDIRECT),
            ("scope", "public"),
        ])
        .send()
        .await
        .unwrap();
    let code = param(&location_params(&redirect), "code")
        .unwrap()
        .to_owned();
    let token: serde_json::Value = http()
        .post(format!("{}/api/oauth/token", info.url))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &info.client_id),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me: serde_json::Value = http()
        .post(format!("{}/api/graph", info.url))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&json!({"query": "{ myself { username channel { title } } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["data"]["myself"],
        json!({"username": "alice", "channel": {"title": "Alice plays"}})
    );
}

#[test]
fn a_bad_world_or_user_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.toml");
    std::fs::write(&world, "[[channels]]\nstreamer = \"ghost\"\n").unwrap();
    let cases: [(&[&str], &str); 2] = [
        (
            &["--world", world.to_str().unwrap()],
            "no user named \"ghost\"",
        ),
        (
            &["--auto-approve", "nobody"],
            "cannot auto-approve \"nobody\"",
        ),
    ];
    for (args, expected) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_glimesh-sim"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

/// The most memory the process has held, from `/proc`.
#[cfg(target_os = "linux")]
fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn megabyte_queries_leave_the_emulators_memory_small() {
    let (sim, info) = start(&[]);
    let fields: Vec<String> = (0..45_000)
        .map(|i| format!("a{i}: channel(id: 1) {{ id }}"))
        .collect();
    let query = format!("{{ {} }}", fields.join(" "));
    let before = peak_memory_kib(sim.0.id());
    for _ in 0..2 {
        let response = http()
            .post(format!("{}/api/graph", info.url))
            .header("authorization", format!("Client-ID {}", info.client_id))
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["message"], "Token limit exceeded");
    }
    let grown = peak_memory_kib(sim.0.id()) - before;
    assert!(grown < 50 * 1024, "two 1 MB queries took {grown} KiB");
}
