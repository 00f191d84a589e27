//! What a scrape and the health endpoints show.

use super::*;

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
