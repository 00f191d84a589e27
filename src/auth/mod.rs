//! Login and tokens: the first-run OAuth login, the saved token, refresh, and login again when
//! a refresh is refused.
//!
//! [`Credentials`] owns the policy. It holds one async lock across load → refresh → save, so
//! when many requests find the token expired at once, one refresh happens and all of them use
//! its result. A token is replaced once, when a tenth of its lifetime (at most 5 minutes) is
//! left, so short-lived tokens are not refreshed before every request. The saved token is
//! replaced only by a newer one in hand, and a store that refuses a save costs the next run a
//! login, never this one. [`TokenStore`]s only load and save.

mod callback;
mod login;
pub(crate) mod oauth;
mod store;
mod token;
mod token_file;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;

use crate::backoff::{Backoff, retry};
use crate::config::Flow;
use crate::error::{Error, Result};
use crate::escape::Escaped;
use crate::metrics::Metrics;
use crate::secret::Secret;
pub use login::Browser;
pub use oauth::OAuthApp;
use oauth::OAuthClient;
pub use store::{FileStore, MemoryStore, TokenStore};
use token::Held;
pub use token::Token;

/// How many times a refresh that failed for a transient cause is tried in all.
const REFRESH_ATTEMPTS: u32 = 4;

/// How logins happen.
#[derive(Debug, Clone)]
pub struct LoginOptions {
    /// The grant to use.
    pub flow: Flow,
    /// How the authorize URL is opened.
    pub browser: Browser,
    /// How long to wait for the person to approve the login.
    pub timeout: Duration,
}

impl Default for LoginOptions {
    fn default() -> Self {
        Self {
            flow: Flow::default(),
            browser: Browser::default(),
            timeout: Duration::from_secs(5 * 60),
        }
    }
}

/// A bot's credentials: the saved token, refreshed or replaced whenever it must be.
#[derive(Debug)]
pub struct Credentials {
    client: OAuthClient,
    store: Arc<dyn TokenStore>,
    options: LoginOptions,
    current: Mutex<Option<Held>>,
    /// Whether the newest token is only in memory because the store refused it.
    unsaved: AtomicBool,
    metrics: Metrics,
}

impl Credentials {
    /// Credentials for an application, saved in `store`.
    ///
    /// # Errors
    /// [`Error::Http`] when the HTTP client cannot be built.
    pub fn new(app: OAuthApp, store: Arc<dyn TokenStore>, options: LoginOptions) -> Result<Self> {
        Ok(Self {
            client: OAuthClient::new(crate::http::client()?, app),
            store,
            options,
            current: Mutex::new(None),
            unsaved: AtomicBool::new(false),
            metrics: Metrics::disabled(),
        })
    }

    /// Counts refreshes and logins in `metrics`.
    pub(crate) fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// The application these credentials belong to.
    pub fn app(&self) -> &OAuthApp {
        self.client.app()
    }

    /// A usable access token: the saved one, refreshed first when little of its lifetime is
    /// left, or a new one from a login when there is none.
    ///
    /// # Errors
    /// Whatever stopped it: the store, a refused or failed refresh and login, a timeout.
    pub async fn access_token(&self) -> Result<Secret> {
        let mut current = self.current.lock().await;
        if current.is_none() {
            *current = self.store.load().await?.map(Held::loaded);
        }
        if let Some(held) = current.as_ref().filter(|held| held.is_current()) {
            return Ok(held.token.access_token.clone());
        }
        let fresh = self.renew(current.as_ref()).await?;
        Ok(self.keep(&mut current, fresh).await)
    }

    /// The server refused `token` (HTTP 401, or 403 when opening the socket): returns its
    /// replacement, refreshing or logging in again as needed. When another caller already
    /// replaced it, that replacement is returned without another refresh.
    ///
    /// # Errors
    /// As [`Credentials::access_token`].
    pub async fn rejected(&self, token: &Secret) -> Result<Secret> {
        let mut current = self.current.lock().await;
        if let Some(newer) = current
            .as_ref()
            .filter(|held| &held.token.access_token != token)
        {
            return Ok(newer.token.access_token.clone());
        }
        let fresh = self.renew(current.as_ref()).await?;
        Ok(self.keep(&mut current, fresh).await)
    }

    /// Forgets the saved token; the next use logs in again.
    ///
    /// # Errors
    /// When the store cannot forget it.
    pub async fn logout(&self) -> Result<()> {
        let mut current = self.current.lock().await;
        *current = None;
        self.store.clear().await
    }

    /// Makes `fresh` the token in use and saves it. A store that refuses it costs only the next
    /// run a login: the bot goes on with the token in memory and saves again at the next refresh.
    async fn keep(&self, current: &mut Option<Held>, fresh: Token) -> Secret {
        match self.store.save(&fresh).await {
            Ok(()) if self.unsaved.swap(false, Ordering::Relaxed) => {
                tracing::info!("the token is saved again");
            }
            Ok(()) => {}
            Err(error) if !self.unsaved.swap(true, Ordering::Relaxed) => tracing::warn!(
                %error,
                "cannot save the token, so the next run will have to log in again; the bot goes \
                 on with the token in memory and tries to save it at the next refresh. Make that \
                 folder writable, or set auth.token_path to a writable place"
            ),
            Err(error) => tracing::debug!(%error, "the token is still not saved"),
        }
        let access_token = fresh.access_token.clone();
        *current = Some(Held::granted(fresh));
        access_token
    }

    /// A new token to replace `old`: refreshed when it can be, from a login when the refresh
    /// is refused or there is nothing to refresh. The saved token stays until a new one is in
    /// hand, so a login that fails leaves the next run what there was.
    async fn renew(&self, old: Option<&Held>) -> Result<Token> {
        if self.options.flow == Flow::ClientCredentials {
            let token = self.retrying(|| self.client.client_credentials()).await?;
            self.metrics.logged_in();
            return Ok(token);
        }
        let Some(refresh_token) = old.and_then(|held| held.token.refresh_token.clone()) else {
            return self.login().await;
        };
        match self.retrying(|| self.client.refresh(&refresh_token)).await {
            Ok(mut fresh) => {
                // Keep the newest refresh token, and the old one if the server sent none.
                fresh.refresh_token.get_or_insert(refresh_token);
                tracing::info!("access token refreshed");
                self.metrics.token_refreshed();
                Ok(fresh)
            }
            Err(Error::OAuth { error, .. }) => {
                tracing::warn!(error = %Escaped(&error), "the refresh was refused; logging in again");
                self.login().await
            }
            Err(e) => Err(e),
        }
    }

    async fn login(&self) -> Result<Token> {
        let token = login::login(&self.client, &self.options.browser, self.options.timeout).await?;
        self.metrics.logged_in();
        Ok(token)
    }

    /// Runs a token request, trying again with backoff while it fails for a transient cause.
    async fn retrying<F, Fut>(&self, request: F) -> Result<Token>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Token>>,
    {
        let backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(4));
        retry(REFRESH_ATTEMPTS, backoff, "a token request", request).await
    }
}
