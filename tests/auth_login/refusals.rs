//! Logins that fail or take another way: an unreachable refresh, a wrong state, PKCE, nobody approving, and client credentials.

use super::*;

#[tokio::test]
async fn a_refresh_that_cannot_reach_the_server_is_not_taken_for_a_refusal() {
    let sim = approving_sim().await;
    let store = Arc::new(glimbot::MemoryStore::new());
    let api = api(&sim, store.clone(), Person::default().browser());
    whoami(&api).await.unwrap();
    sim.expire_tokens();
    sim.shutdown().await;

    let error = whoami(&api).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(
        store.load().await.unwrap().is_some(),
        "the saved token is kept for later"
    );
}

#[tokio::test]
async fn a_redirect_with_the_wrong_state_is_refused_and_the_login_goes_on() {
    let sim = approving_sim().await;
    let refused = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&refused);
    let browser = Browser::With(Arc::new(move |url: url::Url| {
        let seen = Arc::clone(&seen);
        tokio::spawn(async move {
            let redirect = http().get(url.clone()).send().await.unwrap();
            let mut forged =
                url::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
            let code = forged
                .query_pairs()
                .find(|(k, _)| k == "code")
                .unwrap()
                .1
                .into_owned();
            forged
                .query_pairs_mut()
                .clear()
                .append_pair("code", &code)
                .append_pair("state", "forged");
            let answer = http().get(forged).send().await.unwrap();
            *seen.lock().unwrap() = Some(answer.status().as_u16());
            reqwest::get(url).await.unwrap();
        });
    }));
    let api = api(&sim, Arc::new(glimbot::MemoryStore::new()), browser);
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");
    assert_eq!(*refused.lock().unwrap(), Some(400));
}

#[tokio::test]
async fn logins_send_pkce_that_a_strict_instance_checks() {
    let sim = sim_with(SimOptions {
        pkce: true,
        auto_approve: Some("glimbot".into()),
        ..SimOptions::default()
    })
    .await;
    let api = api(
        &sim,
        Arc::new(glimbot::MemoryStore::new()),
        Person::default().browser(),
    );
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");
}

#[tokio::test]
async fn a_login_nobody_approves_ends_after_the_timeout() {
    let sim = sim().await;
    let options = LoginOptions {
        browser: Browser::Off,
        timeout: Duration::from_millis(300),
        ..LoginOptions::default()
    };
    let credentials =
        Credentials::new(app(&sim), Arc::new(glimbot::MemoryStore::new()), options).unwrap();
    match credentials.access_token().await {
        Err(Error::Login(message)) => assert!(message.contains("no login within"), "{message}"),
        other => panic!("expected a login timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn client_credentials_need_no_login_and_act_as_the_app_owner() {
    let sim = sim().await;
    let mut app = app(&sim);
    app.client_secret = Some(glimbot::Secret::new(sim.info().client_secret.clone()));
    let options = LoginOptions {
        flow: glimbot::Flow::ClientCredentials,
        browser: Browser::Off,
        ..LoginOptions::default()
    };
    let credentials =
        Credentials::new(app, Arc::new(glimbot::MemoryStore::new()), options).unwrap();
    let api = Api::new(Arc::new(credentials)).unwrap();
    assert_eq!(whoami(&api).await.unwrap(), "glimbot");
    assert_eq!(sim.stats().authorize_requests, 0);
    assert_eq!(sim.stats().token_grants_by_type["client_credentials"], 1);
}
