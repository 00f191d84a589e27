//! The chat filters in a local Glimesh: each filter, each step of a ladder with the Glimesh
//! mutation it causes, the window, the exemptions, `!permit`, and the check at start that the
//! bot may moderate.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use glimbot::sim::{BOT, SimOptions, World};
use glimbot::testing::{Harness, STREAMER, VIEWER};
use glimbot::{BotBuilder, Command, Filters, Rule, Step};

const MINUTE: Duration = Duration::from_secs(60);
const SHOUT: &str = "THIS IS SO VERY LOUD";

/// Capitals on, with the default ladder, and `!ping` to show what a filtered message misses.
fn shouting(bot: BotBuilder) -> BotBuilder {
    bot.module(Filters::new().caps(10, 70))
        .command(Command::new("ping", "Answers pong", |call| async move {
            call.reply("pong").await
        }))
}

#[tokio::test]
async fn the_ladder_warns_then_deletes_then_times_out_within_the_window() {
    let mut chat = Harness::start(shouting).await;
    chat.say("loud", "!PING PING PING PLEASE").await;
    chat.expect_message("@loud please don't shout (warning)")
        .await;
    let second = chat.say("loud", SHOUT).await;
    chat.expect_deleted(&second).await;
    chat.expect_message("@loud please don't shout (message deleted)")
        .await;
    chat.say("loud", SHOUT).await;
    chat.expect_short_timeout("loud").await;
    chat.expect_message("@loud please don't shout (timed out for 5 minutes)")
        .await;
    chat.say(VIEWER, "!ping").await;
    chat.expect_message("@viewer pong").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn long_timeouts_and_bans_are_steps_too() {
    let filters = Filters::new()
        .symbols(10, 50)
        .escalation(Rule::Symbols, [Step::LongTimeout], MINUTE)
        .banned(["heck"], Vec::<String>::new())
        .unwrap()
        .escalation(Rule::Banned, [Step::Ban], MINUTE)
        .warning(Rule::Banned, "that word is not welcome here");
    let mut chat = Harness::start(|bot| bot.module(filters)).await;
    chat.say("noisy", "#$%&*!?#$%&*!? hi").await;
    chat.expect_long_timeout("noisy").await;
    chat.expect_message("@noisy please use fewer symbols (timed out for 15 minutes)")
        .await;
    chat.say("troll", "what the HECK").await;
    chat.expect_ban("troll").await;
    chat.expect_message("@troll that word is not welcome here (banned)")
        .await;
    let log = chat.sim().moderation_log(chat.channel_id());
    let done: Vec<(&str, &str)> = log
        .iter()
        .map(|m| (m.user.as_str(), m.action.as_str()))
        .collect();
    assert_eq!(done, [("noisy", "long_timeout"), ("troll", "ban")]);
    assert!(log.iter().all(|m| m.moderator == BOT));
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn offences_are_forgotten_once_the_window_has_passed() {
    let mut chat = Harness::start(shouting).await;
    chat.say(VIEWER, SHOUT).await;
    chat.expect_message("@viewer please don't shout (warning)")
        .await;
    chat.advance(MINUTE * 5);
    let second = chat.say(VIEWER, SHOUT).await;
    chat.expect_deleted(&second).await;
    chat.expect_message("@viewer please don't shout (message deleted)")
        .await;
    chat.advance(MINUTE * 10);
    let third = chat.say(VIEWER, SHOUT).await;
    chat.expect_message("@viewer please don't shout (warning)")
        .await;
    assert!(
        !chat.sim().is_hidden(&third),
        "a warning leaves the message"
    );
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn every_filter_trips_on_what_it_looks_for_and_not_on_ordinary_chat() {
    let filters = Filters::new()
        .links(["glimesh.tv"])
        .caps(10, 70)
        .symbols(10, 50)
        .emotes(3)
        .repeats(2, MINUTE)
        .banned(["heck"], [r"fr[e3]{2}\s*v-?bucks"])
        .unwrap()
        .ladder([Step::Warn], MINUTE);
    let mut chat = Harness::start(|bot| bot.module(filters)).await;
    for ordinary in [
        "hello chat, how is everyone?",
        "clip it: https://clips.glimesh.tv/great-moment",
        "LOL ok",
        "checking the heckler :glimwave: :glimheart:",
        "e.g. 3.14 is pi",
    ] {
        chat.say(VIEWER, ordinary).await;
    }
    chat.expect_no_message().await;
    let tripping = [
        (
            "a",
            "look at evil.com now",
            "no links please; a moderator can !permit you",
        ),
        ("b", "HOW ARE YOU ALL TODAY", "please don't shout"),
        ("c", "!!!???***### wow", "please use fewer symbols"),
        ("d", ":a: :b: :c: :d:", "please use fewer emotes"),
        ("e", "what the heck", "please watch your language"),
        ("f", "get FREE V-Bucks here", "please watch your language"),
    ];
    for (user, text, warning) in tripping {
        chat.say(user, text).await;
        chat.expect_message(&format!("@{user} {warning} (warning)"))
            .await;
    }
    for _ in 0..2 {
        chat.say("g", "first!").await;
    }
    chat.expect_no_message().await;
    chat.say("g", "FIRST!").await;
    chat.expect_message("@g please don't repeat yourself (warning)")
        .await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn the_streamer_and_moderators_are_exempt_unless_moderators_are_not() {
    let mut chat = Harness::start(shouting).await;
    let moderator = chat.moderator("mia");
    chat.say(STREAMER, SHOUT).await;
    chat.say(moderator, SHOUT).await;
    chat.expect_no_message().await;
    chat.stop().await.unwrap();

    let strict = Filters::new().caps(10, 70).exempt_moderators(false);
    let mut chat = Harness::start(|bot| bot.module(strict)).await;
    let moderator = chat.moderator("mia");
    chat.say(STREAMER, SHOUT).await;
    chat.expect_no_message().await;
    chat.say(moderator, SHOUT).await;
    chat.expect_message("@mia please don't shout (warning)")
        .await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_permit_lets_one_link_through_within_a_minute_and_is_for_moderators() {
    let filters = Filters::new()
        .links(["glimesh.tv"])
        .ladder([Step::Warn], MINUTE);
    let mut chat = Harness::start(|bot| bot.module(filters)).await;
    let link = "my art: https://art.example.com/piece";
    chat.say(VIEWER, "!permit bob").await;
    chat.expect_no_message().await;
    chat.say("bob", link).await;
    chat.expect_message("@bob no links please; a moderator can !permit you (warning)")
        .await;

    let moderator = chat.moderator("mia");
    chat.say(moderator, "!permit @Bob").await;
    chat.expect_message("Bob may post one link in the next 60 seconds")
        .await;
    chat.say("bob", link).await;
    chat.expect_no_message().await;
    chat.say("bob", link).await;
    chat.expect_message("@bob no links please; a moderator can !permit you (warning)")
        .await;

    chat.say(moderator, "!permit bob").await;
    chat.expect_message("bob may post one link in the next 60 seconds")
        .await;
    chat.advance(Duration::from_secs(61));
    chat.say("bob", link).await;
    chat.expect_message("@bob no links please; a moderator can !permit you (warning)")
        .await;
    chat.say(moderator, "!permit").await;
    chat.expect_message("@mia who? !permit <user>").await;
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_bot_that_may_moderate_says_nothing_at_start() {
    let mut chat = Harness::start(shouting).await;
    chat.expect_no_message().await;
    let log = chat.sim().moderation_log(chat.channel_id());
    assert!(log.is_empty(), "the check changed nothing: {log:?}");
    chat.stop().await.unwrap();
}

#[tokio::test]
async fn a_bot_that_may_not_moderate_says_so_and_only_warns() {
    let mut world = World::seed();
    world.channels[0].moderators.clear();
    let sim = common::sim_with(SimOptions {
        auto_approve: Some(BOT.into()),
        world,
        ..SimOptions::default()
    })
    .await;
    let channel_id = common::channel(sim.info());
    let mut lines = common::bot_lines(&sim);
    let filters = Filters::new().caps(10, 70).ladder([Step::Delete], MINUTE);
    let bot = common::start_bot(&sim, &[STREAMER], |bot| bot.module(filters)).await;
    let said = lines.take(1).await;
    assert_eq!(
        said,
        [
            "I am not a moderator here, so my chat filters will only warn. streamer: make \
          glimbot a moderator and restart me to let them delete messages and time people out."
        ]
    );
    let shout = sim.post_chat(&channel_id, VIEWER, SHOUT).unwrap();
    assert_eq!(
        lines.take(1).await,
        ["@viewer please don't shout (warning)"]
    );
    assert!(!sim.is_hidden(&shout.id));
    bot.stop().await.unwrap();
}
