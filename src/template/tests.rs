#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use super::*;

/// Renders with each variable shown by its debug name, e.g. `<User>`.
fn shown(template: &str) -> String {
    Template::parse(template)
        .unwrap()
        .render(|variable| format!("<{variable:?}>"))
}

#[track_caller]
fn refusal(template: &str) -> String {
    Template::parse(template).unwrap_err().to_string()
}

#[test]
fn every_variable_is_known() {
    assert_eq!(
        shown("{user} {target} {args} {arg1} {arg12} {channel} {title} {count} {uptime}"),
        "<User> <Target> <Args> <Arg(1)> <Arg(12)> <Channel> <Title> <Count> <Uptime>"
    );
    assert_eq!(
        shown("rolled {random 1-100}!"),
        "rolled <Random { low: 1, high: 100 }>!"
    );
}

#[test]
fn names_ignore_case_and_spaces_inside_the_braces() {
    assert_eq!(
        shown("{ User }{RANDOM 5 - 6}"),
        "<User><Random { low: 5, high: 6 }>"
    );
}

#[test]
fn doubled_braces_are_literal_braces() {
    assert_eq!(shown("{{user}} is {user}"), "{user} is <User>");
    assert_eq!(Template::parse("}}{{").unwrap().text_len(), 2);
}

#[test]
fn an_unknown_variable_is_refused_with_the_nearest_name() {
    let message = refusal("Hi {usr}!");
    assert!(
        message.starts_with("unknown variable {usr}; did you mean {user}?"),
        "{message}"
    );
    let message = refusal("{followers}");
    assert!(
        message.starts_with("unknown variable {followers}; (variables: {user}"),
        "{message}"
    );
    assert!(refusal("{arg0}").contains("unknown variable {arg0}"));
    assert!(refusal("{}").contains("unknown variable {}"));
}

#[test]
fn a_random_range_must_run_from_low_to_high() {
    for wrong in ["{random}", "{random 5}", "{random 9-1}", "{random a-b}"] {
        assert!(refusal(wrong).contains("e.g. {random 1-100}"), "{wrong}");
    }
}

#[test]
fn a_lone_brace_is_refused_with_the_fix() {
    for wrong in ["a { b", "a } b", "{user", "{ {user} }"] {
        assert!(
            refusal(wrong).contains("a lone `"),
            "{wrong}: {}",
            refusal(wrong)
        );
    }
}

#[test]
fn the_text_length_leaves_out_the_variables() {
    let template = Template::parse("héllo {user}, 👋🏽").unwrap();
    assert_eq!(template.text_len(), "héllo , 👋🏽".graphemes(true).count());
    assert_eq!(template.as_str(), "héllo {user}, 👋🏽");
}

#[test]
fn rendered_values_are_never_parsed_again() {
    let template = Template::parse("Go see {target}").unwrap();
    assert_eq!(template.render(|_| "{user}".into()), "Go see {user}");
}

proptest! {
    #[test]
    fn parsing_never_panics_and_plain_text_renders_unchanged(text in "\\PC*") {
        if let Ok(template) = Template::parse(&text) {
            prop_assert_eq!(template.as_str(), text.as_str());
        }
        let plain: String = text.chars().filter(|c| !matches!(c, '{' | '}')).collect();
        prop_assert_eq!(Template::parse(&plain).unwrap().render(|_| String::new()), plain);
    }
}
