//! Glimesh's query complexity limit, which its router sets for GraphQL over HTTP only.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ServerError, ValidationResult};

use crate::protocol::{MAX_COMPLEXITY, too_complex};

/// Marks a request that came over HTTP, with its operation's name, so the limit applies.
#[derive(Debug, Clone)]
pub(crate) struct OverHttp {
    pub(crate) operation: Option<String>,
}

/// Refuses an HTTP query above [`MAX_COMPLEXITY`], in Absinthe's words.
pub(crate) struct ComplexityLimit;

impl ExtensionFactory for ComplexityLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ComplexityLimit)
    }
}

#[async_trait::async_trait]
impl Extension for ComplexityLimit {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let Some(http) = ctx.data_opt::<OverHttp>() else {
            return Ok(result);
        };
        if result.complexity <= MAX_COMPLEXITY {
            return Ok(result);
        }
        let message = too_complex(http.operation.as_deref(), result.complexity);
        Err(vec![ServerError::new(message, None)])
    }
}

/// The most tokens the emulator parses in an HTTP query. Glimesh sets no such limit, but
/// parsing a megabyte of aliases only to refuse it for complexity would take hundreds of
/// megabytes; a query within the complexity limit has far fewer tokens.
pub(crate) const MAX_TOKENS: usize = 15_000;

/// Whether the document has more than [`MAX_TOKENS`] tokens, counted without parsing it:
/// names, numbers, punctuators and strings count one each; whitespace, commas and comments none.
pub(crate) fn too_many_tokens(document: &str) -> bool {
    let bytes = document.as_bytes();
    let (mut at, mut tokens) = (0, 0);
    while at < bytes.len() {
        let byte = bytes[at];
        at += 1;
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => continue,
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
                continue;
            }
            b'"' => at = string_end(bytes, at),
            b'.' if bytes.get(at..at + 2) == Some(b"..") => at += 2,
            b'_' | b'-' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => {
                while at < bytes.len()
                    && matches!(bytes[at], b'_' | b'.' | b'+' | b'-' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
                {
                    at += 1;
                }
            }
            _ => {}
        }
        tokens += 1;
        if tokens > MAX_TOKENS {
            return true;
        }
    }
    false
}

/// Where a string that opened just before `at` ends: a block string at `"""`, another at an
/// unescaped `"`.
fn string_end(bytes: &[u8], mut at: usize) -> usize {
    if bytes.get(at..at + 2) == Some(b"\"\"") {
        let rest = &bytes[at + 2..];
        return match rest.windows(3).position(|w| w == b"\"\"\"") {
            Some(end) => at + 2 + end + 3,
            None => bytes.len(),
        };
    }
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_counted_without_parsing() {
        let fields = |n: usize| -> String {
            let fields: Vec<String> = (0..n).map(|i| format!("a{i}: myself {{ id }}")).collect();
            format!("{{ {} }}", fields.join(", "))
        };
        // Each field is six tokens: alias, colon, name, brace, id, brace.
        assert!(!too_many_tokens(&fields(MAX_TOKENS / 6 - 1)));
        assert!(too_many_tokens(&fields(MAX_TOKENS / 6 + 1)));
        let quiet = format!("{{ myself {{ id }} }} # {}\n", "x ".repeat(MAX_TOKENS));
        assert!(!too_many_tokens(&quiet), "a comment is no token");
        let string = format!(
            r#"{{ a(s: "{}\" {}") }}"#,
            "x ".repeat(MAX_TOKENS),
            "y ".repeat(9)
        );
        assert!(!too_many_tokens(&string), "a string is one token");
        let block = format!(r#"{{ a(s: """{}""") }}"#, "\" x ".repeat(MAX_TOKENS));
        assert!(!too_many_tokens(&block), "so is a block string");
    }
}
