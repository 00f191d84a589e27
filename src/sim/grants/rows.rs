//! The rows of the OAuth tables: applications and the grant types they may use, authorization
//! codes, and issued tokens with their lifetimes.

use url::Url;

use crate::protocol::is_loopback;

/// How long an authorization code lives, in seconds.
pub(crate) const CODE_TTL_SECS: i64 = 60;
/// How long a refresh token lives, in seconds (30 days).
const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;

/// The grant types the token endpoint knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    Password,
}

impl GrantType {
    pub(crate) const ALL: [GrantType; 4] = [
        GrantType::ClientCredentials,
        GrantType::Password,
        GrantType::AuthorizationCode,
        GrantType::RefreshToken,
    ];

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::ClientCredentials => "client_credentials",
            GrantType::Password => "password",
        }
    }
}

/// A registered OAuth application.
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) owner_id: u64,
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) grant_types: Vec<GrantType>,
}

impl App {
    /// Whether a redirect URI is registered. Loopback URIs match on any port (RFC 8252 §7.3),
    /// so a native app can listen wherever the system lets it.
    pub(crate) fn allows_redirect(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|registered| {
            registered == uri || same_loopback_target(registered, uri).unwrap_or(false)
        })
    }
}

fn same_loopback_target(registered: &str, uri: &str) -> Option<bool> {
    let (a, b) = (Url::parse(registered).ok()?, Url::parse(uri).ok()?);
    Some(
        is_loopback(&a)
            && a.scheme() == b.scheme()
            && a.host_str() == b.host_str()
            && a.path() == b.path()
            && a.query() == b.query(),
    )
}

/// A pending authorization code.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub(crate) client_id: String,
    pub(crate) user_id: u64,
    pub(crate) redirect_uri: String,
    pub(crate) scope: String,
    pub(crate) code_challenge: Option<(String, String)>,
    pub(crate) expires_at: i64,
}

/// One issued access token and the refresh token that came with it.
#[derive(Debug, Clone)]
pub(crate) struct TokenRow {
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    pub(crate) client_id: String,
    pub(crate) user_id: u64,
    pub(crate) scope: String,
    pub(crate) inserted_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) revoked: bool,
}

impl TokenRow {
    pub(crate) fn is_active(&self, now: i64) -> bool {
        !self.revoked && now < self.expires_at
    }

    pub(super) fn refresh_is_valid(&self, now: i64) -> bool {
        !self.revoked && now < self.inserted_at + REFRESH_TTL_SECS
    }
}
