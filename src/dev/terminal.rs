//! The terminal as the chat: lines read from stdin, and every chat line printed as
//! `[channel] user: text`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

use crate::escape::Escaped;
use crate::sim::{ChatLine, WorldInfo};

/// The lines of stdin, read on a thread of their own: a read blocks its thread until a line
/// comes, and a runtime thread blocked so would keep the process from ending when stopped.
pub(super) fn stdin_lines() -> mpsc::UnboundedReceiver<std::io::Result<String>> {
    let (lines, receiver) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Prints each chat line as it comes, and records the newest id printed.
pub(super) async fn print_feed(
    mut feed: mpsc::UnboundedReceiver<ChatLine>,
    info: WorldInfo,
    printed: Arc<AtomicU64>,
) {
    while let Some(line) = feed.recv().await {
        print_line(&info, &line);
        printed.fetch_max(line.id.parse().unwrap_or(0), Ordering::SeqCst);
    }
}

/// Prints one chat line.
pub(super) fn print_line(info: &WorldInfo, line: &ChatLine) {
    let channel = info
        .channels
        .iter()
        .find(|c| c.id == line.channel_id)
        .map_or("?", |c| c.streamer.as_str());
    // Glimesh's own lines (" just followed the stream!") start with a space: chat clients
    // put the username in front.
    let separator = if line.message.starts_with(' ') {
        ""
    } else {
        ": "
    };
    println!(
        "[{channel}] {}{separator}{}",
        Escaped(&line.username),
        Escaped(&line.message)
    );
}
