//! quotebot: a bot with state. `!quote` tells a saved quote (`!quote 3` a given one), and
//! moderators add quotes with `!addquote <text>`. Quotes live in a JSON file in the data
//! directory (`~/.local/share/glimbot/quotebot/quotes.json` on Linux, or the path in
//! `QUOTES_FILE`) and survive restarts.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use glimbot::{BotBuilder, Call, Command};
use rand::Rng;

/// The quotes and the file they are kept in.
struct Quotes {
    path: PathBuf,
    list: Mutex<Vec<String>>,
}

impl Quotes {
    fn open(path: PathBuf) -> std::io::Result<Self> {
        let list = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(std::io::Error::other)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(Self {
            path,
            list: Mutex::new(list),
        })
    }

    /// Quote `number` (from 1), or a random one; `Err` holds how many quotes there are.
    fn get(&self, number: Option<usize>) -> Result<(usize, String), usize> {
        let list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        let index = match number {
            Some(n) => n.wrapping_sub(1),
            None if list.is_empty() => 0,
            None => rand::rng().random_range(0..list.len()),
        };
        list.get(index)
            .map(|q| (index + 1, q.clone()))
            .ok_or(list.len())
    }

    /// Adds a quote and saves the file (a new file, then a rename, so a crash loses nothing).
    fn add(&self, quote: String) -> std::io::Result<usize> {
        let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        list.push(quote);
        let text = serde_json::to_string_pretty(&*list).map_err(std::io::Error::other)?;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, &self.path)?;
        Ok(list.len())
    }
}

async fn quote(quotes: &Quotes, call: Call) -> glimbot::Result<()> {
    let number = call.args.first().and_then(|n| n.parse().ok());
    match quotes.get(number) {
        Ok((n, text)) => call.ctx.send(format!("#{n}: {text}")).await,
        Err(0) => {
            call.reply("no quotes yet; moderators add them with !addquote")
                .await
        }
        Err(1) => call.reply("there is only quote #1").await,
        Err(count) => {
            call.reply(format!("there are only {count} quotes, #1 to #{count}"))
                .await
        }
    }
}

async fn add_quote(quotes: &Quotes, call: Call) -> glimbot::Result<()> {
    let text = call.rest().trim();
    // `!addquote "Stay hydrated"` saves the words, not the marks around them.
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .trim()
        .to_owned();
    if text.is_empty() {
        return call.reply("!addquote <the quote>").await;
    }
    match quotes.add(text) {
        Ok(n) => call.reply(format!("saved as quote #{n}")).await,
        Err(e) => call.reply(format!("could not save the quote: {e}")).await,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let path = std::env::var_os("QUOTES_FILE")
        .map(PathBuf::from)
        .or_else(|| Some(dirs::data_dir()?.join("glimbot/quotebot/quotes.json")));
    let Some(path) = path else {
        eprintln!("error: there is no data directory for the quotes; set QUOTES_FILE");
        return ExitCode::FAILURE;
    };
    let quotes = match Quotes::open(path.clone()) {
        Ok(quotes) => Arc::new(quotes),
        Err(e) => {
            eprintln!("error: cannot read the quotes in {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let about = glimbot::about!("Tells saved quotes; moderators add them");
    glimbot::run(about, move |bot| quotebot(bot, quotes)).await
}

/// The bot: `!quote` and `!addquote`, on these quotes.
fn quotebot(bot: BotBuilder, quotes: Arc<Quotes>) -> BotBuilder {
    let (reader, writer) = (Arc::clone(&quotes), quotes);
    bot.command(Command::new("quote", "Tells a saved quote", move |call| {
        let quotes = Arc::clone(&reader);
        async move { quote(&quotes, call).await }
    }))
    .command(
        Command::new("addquote", "Saves a quote", move |call| {
            let quotes = Arc::clone(&writer);
            async move { add_quote(&quotes, call).await }
        })
        .moderators_only(),
    )
}

/// The bot's behaviour, in a local Glimesh (`cargo test --bin quotebot`).
#[cfg(test)]
mod tests {
    use glimbot::testing::{Harness, STREAMER, VIEWER};

    use super::*;

    fn quotes_in(dir: &tempfile::TempDir) -> Arc<Quotes> {
        let quotes = Quotes::open(dir.path().join("quotes.json"));
        Arc::new(quotes.expect("no file yet is no quotes"))
    }

    #[tokio::test]
    async fn moderators_add_quotes_that_everyone_hears_and_that_are_saved() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let quotes = quotes_in(&dir);
        let mut chat = Harness::start(|bot| quotebot(bot, quotes)).await;
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

        let saved = quotes_in(&dir);
        assert_eq!(saved.get(Some(2)), Ok((2, "Stretch".to_owned())));
        let mut chat = Harness::start(|bot| quotebot(bot, saved)).await;
        chat.say(VIEWER, "!quote 2").await;
        chat.expect_message("#2: Stretch").await;
        chat.stop().await.expect("the bot stops cleanly");
    }

    #[tokio::test]
    async fn a_missing_quote_is_answered_with_how_many_there_are() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut chat = Harness::start(|bot| quotebot(bot, quotes_in(&dir))).await;
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
}
