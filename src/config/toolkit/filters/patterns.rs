//! Banned words and patterns, compiled once into one pattern with a size limit, so that a
//! pattern too large to check quickly is refused in the file rather than slowing every message.

use regex::{Regex, RegexBuilder};

use crate::config::config_error;
use crate::error::Result;

/// The most memory one compiled pattern may take; a pattern larger than this is refused.
const SIZE_LIMIT: usize = 1 << 20;
/// The most memory the lazy DFA of the pattern may take while matching.
const DFA_SIZE_LIMIT: usize = 2 << 20;

/// A compiled pattern; two are equal when their sources are.
#[derive(Debug, Clone)]
pub(crate) struct Pattern(Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Pattern {
    /// Whether the pattern occurs anywhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }

    /// The words (whole words, any case) and the patterns (any case unless they say `(?-i)`)
    /// as one pattern. Each is checked on its own first, so that an error names its key
    /// (`{key}.words[0]`, `{key}.regexes[1]`).
    pub(crate) fn banned(key: &str, words: &[String], regexes: &[String]) -> Result<Pattern> {
        let mut alternatives = Vec::with_capacity(words.len() + regexes.len());
        for (index, word) in words.iter().enumerate() {
            let key = format!("{key}.words[{index}]");
            check_word(&key, word)?;
            alternatives.push(word_pattern(word));
        }
        for (index, regex) in regexes.iter().enumerate() {
            let key = format!("{key}.regexes[{index}]");
            let alternative = format!("(?i:{regex})");
            let compiled = compile(&key, &alternative)?;
            if compiled.is_match("") {
                let message = "matches every message (it matches empty text); make it need \
                               at least one character, e.g. `a+` rather than `a*`";
                return Err(config_error(key, message));
            }
            alternatives.push(alternative);
        }
        if alternatives.is_empty() {
            let message = "has no words and no regexes; give some, e.g. words = [\"badword\"], \
                           or leave the table out";
            return Err(config_error(key, message));
        }
        compile(key, &alternatives.join("|")).map(Pattern)
    }
}

/// A word is checked here, before it becomes part of a pattern, so its error names it.
fn check_word(key: &str, word: &str) -> Result<()> {
    if word.trim().is_empty() {
        return Err(config_error(key, "is empty; write a word or leave it out"));
    }
    Ok(())
}

/// `word` as a whole word in any case: bounded where it begins or ends with a letter or digit,
/// so that `ass` does not catch `class`, while `$$$` still matches between other symbols.
fn word_pattern(word: &str) -> String {
    let word = word.trim();
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let start = if is_word(word.chars().next()) {
        r"\b"
    } else {
        ""
    };
    let end = if is_word(word.chars().next_back()) {
        r"\b"
    } else {
        ""
    };
    format!("(?i:{start}{}{end})", regex::escape(word))
}

fn compile(key: &str, pattern: &str) -> Result<Regex> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => config_error(
                key,
                format!(
                    "compiles larger than {} KiB, too large to check every message quickly; \
                     make it smaller (fewer or smaller repetitions such as {{1000}}, or \
                     fewer words)",
                    limit / 1024
                ),
            ),
            other => {
                // The parser's text draws a caret under the pattern; its last line says what.
                let text = other.to_string();
                let what = text.lines().last().unwrap_or_default().trim();
                let what = what.strip_prefix("error: ").unwrap_or(what);
                config_error(key, format!("is not a valid regex: {what}"))
            }
        })
}
