//! An OAuth token as glimbot keeps it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// An access token, the refresh token that came with it, and when it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// The bearer token.
    pub access_token: Secret,
    /// The token that buys a new pair; absent for grants that issue none.
    pub refresh_token: Option<Secret>,
    /// The granted scopes, space-separated.
    pub scope: String,
    /// When the access token stops working.
    pub expires_at: DateTime<Utc>,
}
