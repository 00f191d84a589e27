//! Where glimbot's logs go, in which format, and what never does: a dependency's line that
//! would carry a secret.
//!
//! The socket URL must carry the access token (Glimesh reads it there), and tungstenite's
//! client handshake traces the whole request line, so that target is dropped at every level,
//! whatever `RUST_LOG` asks for.

use std::io::IsTerminal;

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{FilterExt, filter_fn};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Log targets that print secrets: tungstenite's client handshake traces the request line,
/// `?token=…` included.
const SECRET_BEARING_TARGETS: [&str; 1] = ["tungstenite::handshake::client"];

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for people to read.
    #[default]
    Text,
    /// One JSON object per line, with the fields of the event and of its spans (`spans`, outermost
    /// first), for log collectors.
    Json,
}

/// The subscriber glimbot's command line logs through: `directives` in `RUST_LOG` syntax (e.g.
/// `info,glimbot=debug`; invalid ones are skipped with a note on stderr), written to `writer` in
/// `format` (text in colour when `ansi`). Log lines that would carry a secret are dropped at
/// every level, in either format.
///
/// To log the same way from a bot with its own `main`, install it with
/// `tracing_subscriber::util::SubscriberInitExt::init`, which also forwards the `log` records
/// of dependencies.
pub fn log_subscriber<W>(
    directives: &str,
    format: LogFormat,
    ansi: bool,
    writer: W,
) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let keeps_secrets = filter_fn(|metadata| !SECRET_BEARING_TARGETS.contains(&metadata.target()));
    let lines = tracing_subscriber::fmt::layer().with_writer(writer);
    let layer = match format {
        LogFormat::Text => lines.with_ansi(ansi).boxed(),
        LogFormat::Json => lines.json().with_span_list(true).boxed(),
    };
    let layer = layer.with_filter(keeps_secrets.and(EnvFilter::new(directives)));
    tracing_subscriber::registry().with(layer)
}

/// Logs to stderr in `format`, as `RUST_LOG` says, else at `default_level`.
pub(crate) fn init(default_level: &str, format: LogFormat) {
    let directives = std::env::var("RUST_LOG").unwrap_or_else(|_| default_level.to_owned());
    let ansi = std::io::stderr().is_terminal();
    let _ = log_subscriber(&directives, format, ansi, std::io::stderr).try_init();
}
