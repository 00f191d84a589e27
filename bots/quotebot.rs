//! quotebot: a bot with state. `!quote` tells a saved quote (`!quote 3` a given one), and
//! moderators add quotes with `!addquote <text>`. Quotes are a list in the bot's state, so they
//! survive restarts. Quotes an older quotebot kept in `quotes.json` (in the data directory,
//! `~/.local/share/glimbot/quotebot/quotes.json` on Linux, or the path in `QUOTES_FILE`) are
//! imported once; the file is left as it was.

use std::path::PathBuf;
use std::process::ExitCode;

use glimbot::{BotBuilder, Call, Command, Context, Error, Handler, ScopedState, async_trait};
use rand::Rng;
use tokio::sync::OnceCell;

/// The bot-wide list the quotes are kept in.
const QUOTES: &str = "quotes";
/// Set once the old file was imported (or there was none), so it is never imported again.
const IMPORTED: &str = "quotes_json_imported";

/// Imports the quotes of an older quotebot's file, once, before the bot handles anything.
struct OldQuotes {
    path: Option<PathBuf>,
    imported: OnceCell<()>,
}

#[async_trait]
impl Handler for OldQuotes {
    async fn on_ready(&self, ctx: &Context) -> glimbot::Result<()> {
        let import = || import(self.path.as_deref(), ctx.state().global());
        self.imported.get_or_try_init(import).await.map(drop)
    }
}

/// Appends the file's quotes to the list unless the state says it was done. A crash halfway
/// leaves the mark unset and some quotes in the list: the next start goes on from there.
async fn import(path: Option<&std::path::Path>, state: ScopedState) -> glimbot::Result<()> {
    if state.get::<bool>(IMPORTED).await?.unwrap_or(false) {
        return Ok(());
    }
    if let Some(path) = path {
        let unreadable = |e: String| Error::Config {
            key: path.display().to_string(),
            message: format!("cannot import the quotes: {e}; fix the file or move it away"),
        };
        let old: Vec<String> = match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(unreadable(e.to_string())),
        };
        let done = state.len(QUOTES).await?;
        for quote in old.iter().skip(done) {
            state.push(QUOTES, quote).await?;
        }
        if !old.is_empty() {
            let (count, shown) = (old.len(), path.display());
            tracing::info!("imported {count} quotes from {shown}; the bot no longer reads it");
        }
    }
    state.set(IMPORTED, &true).await
}

async fn quote(call: Call) -> glimbot::Result<()> {
    let quotes = call.state().global();
    let count = quotes.len(QUOTES).await?;
    let index = match call.args.first().and_then(|n| n.parse::<usize>().ok()) {
        Some(n) => n.wrapping_sub(1),
        None if count == 0 => 0,
        None => rand::rng().random_range(0..count),
    };
    match quotes.get_at::<String>(QUOTES, index).await? {
        Some(text) => call.ctx.send(format!("#{}: {text}", index + 1)).await,
        None if count == 0 => {
            call.reply("no quotes yet; moderators add them with !addquote")
                .await
        }
        None if count == 1 => call.reply("there is only quote #1").await,
        None => {
            call.reply(format!("there are only {count} quotes, #1 to #{count}"))
                .await
        }
    }
}

async fn add_quote(call: Call) -> glimbot::Result<()> {
    let text = call.rest().trim();
    // `!addquote "Stay hydrated"` saves the words, not the marks around them.
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .trim();
    if text.is_empty() {
        return call.reply("!addquote <the quote>").await;
    }
    let number = call.state().global().push(QUOTES, text).await?;
    call.reply(format!("saved as quote #{number}")).await
}

#[tokio::main]
async fn main() -> ExitCode {
    let old_file = std::env::var_os("QUOTES_FILE")
        .map(PathBuf::from)
        .or_else(|| Some(dirs::data_dir()?.join("glimbot/quotebot/quotes.json")));
    let about = glimbot::about!("Tells saved quotes; moderators add them");
    glimbot::run(about, move |bot| quotebot(bot, old_file)).await
}

/// The bot: `!quote` and `!addquote`, with the quotes of `old_file` imported.
fn quotebot(bot: BotBuilder, old_file: Option<PathBuf>) -> BotBuilder {
    let old_quotes = OldQuotes {
        path: old_file,
        imported: OnceCell::new(),
    };
    bot.handler(old_quotes)
        .command(Command::new("quote", "Tells a saved quote", quote))
        .command(Command::new("addquote", "Saves a quote", add_quote).moderators_only())
}

