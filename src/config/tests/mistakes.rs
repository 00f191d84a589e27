//! A mistyped key, section, variable, type or syntax: each named, with the nearest valid one.

use super::*;

#[test]
fn an_unknown_key_suggests_the_nearest_valid_one() {
    let says = "unknown key; did you mean `prefix`? (valid keys in [bot]: channels, prefix)";
    assert_refused(&with("bot", r#"prefx = "?""#), &[], "bot.prefx", says);
    let says = "unknown key; valid keys in [auth]: flow, token_path";
    assert_refused(&with("auth", "colour = 3"), &[], "auth.colour", says);
}

#[test]
fn a_misspelt_variable_is_refused_with_the_nearest_valid_name() {
    let names = ["PATH", "GLIMBOT_BOT_CHANELS", "GLIMBOT_BOT_PREFIX"].map(String::from);
    let Err(Error::Config { key, message }) = check_variable_names(names) else {
        panic!("a misspelt variable was accepted");
    };
    assert_eq!(key, "GLIMBOT_BOT_CHANELS");
    assert!(
        message.contains("did you mean `GLIMBOT_BOT_CHANNELS`?"),
        "{message}"
    );
    let valid = ["HOME", "GLIMBOT_SENDING_BURST"].map(String::from);
    assert!(check_variable_names(valid).is_ok());
}

#[test]
fn an_unknown_section_suggests_the_nearest_valid_one() {
    let text = MINIMAL.replace("[glimesh]", "[glimsh]");
    let says = "unknown section; did you mean `[glimesh]`? (valid sections: glimesh, bot, ";
    assert_refused(&text, &[], "glimsh", says);
}

#[test]
fn a_value_of_the_wrong_type_says_what_was_expected() {
    let text = MINIMAL.replace(r#"["streamer"]"#, r#""streamer""#);
    let says = "expected a list of streamer usernames, e.g. channels = [\"streamer\"]; \
                found a string";
    assert_refused(&text, &[], "bot.channels", says);
    let says = "e.g. burst = 3; found a decimal number";
    assert_refused(&with("sending", "burst = 2.5"), &[], "sending.burst", says);
}

#[test]
fn a_missing_required_key_says_how_to_set_it() {
    let text = MINIMAL.replace(r#"client_id = "app""#, "");
    let says = "missing; set it to your application's client id (or GLIMBOT_GLIMESH_CLIENT_ID)";
    assert_refused(&text, &[], "glimesh.client_id", says);
}

#[test]
fn a_syntax_error_names_the_line_column_and_nearest_key() {
    let text = with("sending", "burst = 3x");
    let says = "invalid TOML at line 8, column 9: string values must be quoted";
    assert_refused(&text, &[], "sending.burst", says);
}
