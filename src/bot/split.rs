//! Splitting long chat text into messages Glimesh accepts.
//!
//! Glimesh counts a message's length in graphemes and refuses blank messages, so a reply is cut
//! on grapheme boundaries, preferably at whitespace, and no part is ever blank.

use unicode_segmentation::UnicodeSegmentation;

pub(crate) use crate::protocol::MAX_MESSAGE_GRAPHEMES;

/// Splits `text` into chat messages of at most `max` graphemes each (max >= 1), breaking at
/// whitespace where possible and never inside a grapheme (so never inside a UTF-8 character, an
/// emoji ZWJ sequence or a combining sequence).
///
/// - Blank text (empty or only whitespace) gives no parts: Glimesh would refuse it.
/// - Text of at most `max` graphemes comes back as one part, unchanged, surrounding whitespace
///   included.
/// - Longer text is first trimmed of leading and trailing whitespace. Each part then ends before
///   the last whitespace grapheme that keeps it within `max`; the whole whitespace run there is
///   dropped, so no part starts or ends with whitespace. A run of non-whitespace longer than
///   `max` is cut after exactly `max` graphemes.
///
/// A grapheme counts as whitespace when all of its characters are [`char::is_whitespace`], the
/// test [`str::trim`] uses; a space carrying a combining mark is not whitespace. A `max` of 0 is
/// treated as 1, since no message can be shorter.
pub(crate) fn split_message(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    // Byte offset and whitespace-ness of every grapheme; cuts are made only at these offsets.
    let graphemes: Vec<(usize, bool)> = text
        .grapheme_indices(true)
        .map(|(at, g)| (at, g.chars().all(char::is_whitespace)))
        .collect();
    let is_space = |i: usize| graphemes.get(i).is_some_and(|&(_, space)| space);
    let byte_at = |i: usize| graphemes.get(i).map_or(text.len(), |&(at, _)| at);

    let (Some(first), Some(last)) = (
        graphemes.iter().position(|&(_, space)| !space),
        graphemes.iter().rposition(|&(_, space)| !space),
    ) else {
        return Vec::new();
    };
    if graphemes.len() <= max {
        return vec![text.to_owned()];
    }

    let mut parts = Vec::new();
    let (mut start, end) = (first, last + 1);
    // Invariant: `start` is a non-whitespace grapheme, so every part is non-empty and not blank.
    while end - start > max {
        let limit = start + max; // the first grapheme that does not fit
        let (part_end, next) = match (start + 1..=limit).rev().find(|&i| is_space(i)) {
            Some(space) => {
                // `start` and `end - 1` are not whitespace, so the run stays strictly inside.
                let mut run_start = space;
                while is_space(run_start - 1) {
                    run_start -= 1;
                }
                let mut run_end = space;
                while is_space(run_end) {
                    run_end += 1;
                }
                (run_start, run_end)
            }
            None => (limit, limit),
        };
        parts.push(text[byte_at(start)..byte_at(part_end)].to_owned());
        start = next;
    }
    parts.push(text[byte_at(start)..byte_at(end)].to_owned());
    parts
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Length as Glimesh counts it.
    fn count(s: &str) -> usize {
        s.graphemes(true).count()
    }

    /// The text's content, whatever was done to its spacing.
    fn without_whitespace(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn text_that_fits_is_one_part_unchanged() {
        let text = "a".repeat(MAX_MESSAGE_GRAPHEMES);
        assert_eq!(split_message(&text, MAX_MESSAGE_GRAPHEMES), [text]);
        assert_eq!(split_message("  hi there \n", 255), ["  hi there \n"]);
    }

    #[test]
    fn blank_text_gives_no_parts() {
        for blank in ["", " ", "\t\r\n", "\u{a0}\u{3000}"] {
            assert!(split_message(blank, 255).is_empty(), "{blank:?}");
        }
    }

    #[test]
    fn long_ascii_text_breaks_between_words() {
        let words: Vec<String> = (0..100).map(|i| format!("w{i:03}x")).collect();
        let text = words.join(" ") + "!";
        assert_eq!(text.len(), 600);
        let parts = split_message(&text, MAX_MESSAGE_GRAPHEMES);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.len() <= 255 && !p.ends_with(' ')));
        assert_eq!(parts.join(" "), text);
    }

    #[test]
    fn multi_byte_text_is_measured_in_graphemes_not_bytes() {
        let text = vec!["日本語é"; 120].join(" ") + "!";
        assert_eq!(count(&text), 600);
        let parts = split_message(&text, MAX_MESSAGE_GRAPHEMES);
        let lengths: Vec<usize> = parts.iter().map(|p| count(p)).collect();
        assert_eq!(lengths, [254, 254, 90]);
        assert!(
            parts[0].len() > 255,
            "the first part is longer than 255 bytes"
        );
        assert_eq!(parts.join(" "), text);
    }

    #[test]
    fn a_word_longer_than_the_limit_is_cut_between_graphemes() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let parts = split_message(&family.repeat(300), MAX_MESSAGE_GRAPHEMES);
        assert_eq!(parts, [family.repeat(255), family.repeat(45)]);
        let accented = split_message(&"e\u{301}".repeat(10), 4);
        assert_eq!(
            accented.iter().map(|p| count(p)).collect::<Vec<_>>(),
            [4, 4, 2]
        );
        assert!(accented.iter().all(|p| p.starts_with('e')));
    }

    #[test]
    fn whitespace_runs_at_split_points_and_around_the_text_are_dropped() {
        assert_eq!(split_message("  aaa \t\n bbb  ", 5), ["aaa", "bbb"]);
        assert_eq!(split_message("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(split_message("aaaaa bb", 5), ["aaaaa", "bb"]);
        assert_eq!(split_message("aaaaaaa bb", 5), ["aaaaa", "aa bb"]);
        assert_eq!(split_message("ab", 0), ["a", "b"]);
    }

    /// Text mixing the kinds of graphemes chat sees, with whitespace of several kinds.
    fn chat_text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "a",
            "word",
            "é",
            "日本",
            "👨\u{200d}👩\u{200d}👧",
            "e\u{301}",
            "🇺🇸",
            " ",
            " ",
            "  ",
            "\t",
            "\r\n",
            "\u{a0}",
            " \u{301}",
        ]);
        prop::collection::vec(piece, 0..120).prop_map(|pieces| pieces.concat())
    }

    /// Words of whole graphemes, each at most `max` long, joined by single spaces.
    fn spaced_words() -> impl Strategy<Value = (String, usize)> {
        let grapheme =
            prop::sample::select(vec!["a", "é", "日", "👨\u{200d}👩\u{200d}👧", "e\u{301}"]);
        (4usize..40).prop_flat_map(move |max| {
            let word = prop::collection::vec(grapheme.clone(), 1..=max).prop_map(|g| g.concat());
            (
                prop::collection::vec(word, 1..30).prop_map(|w| w.join(" ")),
                Just(max),
            )
        })
    }

    /// Asserts the properties every split must have, whatever the input.
    fn check_parts(text: &str, max: usize, parts: &[String]) {
        let mut offset = 0;
        for part in parts {
            assert!(
                (1..=max).contains(&count(part)),
                "{part:?} has a bad length"
            );
            assert!(!part.trim().is_empty(), "{part:?} is blank");
            let found = text[offset..]
                .find(part.as_str())
                .expect("each part is from the input");
            offset += found + part.len();
        }
        assert_eq!(
            without_whitespace(&parts.concat()),
            without_whitespace(text)
        );
    }

    proptest! {
        #[test]
        fn parts_fit_are_not_blank_and_keep_all_text(text in chat_text(), max in 1usize..40) {
            check_parts(&text, max, &split_message(&text, max));
        }

        #[test]
        fn arbitrary_unicode_is_split_safely(text in any::<String>(), max in 1usize..60) {
            check_parts(&text, max, &split_message(&text, max));
        }

        #[test]
        fn single_spaced_words_that_fit_rejoin_exactly((text, max) in spaced_words()) {
            prop_assert_eq!(split_message(&text, max).join(" "), text);
        }
    }
}
