//! mybot: the example bot. `!ping`, `!roll 2d6`, `!uptime`, `!commands`, a thank-you for each
//! follow, `!shoutout <user>` for moderators, the chat filters of the file's `[filters]`, its
//! text commands and timers, and `!command add NAME TEXT` for moderators to add more from chat.
//!
//! Run it with `cargo run --bin mybot`: without a `config.toml` it joins a local Glimesh and
//! this terminal becomes the chat.

use std::process::ExitCode;
use std::time::Instant;

use glimbot::{
    BotBuilder, Call, Command, Context, Filters, Follow, Handler, TextCommands, Timers, async_trait,
};
use rand::Rng;

struct MyBot;

#[async_trait]
impl Handler for MyBot {
    async fn on_follow(&self, ctx: &Context, follow: &Follow) -> glimbot::Result<()> {
        ctx.send(format!(
            "Thanks for the follow, {}! Welcome in.",
            follow.follower.username
        ))
        .await
    }
}

/// `!roll`, `!roll d20`, `!roll 3d6`: at most 20 dice of 2 to 1000 sides.
async fn roll(call: Call) -> glimbot::Result<()> {
    let spec = call.args.first().map_or("1d6", String::as_str);
    let parsed = spec.split_once('d').and_then(|(count, sides)| {
        let count = if count.is_empty() {
            1
        } else {
            count.parse().ok()?
        };
        Some((count, sides.parse().ok()?))
            .filter(|&(c, s): &(u32, u32)| (1..=20).contains(&c) && (2..=1000).contains(&s))
    });
    let Some((count, sides)) = parsed else {
        return call.reply("roll dice like this: !roll 2d6").await;
    };
    let rolls: Vec<u32> = (0..count)
        .map(|_| rand::rng().random_range(1..=sides))
        .collect();
    let total: u32 = rolls.iter().sum();
    let shown: Vec<String> = rolls.iter().map(u32::to_string).collect();
    call.reply(format!("{spec}: {} = {total}", shown.join(" + ")))
        .await
}

/// The bot: its handler and commands, and the filters, text commands and timers of the
/// configuration. `started` is when it started, for `!uptime`.
fn mybot(bot: BotBuilder, started: Instant) -> BotBuilder {
    // Without those sections of the file, each of these does nothing. Filters come first: a
    // message they take down reaches no command.
    let filters = Filters::from_config(&bot.config().filters);
    let text_commands = TextCommands::from_config(&bot.config().commands);
    let timers = Timers::from_config(&bot.config().timers);
    bot.handler(MyBot)
        .module(filters)
        .module(text_commands)
        .module(timers)
        .command(Command::new("ping", "Answers pong", |call| async move {
            call.reply("pong").await
        }))
        .command(Command::new("roll", "Rolls dice, e.g. !roll 2d6", roll))
        .command(Command::new(
            "uptime",
            "How long the bot has been up",
            move |call| async move {
                let minutes = started.elapsed().as_secs() / 60;
                call.reply(format!("up for {} h {} min", minutes / 60, minutes % 60))
                    .await
            },
        ))
        .command(
            Command::new(
                "shoutout",
                "Sends chat to another streamer",
                |call| async move {
                    // `!shoutout ""` names nobody: answer with the usage.
                    match call.args.first().filter(|user| !user.trim().is_empty()) {
                        Some(user) => {
                            call.ctx
                                .send(format!("Go check out {user}, they're great!"))
                                .await
                        }
                        None => call.reply("who? !shoutout <user>").await,
                    }
                },
            )
            .alias("so")
            .moderators_only(),
        )
}

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let about = glimbot::about!("The example bot: dice, uptime, shout-outs, thanks for follows");
    glimbot::run(about, |bot| mybot(bot, started)).await
}