/// The bot's behaviour, in a local Glimesh (`cargo test --bin quotebot`).
#[cfg(test)]
mod tests {
    use glimbot::State;
    use glimbot::testing::{Harness, STREAMER, VIEWER};

    use super::*;

    /// A quotebot with no old file, on `state`.
    async fn start(state: &State) -> Harness {
        let state = state.clone();
        Harness::start(|bot| quotebot(bot, None).state(state)).await
    }

    #[tokio::test]
    async fn moderators_add_quotes_that_everyone_hears_and_that_survive_a_restart() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("state.sqlite3");
        let state = State::open(&path).await.expect("a new state file");
        let mut chat = start(&state).await;
        chat.say(VIEWER, "!addquote not allowed").await;
        chat.expect_no_message().await;
        chat.say(STREAMER, "!addquote \"Stay hydrated\"").await;
        chat.expect_message("@streamer saved as quote #1").await;
        let moderator = chat.moderator("mia");
        chat.say(moderator, "!addquote Stretch").await;
        chat.expect_message("@mia saved as quote #2").await;
        chat.say(VIEWER, "!quote 1").await;
        chat.expect_message("#1: Stay hydrated").await;
        chat.say(VIEWER, "!quote").await;
        chat.expect_message_matching("a quote", |text| {
            ["#1: Stay hydrated", "#2: Stretch"].contains(&text)
        })
        .await;
        chat.stop().await.expect("the bot stops cleanly");

        let reopened = State::open(&path).await.expect("the state file");
        let mut chat = start(&reopened).await;
        chat.say(VIEWER, "!quote 2").await;
        chat.expect_message("#2: Stretch").await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn a_missing_quote_is_answered_with_how_many_there_are() {
        let mut chat = start(&State::in_memory()).await;
        chat.say(VIEWER, "!quote").await;
        chat.expect_message("@viewer no quotes yet; moderators add them with !addquote")
            .await;
        chat.say(STREAMER, "!addquote").await;
        chat.expect_message("@streamer !addquote <the quote>").await;
        chat.say(STREAMER, "!addquote Stretch").await;
        chat.expect_message("@streamer saved as quote #1").await;
        chat.say(VIEWER, "!quote 5").await;
        chat.expect_message("@viewer there is only quote #1").await;
        chat.say(STREAMER, "!addquote Hydrate").await;
        chat.expect_message("@streamer saved as quote #2").await;
        chat.say(VIEWER, "!quote 0").await;
        chat.expect_message("@viewer there are only 2 quotes, #1 to #2")
            .await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn an_old_quotes_file_is_imported_once_and_left_as_it_was() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let old_file = dir.path().join("quotes.json");
        let old_text = r#"["Stay hydrated", "Stretch"]"#;
        std::fs::write(&old_file, old_text).expect("an old quotes file");
        let state = State::open(dir.path().join("state.sqlite3"))
            .await
            .expect("a new state file");
        for run in 0..2 {
            let (state, old_file) = (state.clone(), old_file.clone());
            let mut chat = Harness::start(|bot| quotebot(bot, Some(old_file)).state(state)).await;
            chat.say(VIEWER, "!quote 2").await;
            chat.expect_message("#2: Stretch").await;
            chat.say(VIEWER, "!quote 3").await;
            chat.expect_message("@viewer there are only 2 quotes, #1 to #2")
                .await;
            chat.stop()
                .await
                .unwrap_or_else(|e| panic!("run {run}: {e}"));
        }
        let kept = std::fs::read_to_string(&old_file).expect("the old file");
        assert_eq!(kept, old_text);
    }

    #[tokio::test]
    async fn an_import_cut_short_goes_on_where_it_stopped() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let old_file = dir.path().join("quotes.json");
        std::fs::write(&old_file, r#"["one", "two", "three"]"#).expect("an old quotes file");
        let state = State::in_memory();
        // As a crash leaves it: the first quote copied, the import not marked done.
        state.global().push(QUOTES, "one").await.expect("a push");
        let mut chat = Harness::start(|bot| quotebot(bot, Some(old_file)).state(state)).await;
        chat.say(VIEWER, "!quote 4").await;
        chat.expect_message("@viewer there are only 3 quotes, #1 to #3")
            .await;
        chat.say(VIEWER, "!quote 3").await;
        chat.expect_message("#3: three").await;
        chat.stop().await.expect("the bot stops cleanly");
    }
}
