//! Refused refreshes, an unwritable token folder and short-lived tokens.

use super::*;

#[tokio::test]
async fn a_refused_refresh_keeps_the_saved_token_until_a_new_login_succeeds() {
    let sim = approving_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    let followed = Arc::new(AtomicBool::new(false));
    let once = Arc::clone(&followed);
    // The person approves the first login and is gone for the second.
    let browser = Browser::With(Arc::new(move |url| {
        if !once.swap(true, Ordering::SeqCst) {
            tokio::spawn(reqwest::get(url));
        }
    }));
    let app = app(sim.url(), &sim.info().client_id);
    let api = Api::new(credentials(app, Arc::new(FileStore::new(&path)), browser)).unwrap();
    whoami(&api).await.unwrap();
    let saved = std::fs::read(&path).unwrap();

    sim.revoke_tokens();
    let error = whoami(&api).await.unwrap_err();

    assert!(
        matches!(&error, Error::Login(message) if message.contains("no login within")),
        "{error}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        saved,
        "the saved token is still there"
    );
}

#[tokio::test]
async fn a_token_folder_that_cannot_be_written_costs_no_login_and_is_tried_again() {
    let sim = approving_sim().await;
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be: no save can succeed, even as root.
    let blocker = dir.path().join("glimbot");
    std::fs::write(&blocker, "").unwrap();
    let path = blocker.join("token.json");
    let app = app(sim.url(), &sim.info().client_id);
    let store = Arc::new(FileStore::new(&path));
    let api = Api::new(credentials(app, store.clone(), following_browser())).unwrap();

    assert_eq!(
        whoami(&api).await.unwrap(),
        "glimbot",
        "the login is kept in memory"
    );
    sim.expire_tokens();
    assert_eq!(whoami(&api).await.unwrap(), "glimbot", "and refreshed");
    assert!(!path.exists());

    std::fs::remove_file(&blocker).unwrap();
    sim.expire_tokens();
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");

    assert!(
        store.load().await.unwrap().is_some(),
        "saved at the next refresh"
    );
    let grants = sim.stats().token_grants_by_type;
    assert_eq!(
        (grants["authorization_code"], grants["refresh_token"]),
        (1, 2)
    );
}

/// With tokens that live 6 s, a bot answering a command every 100 ms for 18 s: the same shape
/// as a command a second for 3 minutes with 60 s tokens, since the refresh point is a share of
/// the lifetime. Refreshing at a tenth of the lifetime left makes 3 grants.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_lived_tokens_are_refreshed_once_each_not_before_every_request() {
    let sim = sim_with(SimOptions {
        auto_approve: Some(glimbot::sim::BOT.into()),
        token_ttl: Duration::from_secs(6),
        ..SimOptions::default()
    })
    .await;
    let channel_id = channel(sim.info());
    let ping = Command::new("ping", "Answers pong", |call| async move {
        call.reply("pong").await
    });
    let mut lines = bot_lines(&sim);
    let bot = common::start_bot(&sim, &[glimbot::sim::STREAMER], |bot| bot.command(ping)).await;

    let commands = 180;
    let mut every = tokio::time::interval(Duration::from_millis(100));
    for _ in 0..commands {
        every.tick().await;
        sim.post_chat(&channel_id, "viewer", "!ping").unwrap();
    }
    assert_eq!(lines.take(commands).await.len(), commands);
    bot.stop().await.unwrap();

    let grants = sim.stats().token_grants_by_type;
    assert_eq!(grants["authorization_code"], 1);
    let refreshes = grants.get("refresh_token").copied().unwrap_or(0);
    assert!((2..=4).contains(&refreshes), "{refreshes} refresh grants");
}
