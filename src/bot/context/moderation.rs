//! What a handler can do to keep its channel civil: delete messages, time users out, ban them.

use graphql_client::GraphQLQuery;

use crate::api::queries::{
    BanUser, DeleteChatMessage, LongTimeoutUser, ShortTimeoutUser, UnbanUser, ban_user,
    delete_chat_message, long_timeout_user, short_timeout_user, unban_user,
};
use crate::bot::Context;
use crate::error::Result;
use crate::model::{ChatMessage, User};

impl Context {
    /// Deletes a message.
    ///
    /// # Errors
    /// [`crate::Error::GraphQl`] (`unauthorized`) when the bot does not moderate the channel.
    pub async fn delete(&self, message: &ChatMessage) -> Result<()> {
        self.moderate::<DeleteChatMessage>(delete_chat_message::Variables {
            channel_id: self.channel_id(),
            message_id: message.id.clone(),
        })
        .await
    }

    /// Times a user out for 5 minutes and hides their messages.
    ///
    /// # Errors
    /// As [`Context::delete`].
    pub async fn short_timeout(&self, user: &User) -> Result<()> {
        self.moderate::<ShortTimeoutUser>(short_timeout_user::Variables {
            channel_id: self.channel_id(),
            user_id: user.id.clone(),
        })
        .await
    }

    /// Times a user out for 15 minutes and hides their messages.
    ///
    /// # Errors
    /// As [`Context::delete`].
    pub async fn long_timeout(&self, user: &User) -> Result<()> {
        self.moderate::<LongTimeoutUser>(long_timeout_user::Variables {
            channel_id: self.channel_id(),
            user_id: user.id.clone(),
        })
        .await
    }

    /// Bans a user from the channel and hides their messages.
    ///
    /// # Errors
    /// As [`Context::delete`].
    pub async fn ban(&self, user: &User) -> Result<()> {
        self.moderate::<BanUser>(ban_user::Variables {
            channel_id: self.channel_id(),
            user_id: user.id.clone(),
        })
        .await
    }

    /// Lifts a user's ban.
    ///
    /// # Errors
    /// As [`Context::delete`]; Glimesh also fails when the user is not banned.
    pub async fn unban(&self, user: &User) -> Result<()> {
        self.moderate::<UnbanUser>(unban_user::Variables {
            channel_id: self.channel_id(),
            user_id: user.id.clone(),
        })
        .await
    }

    /// Runs a moderation mutation; what it answers is of no use to the handler.
    async fn moderate<Q: GraphQLQuery>(&self, variables: Q::Variables) -> Result<()> {
        self.api().run::<Q>(variables).await.map(drop)
    }

    fn channel_id(&self) -> String {
        self.channel().id.clone()
    }
}
