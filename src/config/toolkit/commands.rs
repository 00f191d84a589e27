//! `[[commands]]`: text commands a streamer writes in the file.

use std::collections::HashMap;
use std::time::Duration;

use toml::Value;

use super::fields::{Fields, tables};
use crate::config::config_error;
use crate::error::Result;
use crate::protocol::MAX_MESSAGE_GRAPHEMES;
use crate::template::Template;

/// The keys of a `[[commands]]` table.
const KEYS: [&str; 7] = [
    "name",
    "reply",
    "aliases",
    "cooldown",
    "user_cooldown",
    "mods_only",
    "usage",
];

/// One `[[commands]]` table: a command that answers with text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextCommandConfig {
    /// The name, without the prefix, in lower case: `discord` for `!discord`.
    pub name: String,
    /// What the bot says; its variables were checked when it was read.
    pub reply: Template,
    /// Other names for it.
    pub aliases: Vec<String>,
    /// How long anyone must wait after a use in the channel.
    pub cooldown: Option<Duration>,
    /// How long one user must wait between uses.
    pub user_cooldown: Option<Duration>,
    /// Whether only the streamer and moderators may use it.
    pub mods_only: bool,
    /// What the bot says instead of the reply when an argument the reply needs is missing.
    pub usage: Option<Template>,
}

impl TextCommandConfig {
    /// The command `name` that answers `reply`, with no aliases, cooldowns or usage.
    ///
    /// # Errors
    /// [`crate::Error::Config`] on `commands.<name>` when the name is not one word of letters,
    /// digits, `-` or `_`, or the reply has an unknown variable or is too long.
    pub fn new(name: &str, reply: &str) -> Result<Self> {
        let error = |what: &str, message| config_error(format!("commands.{name}.{what}"), message);
        if let Some(problem) = name_problem(name) {
            return Err(error("name", problem));
        }
        let reply = Template::parse(reply).map_err(|why| error("reply", why.to_string()))?;
        if let Some(problem) = too_long(&reply) {
            return Err(error("reply", problem));
        }
        Ok(Self {
            name: name.to_lowercase(),
            reply,
            aliases: Vec::new(),
            cooldown: None,
            user_cooldown: None,
            mods_only: false,
            usage: None,
        })
    }
}

/// Why `name` cannot name a command, if it cannot: it is typed after the prefix as one word.
pub(crate) fn name_problem(name: &str) -> Option<String> {
    let fine = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    match name {
        "" => Some("is empty; name the command without its prefix, e.g. \"discord\"".into()),
        _ if name.chars().all(fine) => None,
        _ => Some(format!(
            "{name:?} is not one word of letters, digits, - or _; write it without the prefix, \
             e.g. \"discord\" for !discord"
        )),
    }
}

/// Why a reply cannot be sent as one chat message, if its text alone is too long for one.
pub(crate) fn too_long(reply: &Template) -> Option<String> {
    let length = reply.text_len();
    (length > MAX_MESSAGE_GRAPHEMES).then(|| {
        format!(
            "is {length} characters long besides its variables, more than one chat message \
             holds ({MAX_MESSAGE_GRAPHEMES}); shorten it"
        )
    })
}

pub(super) fn read(value: Value) -> Result<Vec<TextCommandConfig>> {
    let mut commands = Vec::new();
    // Every name and alias, and the key that gave it: two commands may not answer to one.
    let mut taken: HashMap<String, String> = HashMap::new();
    for fields in tables("commands", value, &KEYS)? {
        let command = command(&fields)?;
        let names = std::iter::once(("name", &command.name))
            .chain(command.aliases.iter().map(|alias| ("aliases", alias)));
        for (key, name) in names {
            if let Some(first) = taken.insert(name.clone(), fields.key(key)) {
                return Err(fields.error(
                    key,
                    format!("{name:?} is already the name of `{first}`; choose another"),
                ));
            }
        }
        commands.push(command);
    }
    Ok(commands)
}

fn command(fields: &Fields) -> Result<TextCommandConfig> {
    let name = fields.required("name", "\"discord\"")?;
    if let Some(problem) = name_problem(&name) {
        return Err(fields.error("name", problem));
    }
    let reply = fields.required("reply", "\"Join us at https://discord.gg/…\"")?;
    let aliases = fields.strings("aliases")?.unwrap_or_default();
    if let Some(problem) = aliases.iter().find_map(|alias| name_problem(alias)) {
        return Err(fields.error("aliases", problem));
    }
    let usage = fields.string("usage")?;
    Ok(TextCommandConfig {
        name: name.to_lowercase(),
        reply: fields.template("reply", &reply)?,
        aliases: aliases.iter().map(|alias| alias.to_lowercase()).collect(),
        cooldown: fields.duration("cooldown")?,
        user_cooldown: fields.duration("user_cooldown")?,
        mods_only: fields.boolean("mods_only")?.unwrap_or(false),
        usage: usage
            .map(|usage| fields.template("usage", &usage))
            .transpose()?,
    })
}
