//! Text from outside (the server, a redirect, a file) made safe to print: control characters
//! and bidirectional overrides are shown as escapes, so a terminal never executes them.

use std::fmt;

/// Displays `text` with every control character escaped (`\u{1b}`, `\n`, …); everything else
/// is printed as it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if needs_escape(c) {
                write!(f, "{}", c.escape_debug())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// Control characters (C0, DEL, C1) and the bidirectional controls that reorder what a
/// terminal shows.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::Escaped;

    fn escaped(text: &str) -> String {
        Escaped(text).to_string()
    }

    #[test]
    fn terminal_controls_are_shown_not_executed() {
        assert_eq!(escaped("\u{1b}[2Jgone"), "\\u{1b}[2Jgone");
        assert_eq!(escaped("line\nforged: ok"), "line\\nforged: ok");
        assert_eq!(escaped("\r\u{7}\u{9b}"), "\\r\\u{7}\\u{9b}");
        assert_eq!(escaped("evil\u{202e}txt"), "evil\\u{202e}txt");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        for text in ["hello", "Grüße, 世界 👋", "quotes \" and ' and \\ stay"] {
            assert_eq!(escaped(text), text);
        }
    }
}
