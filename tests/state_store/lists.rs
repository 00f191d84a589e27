//! Lists, scopes, and what a file keeps once opened again.

use super::*;

#[tokio::test]
async fn lists_append_and_read_by_index() {
    let (_dir, stores) = both_stores().await;
    for state in stores {
        let channel = state.channel("7");
        assert_eq!(channel.len("quotes").await.unwrap(), 0);
        assert_eq!(channel.get_at::<Quote>("quotes", 0).await.unwrap(), None);

        for (i, text) in ["one", "two", "three"].into_iter().enumerate() {
            assert_eq!(channel.push("quotes", &quote(text)).await.unwrap(), i + 1);
        }
        assert_eq!(channel.len("quotes").await.unwrap(), 3);
        assert_eq!(
            channel.get_at("quotes", 1).await.unwrap(),
            Some(quote("two"))
        );
        assert_eq!(channel.get_at::<Quote>("quotes", 3).await.unwrap(), None);
        assert_eq!(
            channel.get_at::<Quote>("quotes", usize::MAX).await.unwrap(),
            None
        );
        let all: Vec<Quote> = channel.list("quotes").await.unwrap();
        assert_eq!(all, [quote("one"), quote("two"), quote("three")]);

        // A list and a value are apart; `remove` forgets both.
        assert_eq!(channel.get::<Quote>("quotes").await.unwrap(), None);
        assert!(channel.remove("quotes").await.unwrap());
        assert_eq!(channel.len("quotes").await.unwrap(), 0);
        assert_eq!(channel.push("quotes", &quote("again")).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn scopes_and_channels_do_not_see_each_others_keys() {
    let (_dir, stores) = both_stores().await;
    for state in stores {
        // A channel whose id is `global` is not the bot-wide scope.
        let scopes = [
            state.global(),
            state.channel("7"),
            state.channel("8"),
            state.channel("global"),
        ];
        for (i, scope) in scopes.iter().enumerate() {
            scope.set("owner", &i).await.unwrap();
            scope
                .incr("count", i64::try_from(i).unwrap() + 1)
                .await
                .unwrap();
            scope.push("log", &i).await.unwrap();
        }
        for (i, scope) in scopes.iter().enumerate() {
            assert_eq!(scope.get::<usize>("owner").await.unwrap(), Some(i));
            let count = scope.get::<i64>("count").await.unwrap();
            assert_eq!(count, Some(i64::try_from(i).unwrap() + 1));
            assert_eq!(scope.list::<usize>("log").await.unwrap(), [i]);
        }
        scopes[1].remove("owner").await.unwrap();
        assert_eq!(scopes[2].get::<usize>("owner").await.unwrap(), Some(2));
        assert_eq!(scopes[0].get::<usize>("owner").await.unwrap(), Some(0));
    }
}

#[tokio::test]
async fn everything_written_is_there_after_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bot").join("state.sqlite3");
    let state = State::open(&path).await.unwrap();
    state
        .channel("7")
        .set("motd", &quote("kept"))
        .await
        .unwrap();
    state
        .channel("7")
        .push("quotes", &quote("one"))
        .await
        .unwrap();
    assert_eq!(state.global().incr("restarts", 1).await.unwrap(), 1);
    drop(state);

    let state = State::open(&path).await.unwrap();
    assert_eq!(
        state.channel("7").get("motd").await.unwrap(),
        Some(quote("kept"))
    );
    assert_eq!(
        state.channel("7").get_at("quotes", 0).await.unwrap(),
        Some(quote("one"))
    );
    assert_eq!(state.global().incr("restarts", 1).await.unwrap(), 2);
}

#[test]
fn the_default_file_is_beside_the_token() {
    let path = State::default_path("my-client").unwrap();
    assert!(
        path.ends_with("glimbot/my-client/state.sqlite3"),
        "{}",
        path.display()
    );
    assert_eq!(State::default_path("../elsewhere"), None);
}
