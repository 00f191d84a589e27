//! `!command add|edit|remove|list`: text commands the streamer and moderators keep from chat,
//! stored per channel so they outlive a restart.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::bot::{Call, Command};
use crate::config::{name_problem, too_long};
use crate::error::Result;
use crate::state::ScopedState;
use crate::template::Template;
use crate::toolkit::text_commands::render::count_key;

/// The name of the command that edits the others.
pub(super) const EDITOR: &str = "command";
/// Where a channel's chat commands are kept: name to reply, as written.
const STORED: &str = "text_commands";

/// The chat commands of a channel, by name.
pub(super) type Stored = BTreeMap<String, String>;

/// A channel's chat commands.
///
/// # Errors
/// [`crate::Error::State`] when the store cannot be read.
pub(super) async fn stored(state: &ScopedState) -> Result<Stored> {
    Ok(state.get(STORED).await?.unwrap_or_default())
}

/// The `!command` command; `configured` holds the names and aliases of the text commands of
/// the file or the code, which chat cannot change.
pub(super) fn editor(configured: Arc<[String]>) -> Command {
    Command::new(
        EDITOR,
        "Adds, edits, removes or lists the chat's text commands",
        move |call| {
            let configured = Arc::clone(&configured);
            async move {
                let answer = answer(&call, &configured).await?;
                call.reply(answer).await
            }
        },
    )
    .moderators_only()
}

/// What `!command …` says back, having done what it asked.
async fn answer(call: &Call, configured: &[String]) -> Result<String> {
    let prefix = call.ctx.prefix();
    let (action, rest) = first_word(call.rest());
    let (name, text) = first_word(rest);
    let name = name.strip_prefix(prefix).unwrap_or(name).to_lowercase();
    let usage = format!(
        "use {prefix}{EDITOR} add NAME TEXT, {prefix}{EDITOR} edit NAME TEXT, \
         {prefix}{EDITOR} remove NAME or {prefix}{EDITOR} list"
    );
    let state = call.state();
    let action = action.to_lowercase();
    if action == "list" {
        return list(state, prefix).await;
    }
    if !matches!(action.as_str(), "add" | "edit" | "remove") || name.is_empty() {
        return Ok(usage);
    }
    if name_problem(&name).is_some() {
        return Ok(format!(
            "{name:?} cannot name a command: use one word of letters, digits, - or _"
        ));
    }
    if configured.contains(&name) {
        return Ok(format!(
            "{prefix}{name} is set in the configuration file; change it there"
        ));
    }
    if call.ctx.is_command(&name) {
        return Ok(format!("{prefix}{name} is a built-in command"));
    }
    let exists = stored(state).await?.contains_key(&name);
    match action.as_str() {
        "add" if exists => Ok(format!(
            "{prefix}{name} already exists; change it with {prefix}{EDITOR} edit {name} TEXT"
        )),
        "edit" | "remove" if !exists => Ok(format!(
            "there is no {prefix}{name}; add it with {prefix}{EDITOR} add {name} TEXT"
        )),
        "add" | "edit" if text.is_empty() => Ok(format!(
            "say what it answers: {prefix}{EDITOR} {action} {name} TEXT"
        )),
        "add" | "edit" => save(state, &name, text, exists, prefix).await,
        _ => remove(state, &name, prefix).await,
    }
}

/// Keeps `text` as the reply of `name`, if it is a reply the bot can send.
async fn save(
    state: &ScopedState,
    name: &str,
    text: &str,
    exists: bool,
    prefix: &str,
) -> Result<String> {
    let reply = match Template::parse(text) {
        Ok(reply) => reply,
        Err(why) => return Ok(format!("not saved: {why}")),
    };
    if let Some(problem) = too_long(&reply) {
        return Ok(format!("not saved: the text {problem}"));
    }
    let (key, text) = (name.to_owned(), text.to_owned());
    state
        .update::<Stored, _>(STORED, move |current| {
            let mut commands = current.unwrap_or_default();
            commands.insert(key, text);
            commands
        })
        .await?;
    let done = if exists { "changed" } else { "added" };
    Ok(format!("{done} {prefix}{name}"))
}

async fn remove(state: &ScopedState, name: &str, prefix: &str) -> Result<String> {
    let key = name.to_owned();
    state
        .update::<Stored, _>(STORED, move |current| {
            let mut commands = current.unwrap_or_default();
            commands.remove(&key);
            commands
        })
        .await?;
    state.remove(&count_key(name)).await?;
    Ok(format!("removed {prefix}{name}"))
}

async fn list(state: &ScopedState, prefix: &str) -> Result<String> {
    let commands = stored(state).await?;
    if commands.is_empty() {
        return Ok(format!(
            "no chat commands yet; add one with {prefix}{EDITOR} add NAME TEXT"
        ));
    }
    let names: Vec<String> = commands.keys().map(|n| format!("{prefix}{n}")).collect();
    Ok(format!("Chat commands: {}", names.join(", ")))
}

/// The first word of `text` and the rest, trimmed.
fn first_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (&text[..end], text[end..].trim())
}
