//! Faults of the API's requests: latency, server errors, expired and revoked tokens, and
//! every fault at once.

use super::*;

#[tokio::test]
async fn latency_on_every_request_fires_no_timeout_and_loses_nothing() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b.command(ping())).await;
    control(&sim, "faults", json!({"latency_ms": 200})).await;

    let mut lines = bot_lines(&sim);
    post(&sim, &channel_id, "!ping");
    assert_eq!(lines.take(1).await, ["@viewer pong"]);
    control(&sim, "sockets/drop", json!({})).await;
    let mut seen = Vec::new();
    for i in 0..10 {
        post(&sim, &channel_id, &format!("m{i}"));
    }
    messages_until_reconnected(&mut bot, &mut seen).await;
    messages_until(&mut bot, &mut seen, 11).await;
    assert_eq!(seen[0], "!ping");
    assert_eq!(seen[1..], numbered(10)[..]);
    control(&sim, "faults", json!({"latency_ms": 0})).await;
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn server_errors_on_the_api_are_retried_and_a_reply_arrives_once() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b.command(ping())).await;
    // Once this is seen, the bot's start-up requests are over and only the send remains.
    post(&sim, &channel_id, "settled");
    bot.next_message().await;
    let before = sim.stats().graph_requests;
    control(&sim, "faults", json!({"graph_errors": 3})).await;

    let mut lines = bot_lines(&sim);
    post(&sim, &channel_id, "!ping");
    assert_eq!(lines.take(1).await, ["@viewer pong"]);
    post(&sim, &channel_id, "sync");
    bot.next_message().await;
    assert_eq!(bot.next_message().await.2, "sync");
    let pongs = sim
        .chat_log(&channel_id)
        .into_iter()
        .filter(|l| l.message == "@viewer pong")
        .count();
    assert_eq!(pongs, 1);
    assert_eq!(
        sim.stats().graph_requests - before,
        4,
        "three failures, then the send"
    );
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn expired_and_revoked_tokens_are_replaced_while_the_socket_stays_up() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b.command(ping())).await;
    let mut lines = bot_lines(&sim);

    control(&sim, "tokens/expire", json!({})).await;
    post(&sim, &channel_id, "!ping");
    assert_eq!(lines.take(1).await, ["@viewer pong"]);
    assert_eq!(sim.stats().token_grants_by_type["refresh_token"], 1);

    control(&sim, "tokens/revoke", json!({})).await;
    post(&sim, &channel_id, "!ping");
    assert_eq!(lines.take(1).await, ["@viewer pong"]);
    assert_eq!(
        sim.stats().token_grants_by_type["authorization_code"],
        2,
        "logged in again"
    );

    // A new socket needs a valid token; the replaced one is.
    control(&sim, "sockets/drop", json!({})).await;
    post(&sim, &channel_id, "after the drop");
    let mut seen = Vec::new();
    messages_until_reconnected(&mut bot, &mut seen).await;
    messages_until(&mut bot, &mut seen, 3).await;
    assert_eq!(seen, ["!ping", "!ping", "after the drop"]);
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_hundred_commands_under_every_fault_at_once_are_each_answered_once() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let echo = Command::new("echo", "Says its arguments back", |call| async move {
        let text = call.args.join(" ");
        call.reply(text).await
    });
    let mut bot = start_bot(&sim, &["streamer"], |b| {
        b.command(echo).heartbeat(Duration::from_millis(250))
    })
    .await;
    let mut lines = bot_lines(&sim);
    control(&sim, "faults", json!({"latency_ms": 30})).await;
    for round in 0..10 {
        // Every round fails three API requests (one request retries past three) and lets
        // heartbeats go unanswered every other round; every other round also cuts the sockets
        // and refuses their upgrades for a while.
        let heartbeats = round % 2 == 1;
        control(
            &sim,
            "faults",
            json!({"graph_errors": 3, "heartbeats": heartbeats}),
        )
        .await;
        if round % 2 == 0 {
            control(&sim, "faults", json!({"refuse_upgrades_ms": 300})).await;
            control(&sim, "sockets/drop", json!({})).await;
        }
        let commands: Vec<usize> = (round * 10..round * 10 + 10).collect();
        for i in &commands {
            post(&sim, &channel_id, &format!("!echo {i}"));
        }
        let answers: Vec<String> = commands.iter().map(|i| format!("@viewer {i}")).collect();
        assert_eq!(lines.take(10).await, answers, "round {round}");
    }
    control(&sim, "faults", json!({"latency_ms": 0, "heartbeats": true})).await;
    post(&sim, &channel_id, "!echo done");
    assert_eq!(lines.take(1).await, ["@viewer done"]);

    let seen = bot.messages(101).await;
    let mut commands: Vec<String> = (0..100).map(|i| format!("!echo {i}")).collect();
    commands.push("!echo done".into());
    assert_eq!(seen, commands, "each command handled once, in order");
    let answers: Vec<String> = sim
        .chat_log(&channel_id)
        .into_iter()
        .filter(|l| l.username == glimbot::sim::BOT)
        .map(|l| l.message)
        .collect();
    let mut expected: Vec<String> = (0..100).map(|i| format!("@viewer {i}")).collect();
    expected.push("@viewer done".into());
    assert_eq!(answers, expected, "each command answered once, in order");
    assert!(sim.stats().upgrades_refused > 0);
    bot.stop().await.unwrap();
}