/// The bot's behaviour, in a local Glimesh (`cargo test --bin mybot`).
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use glimbot::testing::{Harness, STREAMER, VIEWER};

    use super::*;

    async fn start() -> Harness {
        Harness::start(|bot| mybot(bot, Instant::now())).await
    }

    #[tokio::test]
    async fn ping_answers_pong() {
        let mut chat = start().await;
        chat.say(VIEWER, "!ping").await;
        chat.expect_message("@viewer pong").await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn roll_rolls_the_dice_asked_for_and_explains_itself_otherwise() {
        let mut chat = start().await;
        chat.say(VIEWER, "!roll 3d6").await;
        let line =
            chat.expect_message_matching("three dice", |text| text.starts_with("@viewer 3d6: "));
        let text = line.await.message;
        let (dice, total) = text["@viewer 3d6: ".len()..]
            .split_once(" = ")
            .expect("dice = total");
        let dice: Vec<u32> = dice
            .split(" + ")
            .map(|d| d.parse().expect("a die"))
            .collect();
        assert_eq!(dice.len(), 3, "{text}");
        assert!(dice.iter().all(|d| (1..=6).contains(d)), "{text}");
        assert_eq!(total.parse::<u32>().ok(), Some(dice.iter().sum()), "{text}");
        chat.say(VIEWER, "!roll d2").await;
        chat.expect_message_matching("one coin", |text| {
            ["@viewer d2: 1 = 1", "@viewer d2: 2 = 2"].contains(&text)
        })
        .await;
        for wrong in ["!roll 21d6", "!roll 2d1", "!roll dice"] {
            chat.say(VIEWER, wrong).await;
            chat.expect_message("@viewer roll dice like this: !roll 2d6")
                .await;
        }
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn uptime_counts_from_the_start() {
        let up = Duration::from_secs(3600 + 2 * 60 + 59);
        let started = Instant::now().checked_sub(up).expect("an hour since boot");
        let mut chat = Harness::start(|bot| mybot(bot, started)).await;
        chat.say(VIEWER, "!uptime").await;
        chat.expect_message("@viewer up for 1 h 2 min").await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn a_follow_is_thanked() {
        let mut chat = start().await;
        chat.follow("fan").await;
        chat.expect_message("Thanks for the follow, fan! Welcome in.")
            .await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn shoutouts_are_for_moderators_and_need_a_name() {
        let mut chat = start().await;
        chat.say(VIEWER, "!shoutout glimfan").await;
        chat.expect_no_message().await;
        chat.say(STREAMER, "!shoutout glimfan").await;
        chat.expect_message("Go check out glimfan, they're great!")
            .await;
        let moderator = chat.moderator("mia");
        chat.say(moderator, "!so someone").await;
        chat.expect_message("Go check out someone, they're great!")
            .await;
        chat.say(moderator, "!shoutout \"\"").await;
        chat.expect_message("@mia who? !shoutout <user>").await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn moderators_add_text_commands_from_chat() {
        let mut chat = start().await;
        chat.say(STREAMER, "!command add lurk {user} is lurking")
            .await;
        chat.expect_message("@streamer added !lurk").await;
        chat.say(VIEWER, "!lurk").await;
        chat.expect_message("viewer is lurking").await;
        chat.say(STREAMER, "!command add roll no dice").await;
        chat.expect_message("@streamer !roll is a built-in command")
            .await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    /// A streamer's file: one text command, one timer and the links filter.
    const TOOLKIT: &str = r#"
        [[commands]]
        name = "discord"
        reply = "Join us on Discord, {user}: https://discord.gg/example"

        [[timers]]
        message = "Follow so you know when we're live!"
        every = "15m"
        min_lines = 2

        [filters]
        ladder = ["delete"]

        [filters.links]
        allow = ["glimesh.tv", "discord.gg"]
        warning = "no links please"
    "#;

    #[tokio::test]
    async fn the_files_text_commands_timers_and_filters_work() {
        let mut chat = Harness::start_with_config(TOOLKIT, |bot| mybot(bot, Instant::now())).await;
        chat.say(VIEWER, "!discord").await;
        chat.expect_message("Join us on Discord, viewer: https://discord.gg/example")
            .await;

        let link = chat.say("spammer", "cheap followers at evil.com").await;
        chat.expect_deleted(&link).await;
        chat.expect_message("@spammer no links please (message deleted)")
            .await;
        chat.say(VIEWER, "clip: https://glimesh.tv/streamer").await;
        chat.say(VIEWER, "what a play").await;
        chat.expect_no_message().await;

        chat.advance(Duration::from_secs(15 * 60));
        chat.expect_message("Follow so you know when we're live!")
            .await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn the_command_list_shows_each_person_what_they_may_use() {
        let mut chat = start().await;
        chat.say(VIEWER, "!commands").await;
        chat.expect_message("@viewer Commands: !commands, !ping, !roll, !uptime")
            .await;
        chat.say(STREAMER, "!help").await;
        chat.expect_message(
            "@streamer Commands: !command, !commands, !ping, !roll, !shoutout, !uptime",
        )
        .await;
        chat.stop().await.expect("the bot stops cleanly");
    }
}
