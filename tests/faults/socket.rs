//! Faults of the socket: drops, silent heartbeats, refused upgrades, a restarted server.

use super::*;

#[tokio::test]
async fn a_hundred_drops_over_ten_thousand_messages_lose_and_repeat_nothing() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;
    let mut seen = Vec::new();
    for round in 0..100 {
        for i in round * 100..round * 100 + 50 {
            post(&sim, &channel_id, &format!("m{i}"));
        }
        control(&sim, "sockets/drop", json!({})).await;
        for i in round * 100 + 50..round * 100 + 100 {
            post(&sim, &channel_id, &format!("m{i}"));
        }
        messages_until_reconnected(&mut bot, &mut seen).await;
    }
    messages_until(&mut bot, &mut seen, 10_000).await;
    assert_eq!(seen, numbered(10_000));
    assert_eq!(sim.stats().sockets_accepted, 101);
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_link_without_heartbeat_replies_is_replaced_within_two_intervals() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let interval = Duration::from_millis(400);
    let mut bot = start_bot(&sim, &["streamer"], |b| b.heartbeat(interval)).await;

    control(&sim, "faults", json!({"heartbeats": false})).await;
    let withheld = Instant::now();
    let mut seen = Vec::new();
    messages_until_reconnected(&mut bot, &mut seen).await;
    let noticed = withheld.elapsed();
    control(&sim, "faults", json!({"heartbeats": true})).await;
    // Two intervals to notice; then at most 250 ms of backoff, and time to connect, rejoin and
    // catch up on a machine busy with other tests.
    assert!(
        noticed < interval * 2 + Duration::from_millis(1500),
        "replaced after {noticed:?}"
    );

    post(&sim, &channel_id, "after");
    assert_eq!(bot.next_message().await.2, "after");
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn refused_upgrades_are_retried_and_nothing_posted_meanwhile_is_lost() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;
    control(&sim, "faults", json!({"refuse_upgrades_ms": 700})).await;
    control(&sim, "sockets/drop", json!({})).await;
    for i in 0..20 {
        post(&sim, &channel_id, &format!("m{i}"));
    }
    let mut seen = Vec::new();
    messages_until_reconnected(&mut bot, &mut seen).await;
    messages_until(&mut bot, &mut seen, 20).await;
    assert_eq!(seen, numbered(20));
    assert_eq!(
        sim.stats().sockets_accepted,
        2,
        "refused upgrades open no socket"
    );
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_restarted_server_is_rejoined_and_caught_up() {
    let mut sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;
    post(&sim, &channel_id, "m0");
    let mut seen = Vec::new();
    messages_until(&mut bot, &mut seen, 1).await;

    sim.restart().await.unwrap();
    for i in 1..20 {
        post(&sim, &channel_id, &format!("m{i}"));
    }
    messages_until_reconnected(&mut bot, &mut seen).await;
    messages_until(&mut bot, &mut seen, 20).await;
    assert_eq!(seen, numbered(20));
    bot.stop().await.unwrap();
}
