//! What the login and token tests share: an emulator that approves logins, and a call that
//! needs a token.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use glimbot::Api;
use glimbot::queries::{Myself, myself};
use glimbot::sim::{Sim, SimOptions};

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
