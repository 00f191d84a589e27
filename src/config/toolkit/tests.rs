#![allow(clippy::unwrap_used)]

mod timers;

use std::time::Duration;

use crate::config::{Config, TextCommandConfig, TimerConfig};
use crate::error::{Error, Result};
use crate::template::Template;

const MINIMAL: &str = "[glimesh]\nbase_url = \"http://127.0.0.1:4000\"\nclient_id = \"app\"\n\
                       [bot]\nchannels = [\"streamer\"]\n";

fn load(sections: &str) -> Result<Config> {
    Config::from_toml(&format!("{MINIMAL}{sections}"), |_| None)
}

/// Asserts that the file with `sections` is refused on `key` with a message holding `says`.
#[track_caller]
fn assert_refused(sections: &str, key: &str, says: &str) {
    match load(sections) {
        Err(Error::Config { key: k, message }) if k == key && message.contains(says) => {}
        other => panic!("expected `{key}` refused with {says:?}, got {other:?}"),
    }
}

#[test]
fn commands_and_timers_parse_with_their_defaults() {
    let config = load(
        r#"
        [[commands]]
        name = "Discord"
        reply = "Join us, {user}!"
        [[commands]]
        name = "so"
        reply = "Go see {target}"
        aliases = ["Shoutout"]
        cooldown = "30s"
        user_cooldown = "2m"
        mods_only = true
        usage = "!so NAME"
        [[timers]]
        message = "Follow!"
        every = "15m"
        [[timers]]
        messages = ["a", "b"]
        every = "1h 30m"
        min_lines = 0
        channels = ["Streamer"]
        "#,
    )
    .unwrap();
    let discord = TextCommandConfig::new("discord", "Join us, {user}!").unwrap();
    let so = TextCommandConfig {
        aliases: vec!["shoutout".into()],
        cooldown: Some(Duration::from_secs(30)),
        user_cooldown: Some(Duration::from_secs(120)),
        mods_only: true,
        usage: Some(Template::parse("!so NAME").unwrap()),
        ..TextCommandConfig::new("so", "Go see {target}").unwrap()
    };
    assert_eq!(config.commands, [discord, so]);
    let follow = TimerConfig::new(Duration::from_secs(900), "Follow!");
    let turns = TimerConfig {
        messages: vec!["a".into(), "b".into()],
        every: Duration::from_secs(5400),
        min_lines: 0,
        channels: vec!["streamer".into()],
    };
    assert_eq!(config.timers, [follow, turns]);
}

#[test]
fn an_unknown_key_gets_the_nearest_name() {
    let reply = "[[commands]]\nname = \"a\"\nrepyl = \"b\"\n";
    assert_refused(reply, "commands[0].repyl", "did you mean `reply`?");
    let every = "[[timers]]\nmessage = \"a\"\nevery = \"1m\"\n[[timers]]\nevry = \"1m\"\n";
    assert_refused(every, "timers[1].evry", "did you mean `every`?");
    assert_refused(
        "[[timer]]\nmessage = \"a\"\n",
        "timer",
        "did you mean `[timers]`?",
    );
}

#[test]
fn a_section_written_as_one_table_asks_for_a_list() {
    assert_refused(
        "[commands]\nname = \"a\"\n",
        "commands",
        "write each as [[commands]]",
    );
}

#[test]
fn a_reply_with_an_unknown_variable_is_refused_on_its_key() {
    let sections = "[[commands]]\nname = \"a\"\nreply = \"x\"\n\
                    [[commands]]\nname = \"b\"\nreply = \"x\"\n\
                    [[commands]]\nname = \"c\"\nreply = \"hi {usr}\"\n";
    assert_refused(
        sections,
        "commands[2].reply",
        "unknown variable {usr}; did you mean {user}?",
    );
    let usage = "[[commands]]\nname = \"a\"\nreply = \"x\"\nusage = \"{nope}\"\n";
    assert_refused(usage, "commands[0].usage", "unknown variable {nope}");
}

