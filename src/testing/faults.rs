//! What goes wrong, on purpose: the socket drops, the token expires or is revoked, the local
//! Glimesh restarts.

use crate::testing::Harness;

impl Harness {
    /// Closes the bot's socket abruptly; the bot reconnects and catches up on what it missed.
    pub fn drop_socket(&self) {
        self.sim.drop_sockets();
    }

    /// Makes the bot's token expire now; the bot refreshes it when it next needs it.
    pub fn expire_token(&self) {
        self.sim.expire_tokens();
    }

    /// Revokes the bot's token; the bot logs in again.
    pub fn revoke_token(&self) {
        self.sim.revoke_tokens();
    }

    /// Restarts the local Glimesh on the same address, keeping its state: every socket is cut.
    ///
    /// # Panics
    /// When the address cannot be bound again.
    pub async fn restart(&mut self) {
        if let Err(e) = self.sim.restart().await {
            self.fail(&format!("the local Glimesh to restart ({e})"));
        }
    }
}
