//! The replies of text commands: text with variables such as `{user}` and `{random 1-100}`.
//!
//! A template is parsed once, when it is configured or added from chat, so an unknown variable
//! is refused then and not when a viewer runs the command. Rendering substitutes values into the
//! parsed parts and never parses again: a viewer who types `{user}` as an argument sees it come
//! back as text.

use unicode_segmentation::UnicodeSegmentation;

/// The variables, as the refusal of an unknown one lists them.
const VARIABLES: &str = "{user}, {target}, {args}, {arg1}, {arg2}…, {channel}, {title}, {count}, {random 1-100}, {uptime}";
/// The names a misspelt variable is compared with.
const NAMES: [&str; 9] = [
    "user", "target", "args", "arg1", "channel", "title", "count", "random", "uptime",
];

/// A reply with variables, checked when it was parsed.
///
/// ```
/// use glimbot::Template;
///
/// assert!(Template::parse("Welcome, {user}! {{braces}} are doubled").is_ok());
/// let refused = Template::parse("Hi {usr}").unwrap_err();
/// assert!(refused.to_string().contains("did you mean {user}?"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    text: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Variable(Variable),
}

/// What a variable stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variable {
    /// The name of whoever ran the command.
    User,
    /// The first argument, without a leading `@`.
    Target,
    /// Every argument, as typed.
    Args,
    /// The argument at this place, counting from 1.
    Arg(usize),
    /// The streamer's name.
    Channel,
    /// The channel's title.
    Title,
    /// How often the command has run in the channel.
    Count,
    /// A whole number drawn from `low..=high`.
    Random { low: u64, high: u64 },
    /// How long the stream has been live.
    Uptime,
}

/// Why a template was refused: a variable it does not know, or one written wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{problem}")]
pub struct TemplateError {
    problem: String,
}

impl Template {
    /// Parses `text`: `{name}` is a variable, `{{` and `}}` are literal braces.
    ///
    /// # Errors
    /// [`TemplateError`] naming the first unknown or malformed variable, with the fix.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(at) = rest.find(['{', '}']) {
            literal.push_str(&rest[..at]);
            let (brace, after) = rest[at..].split_at(1);
            if let Some(after) = after.strip_prefix(brace) {
                literal.push_str(brace);
                rest = after;
                continue;
            }
            let closed = after.find('}').filter(|_| brace == "{");
            let Some(end) = closed.filter(|&end| !after[..end].contains('{')) else {
                return Err(TemplateError {
                    problem: format!(
                        "a lone `{brace}`; write {brace}{brace} for the brace itself, \
                         or a variable such as {{user}}"
                    ),
                });
            };
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(Part::Variable(variable(&after[..end])?));
            rest = &after[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template {
            text: text.to_owned(),
            parts,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The length of the text around the variables, in graphemes, as Glimesh counts a message.
    pub(crate) fn text_len(&self) -> usize {
        let texts = self.parts.iter().filter_map(|part| match part {
            Part::Text(text) => Some(text.graphemes(true).count()),
            Part::Variable(_) => None,
        });
        texts.sum()
    }

    /// The variables it holds, in order.
    pub(crate) fn variables(&self) -> impl Iterator<Item = Variable> + '_ {
        self.parts.iter().filter_map(|part| match part {
            Part::Variable(variable) => Some(*variable),
            Part::Text(_) => None,
        })
    }

    /// The text with each variable replaced by `value(variable)`; values are never parsed.
    pub(crate) fn render(&self, mut value: impl FnMut(Variable) -> String) -> String {
        let mut rendered = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => rendered.push_str(text),
                Part::Variable(variable) => rendered.push_str(&value(*variable)),
            }
        }
        rendered
    }
}

impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The variable between the braces of `{inside}`.
fn variable(inside: &str) -> Result<Variable, TemplateError> {
    let name = inside.trim();
    let known = match name.to_lowercase().as_str() {
        "user" => Some(Variable::User),
        "target" => Some(Variable::Target),
        "args" => Some(Variable::Args),
        "channel" => Some(Variable::Channel),
        "title" => Some(Variable::Title),
        "count" => Some(Variable::Count),
        "uptime" => Some(Variable::Uptime),
        lower => match lower.strip_prefix("random") {
            Some(range) => return random(inside, range),
            None => lower
                .strip_prefix("arg")
                .and_then(|n| n.parse().ok())
                .filter(|&n| n >= 1)
                .map(Variable::Arg),
        },
    };
    known.ok_or_else(|| {
        let nearest = NAMES
            .iter()
            .map(|known| (strsim::normalized_damerau_levenshtein(name, known), known))
            .filter(|(score, _)| *score >= 0.5)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let hint = match nearest {
            Some((_, known)) => format!("did you mean {{{known}}}? "),
            None => String::new(),
        };
        TemplateError {
            problem: format!("unknown variable {{{inside}}}; {hint}(variables: {VARIABLES})"),
        }
    })
}

/// `{random 1-100}`: the range after the word `random`.
fn random(inside: &str, range: &str) -> Result<Variable, TemplateError> {
    let bounds = range.trim().split_once('-').and_then(|(low, high)| {
        let (low, high) = (low.trim().parse().ok()?, high.trim().parse().ok()?);
        (low <= high).then_some(Variable::Random { low, high })
    });
    bounds.ok_or_else(|| TemplateError {
        problem: format!(
            "{{{inside}}} needs a range of whole numbers, low to high, e.g. {{random 1-100}}"
        ),
    })
}

#[cfg(test)]
mod tests;
