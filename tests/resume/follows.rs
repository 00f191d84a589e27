//! Follows made while the bot was stopped, or while it catches up.

use super::*;

/// `username`, signed up now, follows the channel, as if `age` ago.
fn follow(sim: &Sim, channel_id: &str, username: &str, age: u64) {
    sim.add_user(username);
    let age = Duration::from_secs(age);
    sim.follow_aged(channel_id, username, age).unwrap();
}

#[tokio::test]
async fn follows_made_while_stopped_are_replayed_once_in_order_within_max_age() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    follow(&sim, &channel_id, "early_fan", 0);

    let mut bot = Running::start(&sim, &path).await;
    follow(&sim, &channel_id, "first_fan", 0);
    let first = bot.next_follow().await;
    assert_eq!(
        first,
        ("followed by first_fan".to_owned(), false),
        "a first run replays no past follows"
    );
    bot.stop().await;

    // max_age is 600 s by default: the follow of an hour ago is counted, not delivered.
    follow(&sim, &channel_id, "fan_a", 120);
    follow(&sim, &channel_id, "fan_of_old", 3600);
    follow(&sim, &channel_id, "fan_b", 0);
    let mut bot = Running::start(&sim, &path).await;
    assert_eq!(
        bot.next_follow().await,
        ("followed by fan_a".to_owned(), true)
    );
    assert_eq!(
        bot.next_follow().await,
        ("followed by fan_b".to_owned(), true)
    );
    follow(&sim, &channel_id, "live_fan", 0);
    let live = bot.next_follow().await;
    assert_eq!(
        live,
        ("followed by live_fan".to_owned(), false),
        "nothing came twice"
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_follow_made_during_the_catch_up_is_delivered_once() {
    let sim = bot_sim().await;
    let channel_id = channel(sim.info());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    Running::start(&sim, &path).await.stop().await;

    // Slow answers keep the catch-up's reads in flight while the follow is made, so it comes
    // both live and in the catch-up.
    control(&sim, "faults", json!({"latency_ms": 300})).await;
    let mut bot = Running::start(&sim, &path).await;
    follow(&sim, &channel_id, "quick_fan", 0);
    assert_eq!(
        bot.next_follow().await,
        ("followed by quick_fan".to_owned(), false)
    );
    control(&sim, "faults", json!({"latency_ms": 0})).await;
    follow(&sim, &channel_id, "next_fan", 0);
    assert_eq!(
        bot.next_follow().await,
        ("followed by next_fan".to_owned(), false)
    );
    bot.stop().await;
}
