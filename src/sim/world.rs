//! The emulator's world: who exists when it starts.
//!
//! The seed is fixed so that tests, benchmarks and dev mode can name its accounts: a streamer who
//! owns a channel, a viewer, and a bot account that moderates the streamer's channel, plus one
//! registered OAuth application owned by the bot account. A world file (TOML) adds more:
//!
//! ```toml
//! [[users]]
//! username = "alice"
//!
//! [[channels]]
//! streamer = "alice"
//! title = "Alice plays"
//! moderators = ["glimbot"]
//!
//! [[apps]]
//! name = "reader"
//! owner = "alice"
//! client_id = "0b0b1f8e-8f7e-4d0c-9a43-4f1a2b3c4d5e"
//! client_secret = "reader-secret"
//! redirect_uris = ["http://127.0.0.1/callback"]
//! grant_types = ["client_credentials"]
//! ```

use serde::{Deserialize, Serialize};

use crate::sim::error::SimError;

/// Username of the seeded streamer, owner of the seeded channel.
pub const STREAMER: &str = "streamer";
/// Username of the seeded viewer.
pub const VIEWER: &str = "viewer";
/// Username of the seeded bot account, a moderator of the streamer's channel.
pub const BOT: &str = "glimbot";
/// Client id of the seeded OAuth application.
pub const CLIENT_ID: &str = "8a6d1f26-0c4b-4a8e-9f3e-3f1c2b7d9e01";
/// Client secret of the seeded OAuth application (an emulator-only value).
pub const CLIENT_SECRET: &str = "glimesh-sim-client-secret";
/// Redirect URI registered for the seeded application; any port is accepted for loopback URIs.
pub const REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// Everything the emulator knows at start: users, channels and OAuth applications.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    /// User accounts, in id order (the first gets id 1).
    #[serde(default)]
    pub users: Vec<UserSeed>,
    /// Channels, in id order.
    #[serde(default)]
    pub channels: Vec<ChannelSeed>,
    /// Registered OAuth applications.
    #[serde(default)]
    pub apps: Vec<AppSeed>,
}

/// A user account of the world.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    /// The login name; Glimesh stores it lowercase.
    pub username: String,
}

/// A channel of the world.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSeed {
    /// Username of the owner; every user owns at most one channel.
    pub streamer: String,
    /// The channel's title.
    #[serde(default)]
    pub title: String,
    /// Usernames of the channel's moderators.
    #[serde(default)]
    pub moderators: Vec<String>,
    /// Whether the channel refuses chat messages with links.
    #[serde(default)]
    pub block_links: bool,
}

/// A registered OAuth application.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSeed {
    /// Display name.
    pub name: String,
    /// Username of the owner; client-credentials tokens act as this user.
    pub owner: String,
    /// The client id (a UUID, as Glimesh issues them).
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Grant types the application may use; all of them when absent.
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
}

impl World {
    /// The fixed seed: streamer, viewer and bot, the streamer's channel, one application.
    pub fn seed() -> Self {
        let user = |name: &str| UserSeed {
            username: name.to_owned(),
        };
        Self {
            users: vec![user(STREAMER), user(VIEWER), user(BOT)],
            channels: vec![ChannelSeed {
                streamer: STREAMER.to_owned(),
                title: "Live on the local Glimesh".to_owned(),
                moderators: vec![BOT.to_owned()],
                block_links: false,
            }],
            apps: vec![AppSeed {
                name: "glimbot".to_owned(),
                owner: BOT.to_owned(),
                client_id: CLIENT_ID.to_owned(),
                client_secret: CLIENT_SECRET.to_owned(),
                redirect_uris: vec![REDIRECT_URI.to_owned()],
                grant_types: None,
            }],
        }
    }

    /// The seed extended with the users, channels and apps of a world file's text.
    ///
    /// # Errors
    /// [`SimError::World`] when the text is not a valid world or names an unknown user.
    pub fn seed_with(text: &str) -> Result<Self, SimError> {
        let extra: World = toml::from_str(text).map_err(|e| SimError::World(e.to_string()))?;
        let mut world = Self::seed();
        world.users.extend(extra.users);
        world.channels.extend(extra.channels);
        world.apps.extend(extra.apps);
        world.check()?;
        Ok(world)
    }

    fn check(&self) -> Result<(), SimError> {
        let known = |name: &str| self.users.iter().any(|u| u.username == name);
        for (i, user) in self.users.iter().enumerate() {
            if self.users[..i].iter().any(|u| u.username == user.username) {
                return Err(SimError::World(format!(
                    "user {:?} is defined twice",
                    user.username
                )));
            }
        }
        let names = self
            .channels
            .iter()
            .flat_map(|c| std::iter::once(&c.streamer).chain(c.moderators.iter()));
        for name in names.chain(self.apps.iter().map(|a| &a.owner)) {
            if !known(name) {
                return Err(SimError::World(format!(
                    "no user named {name:?}; add it under [[users]]"
                )));
            }
        }
        Ok(())
    }
}

/// The description of a running emulator printed as the first line of `glimesh-sim`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WorldInfo {
    /// Base URL of the emulator, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    /// Client id of the seeded application.
    pub client_id: String,
    /// Client secret of the seeded application.
    pub client_secret: String,
    /// Redirect URI registered for the seeded application (any loopback port is accepted).
    pub redirect_uri: String,
    /// Every user, in id order.
    pub users: Vec<UserInfo>,
    /// Every channel, in id order.
    pub channels: Vec<ChannelInfo>,
}

/// A user in [`WorldInfo`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UserInfo {
    /// The user id, as a GraphQL `ID` string.
    pub id: String,
    /// The username.
    pub username: String,
}

/// A channel in [`WorldInfo`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChannelInfo {
    /// The channel id, as a GraphQL `ID` string.
    pub id: String,
    /// The owner's username.
    pub streamer: String,
}

impl WorldInfo {
    /// The id of the user with this username.
    pub fn user_id(&self, username: &str) -> Option<&str> {
        self.users
            .iter()
            .find(|u| u.username == username)
            .map(|u| u.id.as_str())
    }

    /// The id of the channel owned by this username.
    pub fn channel_id(&self, streamer: &str) -> Option<&str> {
        self.channels
            .iter()
            .find(|c| c.streamer == streamer)
            .map(|c| c.id.as_str())
    }
}
