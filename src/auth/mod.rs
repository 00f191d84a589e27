//! Login and tokens: the first-run OAuth login, the saved token, refresh, and login again when
//! a refresh is refused.
//!
//! [`Credentials`] owns the policy. It holds one async lock across load → refresh → save, so
//! when many requests find the token expired at once, one refresh happens and all of them use
//! its result. [`TokenStore`]s only load and save.

mod login;
pub(crate) mod oauth;
mod store;
mod token;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use tokio::sync::Mutex;

use crate::backoff::{Backoff, retry};
use crate::error::{Error, Result};
use crate::secret::Secret;
pub use login::Browser;
pub use oauth::OAuthApp;
use oauth::OAuthClient;
pub use store::{FileStore, MemoryStore, TokenStore};
pub use token::Token;

/// How much lifetime a token must have left to be used; below it, it is refreshed first.
const REFRESH_MARGIN: TimeDelta = TimeDelta::minutes(5);
/// How many times a refresh that failed for a transient cause is tried in all.
const REFRESH_ATTEMPTS: u32 = 4;

/// How a bot gets its token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Flow {
    /// A person logs in once in a browser (the bot acts as that account and can chat).
    #[default]
    AuthorizationCode,
    /// The application's own credentials: no login, read-only.
    ClientCredentials,
}

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
    current: Mutex<Option<Token>>,
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
        })
    }

    /// The application these credentials belong to.
    pub fn app(&self) -> &OAuthApp {
        self.client.app()
    }

    /// A usable access token: the saved one, refreshed first when it is about to expire, or a
    /// new one from a login when there is none.
    ///
    /// # Errors
    /// Whatever stopped it: the store, a refused or failed refresh and login, a timeout.
    pub async fn access_token(&self) -> Result<Secret> {
        let mut current = self.current.lock().await;
        if current.is_none() {
            *current = self.store.load().await?;
        }
        if let Some(token) = current.as_ref()
            && token.expires_at - Utc::now() > REFRESH_MARGIN
        {
            return Ok(token.access_token.clone());
        }
        let fresh = self.renew(current.take()).await?;
        Ok(self.keep(&mut current, fresh).await?.access_token.clone())
    }

    /// The server refused `token` (HTTP 401, or 403 when opening the socket): returns its
    /// replacement, refreshing or logging in again as needed. When another caller already
    /// replaced it, that replacement is returned without another refresh.
    ///
    /// # Errors
    /// As [`Credentials::access_token`].
    pub async fn rejected(&self, token: &Secret) -> Result<Secret> {
        let mut current = self.current.lock().await;
        if let Some(newer) = current.as_ref().filter(|t| &t.access_token != token) {
            return Ok(newer.access_token.clone());
        }
        let fresh = self.renew(current.take()).await?;
        Ok(self.keep(&mut current, fresh).await?.access_token.clone())
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

    async fn keep<'a>(&self, current: &'a mut Option<Token>, fresh: Token) -> Result<&'a Token> {
        self.store.save(&fresh).await?;
        Ok(current.insert(fresh))
    }

    /// A new token to replace `old`: refreshed when it can be, from a login when the refresh
    /// is refused or there is nothing to refresh.
    async fn renew(&self, old: Option<Token>) -> Result<Token> {
        if self.options.flow == Flow::ClientCredentials {
            return self.retrying(|| self.client.client_credentials()).await;
        }
        let Some(refresh_token) = old.and_then(|t| t.refresh_token) else {
            return self.login().await;
        };
        match self.retrying(|| self.client.refresh(&refresh_token)).await {
            Ok(mut fresh) => {
                // Keep the newest refresh token, and the old one if the server sent none.
                fresh.refresh_token.get_or_insert(refresh_token);
                tracing::info!("access token refreshed");
                Ok(fresh)
            }
            Err(Error::OAuth { error, .. }) => {
                tracing::warn!(%error, "the refresh was refused; logging in again");
                self.store.clear().await?;
                self.login().await
            }
            Err(e) => Err(e),
        }
    }

    async fn login(&self) -> Result<Token> {
        login::login(&self.client, &self.options.browser, self.options.timeout).await
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
