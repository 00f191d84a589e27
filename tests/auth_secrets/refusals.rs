//! What the login logs of a token server that refuses with hostile text, and of a token it cannot save.

use super::*;

fn app(base_url: &str, client_id: &str) -> OAuthApp {
    OAuthApp {
        base_url: base_url.parse().unwrap(),
        client_id: client_id.to_owned(),
        client_secret: None,
        redirect_uri: "http://127.0.0.1:0/callback".parse().unwrap(),
        scopes: vec!["public".into()],
    }
}

fn login_options(browser: Browser) -> LoginOptions {
    LoginOptions {
        browser,
        timeout: Duration::from_millis(500),
        ..LoginOptions::default()
    }
}

/// A token server that refuses every grant with terminal controls in its words.
async fn hostile_token_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let body = json!({
        "error": "invalid_grant\u{1b}[2J\u{1b}]0;pwned\u{7}",
        "error_description": "gone\r\nERROR forged line",
    })
    .to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = tokio::time::timeout(common::WAIT, stream.read(&mut request)).await;
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_refusal_from_the_token_server_is_logged_escaped() {
    logs();
    let url = hostile_token_server().await;
    let store = MemoryStore::new();
    let expired = Token {
        access_token: Secret::new("old"),
        refresh_token: Some(Secret::new("old-refresh")),
        scope: "public chat".into(),
        expires_at: Utc::now() - TimeDelta::minutes(1),
    };
    store.save(&expired).await.unwrap();
    let ignoring = Browser::With(Arc::new(|_| {}));
    let credentials = Credentials::new(
        app(&url, "hostile"),
        Arc::new(store),
        login_options(ignoring),
    )
    .unwrap();

    let error = credentials.access_token().await.unwrap_err();

    assert!(matches!(error, Error::Login(_)), "{error}");
    let logs = logs();
    let refused = logs
        .lines()
        .find(|line| line.contains("the refresh was refused"))
        .unwrap();
    assert!(
        refused.contains("invalid_grant\\u{1b}[2J\\u{1b}]0;pwned\\u{7}"),
        "{refused}"
    );
    for raw in ['\u{1b}', '\u{7}', '\r'] {
        assert!(!logs.contains(raw), "{raw:?} reached the logs raw");
    }
    assert!(
        !logs.contains("\nERROR forged line"),
        "a forged line in the logs"
    );
}

#[tokio::test]
async fn a_token_that_cannot_be_saved_is_warned_about_once() {
    logs();
    let sim = approving_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    let path = blocker.join("token.json");
    let store = Arc::new(FileStore::new(&path));
    let options = login_options(following_browser());
    let credentials = Credentials::new(app(sim.url(), &sim.info().client_id), store, options);
    let api = Api::new(Arc::new(credentials.unwrap())).unwrap();

    whoami(&api).await.unwrap();
    for _ in 0..2 {
        sim.expire_tokens();
        whoami(&api).await.unwrap();
    }

    let shown = path.display().to_string();
    let warnings: Vec<String> = logs()
        .lines()
        .filter(|line| line.contains(&shown) && line.contains("WARN"))
        .map(str::to_owned)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("cannot save the token"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("writable"), "{}", warnings[0]);
    assert_eq!(sim.stats().token_grants_by_type["refresh_token"], 2);
}
