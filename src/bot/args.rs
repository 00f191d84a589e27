//! Recognising a command in a chat message and splitting its arguments.
//!
//! Only a message that starts with the prefix is a command: a message that merely mentions
//! `!roll` after some text, or after leading whitespace, is ordinary chat.

/// A command invocation found in a chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invocation {
    /// The command's name, lower-cased so `!Roll` and `!roll` are the same command.
    pub(crate) name: String,
    /// The arguments after the name, with quotes resolved.
    pub(crate) args: Vec<String>,
}

/// Parses `text` as a command when it starts with `prefix` (e.g. "!"): `!roll 2d6` → name
/// "roll", args ["2d6"].
///
/// Name: the word right after the prefix, lower-cased; no name (`!` alone, `! roll`) → None.
///
/// Args: split on whitespace; double quotes group words (`!addquote "hello world" x` →
/// ["hello world", "x"]); an unclosed quote runs to the end; `\"` inside quotes is a literal
/// quote; empty quotes "" give an empty argument.
///
/// A quote groups only when it starts an argument, so apostrophes and inch marks inside a word
/// (`5'11"`) stay literal, and a closing quote ends its argument even when text follows it
/// (`"a"b` → ["a", "b"]). Backslashes other than `\"` inside quotes are kept as typed. An empty
/// prefix makes every message that starts with a word a command.
pub(crate) fn parse_invocation(text: &str, prefix: &str) -> Option<Invocation> {
    let (name, rest) = split_name(text, prefix)?;
    Some(Invocation {
        name: name.to_lowercase(),
        args: split_args(rest),
    })
}

/// The text after the command name, as typed (trimmed) — for commands that take free text.
///
/// Returns None exactly when [`parse_invocation`] does, and `Some("")` for a command with no
/// arguments.
pub(crate) fn rest_after_name<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    split_name(text, prefix).map(|(_, rest)| rest.trim())
}

/// The name right after `prefix` and everything after it, untrimmed.
fn split_name<'a>(text: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let after = text.strip_prefix(prefix)?;
    let end = after.find(char::is_whitespace).unwrap_or(after.len());
    let (name, rest) = after.split_at(end);
    (!name.is_empty()).then_some((name, rest))
}

/// Splits arguments on whitespace, honouring double quotes as [`parse_invocation`] describes.
fn split_args(rest: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(first) = chars.next() else {
            return args;
        };
        let mut arg = String::new();
        if first == '"' {
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' if chars.next_if_eq(&'"').is_some() => arg.push('"'),
                    _ => arg.push(c),
                }
            }
        } else {
            arg.push(first);
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                arg.push(c);
            }
        }
        args.push(arg);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    /// Name and arguments with the usual `!` prefix.
    fn parse(text: &str) -> Option<(String, Vec<String>)> {
        parse_invocation(text, "!").map(|i| (i.name, i.args))
    }

    /// The arguments of a text known to be a `!` command.
    fn args(text: &str) -> Vec<String> {
        parse_invocation(text, "!").unwrap().args
    }

    #[test]
    fn the_name_follows_the_prefix_and_is_lower_cased() {
        let roll = parse_invocation("!Roll 2d6", "!").unwrap();
        assert_eq!(
            roll,
            Invocation {
                name: "roll".into(),
                args: vec!["2d6".into()]
            }
        );
        assert_eq!(parse("!ÉCOLE"), Some(("école".into(), vec![])));
    }

    #[test]
    fn a_message_without_a_name_or_prefix_is_not_a_command() {
        for text in [
            "!", "! roll", "!\troll", "roll 2d6", "", " !roll", "\n!roll", "?roll",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn prefixes_may_be_multi_byte_or_several_characters() {
        let hola = parse_invocation("¡hola amigo", "¡").unwrap();
        assert_eq!(
            (hola.name.as_str(), hola.args),
            ("hola", vec!["amigo".to_owned()])
        );
        assert_eq!(parse_invocation("!!ban bob", "!!").unwrap().name, "ban");
        assert_eq!(parse_invocation("!ban bob", "!!"), None);
        assert_eq!(parse_invocation("!!", "!!"), None);
    }

    #[test]
    fn arguments_split_on_any_whitespace() {
        assert_eq!(args("!roll  2d6\t+3 \n"), ["2d6", "+3"]);
        assert!(args("!roll   ").is_empty());
    }

    #[test]
    fn double_quotes_group_words() {
        assert_eq!(args(r#"!addquote "hello world" x"#), ["hello world", "x"]);
        assert_eq!(args(r#"!a "x  y"z"#), ["x  y", "z"]);
        assert_eq!(args(r#"!height 5'11" tall"#), [r#"5'11""#, "tall"]);
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        assert_eq!(args(r#"!say "hello there  "#), ["hello there  "]);
    }

    #[test]
    fn an_escaped_quote_inside_quotes_is_literal() {
        assert_eq!(
            args(r#"!say "she said \"hi\"" ok"#),
            [r#"she said "hi""#, "ok"]
        );
        assert_eq!(args(r#"!path "C:\dir" x"#), [r#"C:\dir"#, "x"]);
    }

    #[test]
    fn empty_quotes_give_an_empty_argument() {
        assert_eq!(args(r#"!set "" b"#), ["", "b"]);
    }

    #[test]
    fn the_rest_is_the_text_after_the_name_as_typed() {
        assert_eq!(
            rest_after_name("!say  Hello,  \"world\"  ", "!"),
            Some(r#"Hello,  "world""#)
        );
        assert_eq!(rest_after_name("!say", "!"), Some(""));
        assert_eq!(rest_after_name("¡di hola", "¡"), Some("hola"));
        assert_eq!(rest_after_name("! say", "!"), None);
        assert_eq!(rest_after_name(" !say hi", "!"), None);
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in any::<String>(), prefix in "\\PC{0,3}") {
            let parsed = parse_invocation(&text, &prefix);
            prop_assert_eq!(parsed.is_some(), rest_after_name(&text, &prefix).is_some());
        }

        #[test]
        fn unquoted_arguments_are_the_whitespace_split_words(
            prefix in "[!?¡]{1,2}",
            name in "[^\\s]{1,8}",
            rest in "[^\"\\\\]{0,60}",
        ) {
            let text = format!("{prefix}{name} {rest}");
            let parsed = parse_invocation(&text, &prefix).unwrap();
            prop_assert_eq!(parsed.name, name.to_lowercase());
            prop_assert_eq!(parsed.args, rest.split_whitespace().collect::<Vec<_>>());
        }
    }
}
