//! Reading `[filters]` and its filters' tables from the file.

use toml::Value;

use super::fields::Fields;
use super::{Check, FiltersConfig, Pattern, Rule, RuleConfig, Share};
use crate::config::config_error;
use crate::error::Result;

const SECTION: &str = "filters";
/// The keys of `[filters]` itself, beside the filters' tables.
const SECTION_KEYS: [&str; 3] = ["exempt_moderators", "ladder", "window"];
/// The keys every filter's table has.
const ESCALATION_KEYS: [&str; 4] = ["enabled", "ladder", "window", "warning"];

/// Reads the `[filters]` section.
pub(in crate::config::toolkit) fn read(value: Value) -> Result<FiltersConfig> {
    let valid: Vec<&str> = SECTION_KEYS
        .into_iter()
        .chain(Rule::ALL.map(Rule::name))
        .collect();
    let mut fields = Fields::new(SECTION.into(), value, &valid)?;
    let defaults = FiltersConfig::default();
    let mut config = FiltersConfig {
        exempt_moderators: fields
            .boolean("exempt_moderators")?
            .unwrap_or(defaults.exempt_moderators),
        ladder: fields.ladder("ladder")?.unwrap_or(defaults.ladder),
        window: fields.duration("window")?.unwrap_or(defaults.window),
        rules: Vec::new(),
    };
    for rule in Rule::ALL {
        if let Some((key, value)) = fields.take(rule.name()) {
            config.rules.extend(read_rule(rule, key, value)?);
        }
    }
    Ok(config)
}

/// One filter's table; `None` when it says `enabled = false`.
fn read_rule(rule: Rule, key: String, value: Value) -> Result<Option<RuleConfig>> {
    let own = own_keys(rule);
    let valid: Vec<&str> = ESCALATION_KEYS.iter().chain(own).copied().collect();
    let mut fields = Fields::new(key, value, &valid)?;
    let enabled = fields.boolean("enabled")?.unwrap_or(true);
    let ladder = fields.ladder("ladder")?;
    let window = fields.duration("window")?;
    let warning = fields.text("warning")?;
    let check = match rule {
        Rule::Links => Check::Links {
            allow: fields.texts("allow", check_domain)?.unwrap_or_default(),
        },
        Rule::Caps => Check::Caps(share(&mut fields, 10, 70)?),
        Rule::Symbols => Check::Symbols(share(&mut fields, 10, 50)?),
        Rule::Emotes => Check::Emotes {
            max: fields.whole("max", 1..=255, "emotes")?.unwrap_or(6),
        },
        Rule::Repeats => Check::Repeats {
            max: fields.whole("max", 1..=100, "messages")?.unwrap_or(2),
            within: fields
                .duration("within")?
                .unwrap_or(std::time::Duration::from_secs(60)),
        },
        Rule::Banned => {
            let key = fields.name().to_owned();
            let words = fields.texts("words", |_, _| Ok(()))?.unwrap_or_default();
            let regexes = fields.texts("regexes", |_, _| Ok(()))?.unwrap_or_default();
            let matcher = Pattern::banned(&key, &words, &regexes)?;
            Check::Banned {
                words,
                regexes,
                matcher,
            }
        }
    };
    Ok(enabled.then_some(RuleConfig {
        check,
        ladder,
        window,
        warning,
    }))
}

/// The keys of a filter's table beside those every filter has.
fn own_keys(rule: Rule) -> &'static [&'static str] {
    match rule {
        Rule::Links => &["allow"],
        Rule::Caps | Rule::Symbols => &["min_length", "max_percent"],
        Rule::Emotes => &["max"],
        Rule::Repeats => &["max", "within"],
        Rule::Banned => &["words", "regexes"],
    }
}

fn share(fields: &mut Fields, min_length: u32, max_percent: u32) -> Result<Share> {
    Ok(Share {
        min_length: fields
            .whole("min_length", 1..=255, "characters")?
            .unwrap_or(min_length),
        max_percent: fields
            .whole("max_percent", 1..=99, "percent")?
            .unwrap_or(max_percent),
    })
}

/// A domain of the allow list: a host name alone, such as `youtube.com`.
fn check_domain(key: String, domain: &str) -> Result<()> {
    let valid = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if valid {
        return Ok(());
    }
    let message = format!(
        "{domain:?} is not a domain; write the domain alone, without https:// or a path, \
         e.g. \"youtube.com\" (its subdomains are allowed too)"
    );
    Err(config_error(key, message))
}
