//! The `[filters]` section: what each table turns on, and each mistake named by its dotted key.

use std::time::Duration;

use super::*;
use crate::config::{Check, Rule, Share, Step};

/// Asserts that the minimal file with `section` added is refused on `key`, saying `says`.
#[track_caller]
fn refused(section: &str, key: &str, says: &str) {
    assert_refused(&format!("{MINIMAL}{section}"), &[], key, says);
}

fn filters(text: &str) -> Result<FiltersConfig> {
    Config::from_toml(&format!("{MINIMAL}{text}"), |_| None).map(|c| c.filters)
}

#[test]
fn without_the_section_every_filter_is_off() {
    let config = filters("").unwrap();
    assert_eq!(config, FiltersConfig::default());
    assert!(config.rules.is_empty());
    assert!(config.exempt_moderators);
    assert_eq!(config.ladder, Step::ALL);
}

#[test]
fn each_table_turns_its_filter_on_with_its_settings() {
    let config = filters(
        r#"
        [filters]
        exempt_moderators = false
        ladder = ["delete", "ban"]
        window = "15m"
        [filters.links]
        allow = ["glimesh.tv"]
        window = "1h"
        [filters.caps]
        min_length = 8
        max_percent = 80
        warning = "no shouting"
        [filters.symbols]
        [filters.emotes]
        max = 4
        ladder = ["warn"]
        [filters.repeats]
        max = 3
        within = "30s"
        [filters.banned]
        words = ["heck"]
        regexes = ["fr[e3]{2}\\s*v-?bucks"]
        "#,
    )
    .unwrap();
    assert!(!config.exempt_moderators);
    assert_eq!(config.ladder, [Step::Delete, Step::Ban]);
    assert_eq!(config.window, Duration::from_secs(900));
    let rules: Vec<Rule> = config.rules.iter().map(|r| r.check.rule()).collect();
    assert_eq!(rules, Rule::ALL, "every filter, in the order they look");
    let links = &config.rules[1];
    assert_eq!(
        links.check,
        Check::Links {
            allow: vec!["glimesh.tv".into()]
        }
    );
    assert_eq!(links.window, Some(Duration::from_secs(3600)));
    let caps = &config.rules[4];
    let share = Share {
        min_length: 8,
        max_percent: 80,
    };
    assert_eq!(caps.check, Check::Caps(share));
    assert_eq!(caps.warning.as_deref(), Some("no shouting"));
    assert_eq!(config.rules[3].ladder, Some(vec![Step::Warn]));
    let within = Duration::from_secs(30);
    assert_eq!(config.rules[2].check, Check::Repeats { max: 3, within });
    let Check::Banned { matcher, .. } = &config.rules[0].check else {
        panic!("banned first");
    };
    assert!(matcher.is_match("HECK yes"));
    assert!(matcher.is_match("get FREE vbucks here"));
    assert!(!matcher.is_match("checking the heckler"));
}

#[test]
fn a_table_may_be_kept_and_turned_off() {
    let config = filters("[filters.caps]\nenabled = false\n").unwrap();
    assert!(config.rules.is_empty());
}

#[test]
fn unknown_keys_and_tables_get_the_nearest_name() {
    refused(
        "[filters]\nwindw = \"1m\"",
        "filters.windw",
        "did you mean `window`?",
    );
    refused("[filters.link]\n", "filters.link", "did you mean `links`?");
    refused(
        "[filters.links]\nallowed = []",
        "filters.links.allowed",
        "did you mean `allow`?",
    );
    refused(
        "[filters.caps]\nmax = 3",
        "filters.caps.max",
        "valid keys in [filters.caps]",
    );
}

#[test]
fn a_misspelt_ladder_step_is_named_with_its_index() {
    let text = "[filters]\nladder = [\"warn\", \"short_timout\"]";
    refused(text, "filters.ladder[1]", "did you mean \"short_timeout\"?");
    let text = "[filters.links]\nladder = []";
    refused(text, "filters.links.ladder", "give at least one step");
    let text = "[filters.emotes]\nladder = \"ban\"";
    refused(text, "filters.emotes.ladder", "expected a list of texts");
}

#[test]
fn durations_are_written_with_their_unit() {
    refused(
        "[filters]\nwindow = 600",
        "filters.window",
        "a duration such as \"90s\"",
    );
    refused(
        "[filters]\nwindow = \"10 mins ago\"",
        "filters.window",
        "write a duration",
    );
    refused(
        "[filters]\nwindow = \"0s\"",
        "filters.window",
        "longer than 0",
    );
    let text = "[filters.repeats]\nwithin = \"soon\"";
    refused(text, "filters.repeats.within", "\"10m\"");
}

#[test]
fn numbers_out_of_range_say_the_range() {
    let text = "[filters.caps]\nmax_percent = 150";
    refused(text, "filters.caps.max_percent", "from 1 to 99");
    let text = "[filters.emotes]\nmax = \"five\"";
    refused(text, "filters.emotes.max", "a whole number of emotes");
    refused(
        "[filters]\nexempt_moderators = 1",
        "filters.exempt_moderators",
        "true or false",
    );
}

#[test]
fn the_allow_list_takes_bare_domains() {
    let text = "[filters.links]\nallow = [\"glimesh.tv\", \"https://youtube.com/\"]";
    refused(text, "filters.links.allow[1]", "write the domain alone");
    let text = "[filters.links]\nallow = [\"glimesh.tv\", 3]";
    refused(text, "filters.links.allow[1]", "expected text in quotes");
}

#[test]
fn a_bad_regex_is_refused_with_its_index_and_why() {
    let text = "[filters.banned]\nregexes = [\"ok\", \"(unclosed\"]";
    refused(text, "filters.banned.regexes[1]", "unclosed group");
    let text = "[filters.banned]\nregexes = [\"a*\"]";
    refused(text, "filters.banned.regexes[0]", "matches every message");
    let text = "[filters.banned]\nwords = [\"fine\", \" \"]";
    refused(text, "filters.banned.words[1]", "is empty");
    refused(
        "[filters.banned]\n",
        "filters.banned",
        "has no words and no regexes",
    );
}

#[test]
fn a_pathological_regex_is_a_config_error_not_a_stall() {
    let started = std::time::Instant::now();
    let text = r#"
        [filters.banned]
        regexes = ["\\w{1000}{1000}"]
    "#;
    refused(
        text,
        "filters.banned.regexes[0]",
        "too large to check every message quickly",
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused at once"
    );
}

#[test]
fn the_example_file_turns_on_every_filter() {
    let text = include_str!("../../../config.example.toml");
    let config = Config::from_toml(text, |_| None).unwrap().filters;
    let rules: Vec<Rule> = config.rules.iter().map(|r| r.check.rule()).collect();
    assert_eq!(rules, Rule::ALL);
    let Check::Banned { matcher, .. } = &config.rules[0].check else {
        panic!("banned first");
    };
    assert!(matcher.is_match("Free VBucks in my bio"));
    assert!(matcher.is_match("follow 4 follow?"));
}
