//! mybot: the example bot. `!ping`, `!roll 2d6`, `!uptime`, `!commands`, a thank-you for each
//! follow, and `!shoutout <user>` for moderators.
//!
//! Run it with `cargo run --bin mybot`: without a `config.toml` it joins a local Glimesh and
//! this terminal becomes the chat.

use std::process::ExitCode;
use std::time::Instant;

use glimbot::{Call, Command, Context, Follow, Handler, async_trait};
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

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let about = glimbot::about!("The example bot: dice, uptime, shout-outs, thanks for follows");
    glimbot::run(about, |bot| {
        bot.handler(MyBot)
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
    })
    .await
}
