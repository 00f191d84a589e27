//! A gap longer than a catch-up reads is reported. This test has its own binary because it
//! reads the logs, and tracing caches per process which call sites are enabled.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Seen, bot_sim, capture_logs, channel, control, start_bot};
use serde_json::json;

#[tokio::test]
async fn a_gap_longer_than_a_catchup_reads_is_logged_as_an_error_with_its_size() {
    let (log, _logging) = capture_logs();
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let mut bot = start_bot(&sim, &["streamer"], |b| b).await;

    control(&sim, "faults", json!({"refuse_upgrades_ms": 60_000})).await;
    control(&sim, "sockets/drop", json!({})).await;
    for i in 0..2050 {
        sim.post_chat(&channel_id, "viewer", &format!("m{i}"))
            .unwrap();
    }
    control(&sim, "faults", json!({"refuse_upgrades_ms": 0})).await;
    assert_eq!(bot.next().await, Seen::Reconnected("streamer".into()));
    let expected: Vec<String> = (50..2050).map(|i| format!("m{i}")).collect();
    assert_eq!(bot.messages(2000).await, expected);
    bot.stop().await.unwrap();

    let log = log.text();
    let line = log
        .lines()
        .find(|l| l.contains("the gap is longer than a catch-up reads"))
        .unwrap_or_else(|| panic!("no gap reported in:\n{log}"));
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("unread_ids=50"), "{line}");
}