#[test]
fn a_command_needs_a_one_word_name_and_a_reply() {
    assert_refused(
        "[[commands]]\nreply = \"x\"\n",
        "commands[0].name",
        "missing",
    );
    assert_refused(
        "[[commands]]\nname = \"a\"\n",
        "commands[0].reply",
        "missing",
    );
    let prefixed = "[[commands]]\nname = \"!discord\"\nreply = \"x\"\n";
    assert_refused(prefixed, "commands[0].name", "without the prefix");
    let alias = "[[commands]]\nname = \"a\"\nreply = \"x\"\naliases = [\"b c\"]\n";
    assert_refused(alias, "commands[0].aliases", "not one word");
    let reply = format!(
        "[[commands]]\nname = \"a\"\nreply = \"{}\"\n",
        "x".repeat(256)
    );
    assert_refused(
        &reply,
        "commands[0].reply",
        "more than one chat message holds (255)",
    );
}

#[test]
fn values_of_the_wrong_kind_are_refused() {
    let mods = "[[commands]]\nname = \"a\"\nreply = \"x\"\nmods_only = \"yes\"\n";
    assert_refused(
        mods,
        "commands[0].mods_only",
        "expected true or false; found a string",
    );
    let aliases = "[[commands]]\nname = \"a\"\nreply = \"x\"\naliases = \"b\"\n";
    assert_refused(aliases, "commands[0].aliases", "expected a list of texts");
    let lines = "[[timers]]\nmessage = \"a\"\nevery = \"1m\"\nmin_lines = -1\n";
    assert_refused(
        lines,
        "timers[0].min_lines",
        "not a whole number of 0 or more",
    );
}

#[test]
fn two_commands_may_not_answer_to_one_name() {
    let names =
        "[[commands]]\nname = \"a\"\nreply = \"x\"\n[[commands]]\nname = \"A\"\nreply = \"y\"\n";
    assert_refused(
        names,
        "commands[1].name",
        "already the name of `commands[0].name`",
    );
    let alias = "[[commands]]\nname = \"a\"\nreply = \"x\"\naliases = [\"b\"]\n\
                 [[commands]]\nname = \"c\"\nreply = \"y\"\naliases = [\"b\"]\n";
    assert_refused(
        alias,
        "commands[1].aliases",
        "already the name of `commands[0].aliases`",
    );
}

#[test]
fn a_command_made_in_code_is_checked_like_one_of_the_file() {
    let refused = |name: &str, reply: &str| match TextCommandConfig::new(name, reply) {
        Err(Error::Config { key, message }) => format!("{key}: {message}"),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(refused("a b", "x").starts_with("commands.a b.name: "));
    assert!(refused("a", "{x}").starts_with("commands.a.reply: unknown variable {x}"));
}

#[test]
fn the_example_file_has_working_commands_and_timers() {
    let example = include_str!("../../../config.example.toml");
    let config = Config::from_toml(example, |_| None).unwrap();
    let names: Vec<&str> = config.commands.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["discord", "hug", "lurk"]);
    assert_eq!(config.timers.len(), 1);
    assert_eq!(config.timers[0].messages.len(), 2);
    assert_eq!(config.timers[0].every, Duration::from_secs(15 * 60));
}

#[test]
fn the_toolkit_sections_go_on_top_of_a_configuration_and_nothing_else_does() {
    let base = load("").unwrap();
    let toolkit = "[[commands]]\nname = \"hi\"\nreply = \"hello\"\n[filters.links]\n";
    let config = base.clone().with_toolkit_toml(toolkit).unwrap();
    assert_eq!(config.commands, load(toolkit).unwrap().commands);
    assert_eq!(config.filters, load(toolkit).unwrap().filters);
    assert_eq!(config.glimesh, base.glimesh);
    let refused = base.with_toolkit_toml("[bot]\nprefix = \"?\"\n");
    match refused {
        Err(Error::Config { key, message }) if key == "bot" && message.contains("[[commands]]") => {
        }
        other => panic!("expected [bot] refused, got {other:?}"),
    }
}
