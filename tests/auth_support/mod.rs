//! What the login and token tests share: an emulator that approves logins, a call that needs
//! a token, and a token to store.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use chrono::{TimeDelta, Utc};
use glimbot::queries::{Myself, myself};
use glimbot::sim::{Sim, SimOptions};
use glimbot::{Api, Secret, Token};

/// Who the API says the token belongs to.
pub async fn whoami(api: &Api) -> glimbot::Result<String> {
    Ok(api
        .run::<Myself>(myself::Variables)
        .await?
        .myself
        .unwrap()
        .username)
}

/// An emulator that approves every login as `glimbot`.
pub async fn approving_sim() -> Sim {
    Sim::start(SimOptions {
        auto_approve: Some("glimbot".into()),
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

/// A token that stays valid for a day.
pub fn lasting_token() -> Token {
    Token {
        access_token: Secret::new("access"),
        refresh_token: Some(Secret::new("refresh")),
        scope: "public chat".into(),
        expires_at: Utc::now() + TimeDelta::days(1),
    }
}
