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

/// Displays `text` as HTML text: markup characters become entities, control characters are
/// escaped as in [`Escaped`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Html<'a>(pub(crate) &'a str);

impl fmt::Display for Html<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c if needs_escape(c) => write!(f, "{}", c.escape_debug())?,
                c => fmt::Write::write_char(f, c)?,
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
    use super::{Escaped, Html};

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
    fn html_text_carries_no_markup_and_no_controls() {
        assert_eq!(
            Html("<script>alert('x')</script> & \"q\"\u{1b}[2J").to_string(),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\\u{1b}[2J"
        );
        assert_eq!(Html("Grüße").to_string(), "Grüße");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        for text in ["hello", "Grüße, 世界 👋", "quotes \" and ' and \\ stay"] {
            assert_eq!(escaped(text), text);
        }
    }
}
