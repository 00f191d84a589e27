//! An OAuth token as glimbot keeps it, and when to replace it.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The most lifetime a token may have left when it is replaced.
const LONGEST_MARGIN: TimeDelta = TimeDelta::minutes(5);

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

/// The token in use, and the moment it is to be replaced.
#[derive(Debug)]
pub(crate) struct Held {
    pub(crate) token: Token,
    pub(crate) replace_at: DateTime<Utc>,
}

impl Held {
    /// A token just granted: replaced when a tenth of its lifetime is left, so that short-lived
    /// tokens are not refreshed before every request.
    pub(crate) fn granted(token: Token) -> Self {
        let lifetime = token.expires_at - Utc::now();
        let margin = (lifetime / 10).min(LONGEST_MARGIN);
        Self::with_margin(token, margin)
    }

    /// A token read back from a store, whose lifetime is unknown: the longest margin applies.
    pub(crate) fn loaded(token: Token) -> Self {
        Self::with_margin(token, LONGEST_MARGIN)
    }

    fn with_margin(token: Token, margin: TimeDelta) -> Self {
        Self {
            replace_at: token.expires_at - margin.max(TimeDelta::zero()),
            token,
        }
    }

    /// Whether the token is still to be used as it is.
    pub(crate) fn is_current(&self) -> bool {
        Utc::now() < self.replace_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lasting(lifetime: TimeDelta) -> Token {
        Token {
            access_token: Secret::new("a"),
            refresh_token: None,
            scope: String::new(),
            expires_at: Utc::now() + lifetime,
        }
    }

    fn margin(held: &Held) -> TimeDelta {
        held.token.expires_at - held.replace_at
    }

    #[test]
    fn a_granted_token_is_replaced_with_a_tenth_of_its_life_left_at_most_five_minutes() {
        let minute = Held::granted(lasting(TimeDelta::seconds(60)));
        assert!(
            (5..=6).contains(&margin(&minute).num_seconds()),
            "{minute:?}"
        );
        assert!(minute.is_current());
        let day = Held::granted(lasting(TimeDelta::days(1)));
        assert_eq!(margin(&day), LONGEST_MARGIN);
        let dead = Held::granted(lasting(TimeDelta::seconds(-5)));
        assert_eq!(margin(&dead), TimeDelta::zero());
        assert!(!dead.is_current());
    }

    #[test]
    fn a_loaded_token_of_unknown_lifetime_keeps_the_longest_margin() {
        let loaded = Held::loaded(lasting(TimeDelta::seconds(60)));
        assert_eq!(margin(&loaded), LONGEST_MARGIN);
        assert!(!loaded.is_current());
    }
}
