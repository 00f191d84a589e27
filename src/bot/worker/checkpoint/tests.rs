use super::*;
use crate::model::User;
use crate::state::State;

fn message(age: Duration, replayed: bool) -> ChatMessage {
    ChatMessage {
        id: "7".into(),
        text: "!ping".into(),
        author: User {
            id: "2".into(),
            username: "viewer".into(),
        },
        author_is_moderator: false,
        author_is_streamer: false,
        sent_at: Utc::now().naive_utc() - age,
        replayed,
    }
}

fn checkpoint() -> Checkpoint {
    Checkpoint::new(State::in_memory().global(), ResumeConfig::default(), 0)
}

#[test]
fn replayed_messages_older_than_max_age_are_counted_not_delivered() {
    let mut checkpoint = checkpoint();
    assert!(checkpoint.fresh(&message(Duration::from_secs(590), true)));
    assert!(!checkpoint.fresh(&message(Duration::from_secs(610), true)));
    assert!(checkpoint.fresh(&message(Duration::from_secs(3600), false)));
    assert_eq!(checkpoint.skipped, 1);
    checkpoint.report_skipped();
    assert_eq!(checkpoint.skipped, 0);
}

#[test]
fn replayed_commands_older_than_command_max_age_do_not_run() {
    let checkpoint = checkpoint();
    assert!(checkpoint.may_command(&message(Duration::from_secs(50), true)));
    assert!(!checkpoint.may_command(&message(Duration::from_secs(70), true)));
    assert!(checkpoint.may_command(&message(Duration::from_secs(3600), false)));
}

#[tokio::test]
async fn the_first_handled_id_is_written_at_once_then_once_an_interval() {
    let state = State::in_memory().channel("1");
    let written = |key: &'static str| {
        let state = state.clone();
        async move { state.get::<u64>(key).await.expect("the state in memory") }
    };
    let mut checkpoint = Checkpoint::new(state.clone(), ResumeConfig::default(), 3);
    checkpoint.idle(0).await;
    assert_eq!(
        written(FOLLOW_KEY).await,
        Some(3),
        "where the follows stood"
    );
    checkpoint.idle(7).await;
    assert_eq!(
        written(KEY).await,
        Some(7),
        "at once: nothing was written yet"
    );
    checkpoint.followed(4);
    checkpoint.idle(9).await;
    assert_eq!(
        written(KEY).await,
        Some(7),
        "the next waits for the interval"
    );
    checkpoint.write(9).await;
    assert_eq!(
        (written(KEY).await, written(FOLLOW_KEY).await),
        (Some(9), Some(4))
    );
}

#[tokio::test]
async fn a_channel_with_no_messages_at_start_is_written_as_such_once() {
    let state = State::in_memory().channel("1");
    let written = || {
        let state = state.clone();
        async move { state.get::<u64>(KEY).await.expect("the state in memory") }
    };
    let mut checkpoint = Checkpoint::new(state.clone(), ResumeConfig::default(), 0);
    checkpoint.write(0).await;
    assert_eq!(written().await, Some(0), "every later message is new");
    checkpoint.idle(5).await;
    assert_eq!(written().await, Some(5), "at once: 0 started no interval");
    let mut checkpoint = Checkpoint::new(state.clone(), ResumeConfig::default(), 0);
    checkpoint.write(8).await;
    checkpoint.write(0).await;
    assert_eq!(
        written().await,
        Some(8),
        "0 after a new history would replay what was handled"
    );
}
