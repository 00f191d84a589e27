//! One open socket: frames read and handed to its [`Session`], heartbeats sent, deliveries
//! handed on, until it is lost or the bot stops.
//!
//! The socket is read and written by one task: what the bot writes (the join, its
//! subscriptions, heartbeats, the leave) is small and rare, and written between reads, so no
//! frame waits for a lock shared with a writer.

use std::convert::Infallible;
use std::task::Poll;
use std::time::Duration;

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

use crate::backoff::Backoff;
use crate::socket::connection::{Ended, SocketOptions, WebSocket, describe};
use crate::socket::delivery::{Closed, Deliver, Delivery, Subscriptions};
use crate::socket::session::{Received, Session, SessionError};

/// At most this many frames already received are read in a row before the stop and the
/// heartbeat's timer are looked at: racing them for every frame costs as much as routing it.
const IN_A_ROW: usize = 64;
/// How long writing a frame may take: the bot's frames are small, so a write that waits this
/// long means the server has stopped reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the leave and the close may take once the bot stops.
const GOODBYE_TIMEOUT: Duration = Duration::from_millis(500);

/// One open socket.
pub(super) struct Connection<'a, S: Subscriptions, D> {
    pub(super) session: Session<S>,
    pub(super) out: &'a mut D,
    pub(super) stop: &'a CancellationToken,
    pub(super) options: &'a SocketOptions,
    /// Whether every topic was subscribed on this connection.
    pub(super) subscribed: bool,
}

impl<S: Subscriptions, D: Deliver<S::Event>> Connection<'_, S, D> {
    pub(super) async fn serve(&mut self, mut socket: WebSocket, backoff: &mut Backoff) -> Ended {
        let Err(ended) = self.read(&mut socket, backoff).await;
        self.out.rest();
        if matches!(ended, Ended::Stopped) {
            let goodbye = [Message::text(self.session.leave()), Message::Close(None)];
            // The server learns of the end from the closed TCP connection if not from these.
            let _ = write(&mut socket, goodbye, GOODBYE_TIMEOUT).await;
        }
        ended
    }

    /// Reads until the socket is lost or the bot stops.
    async fn read(
        &mut self,
        socket: &mut WebSocket,
        backoff: &mut Backoff,
    ) -> Result<Infallible, Ended> {
        let join = Message::text(self.session.join());
        send(self.stop, socket, [join]).await?;
        let period = self.options.heartbeat;
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Set while delivery waited on a slow bot: heartbeat replies went unread meanwhile.
        let mut stalled = false;
        // Made once: the loop races it whenever it waits for a frame.
        let stopped = self.stop.cancelled();
        tokio::pin!(stopped);
        // Frames read in a row without waiting; the stop is looked at before each run.
        let mut in_a_row = 0;
        loop {
            let ready = if in_a_row < IN_A_ROW && (in_a_row > 0 || !self.stop.is_cancelled()) {
                std::future::poll_fn(|cx| Poll::Ready(socket.poll_next_unpin(cx))).await
            } else {
                Poll::Pending
            };
            let message = if let Poll::Ready(message) = ready {
                in_a_row += 1;
                message
            } else {
                in_a_row = 0;
                self.out.rest();
                tokio::select! {
                    // The stop first: no frame is read once it is cancelled.
                    biased;
                    () = &mut stopped => return Err(Ended::Stopped),
                    _ = heartbeat.tick() => {
                        let frame = match self.session.heartbeat() {
                            Some(frame) => frame,
                            None if stalled => self.session.keepalive(),
                            None => return Err(Ended::Lost("no heartbeat reply".into())),
                        };
                        stalled = false;
                        send(self.stop, socket, [Message::text(frame)]).await?;
                        continue;
                    }
                    message = socket.next() => message,
                }
            };
            let text = match message {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Close(_))) | None => {
                    return Err(Ended::Lost("the server closed the socket".into()));
                }
                Some(Err(e)) => return Err(Ended::Lost(describe(&e))),
                Some(Ok(_)) => continue,
            };
            let delivery = match self.session.receive(&text) {
                Ok(Received::Send(frames)) => {
                    let frames = frames.into_iter().map(Message::text);
                    send(self.stop, socket, frames).await?;
                    continue;
                }
                Ok(Received::Nothing) => continue,
                Ok(Received::Deliver(delivery)) => {
                    if matches!(delivery, Delivery::Subscribed(_)) && self.session.all_subscribed()
                    {
                        self.subscribed = true;
                        backoff.reset();
                    }
                    delivery
                }
                Err(SessionError::Malformed(reason)) => {
                    tracing::warn!(%reason, "skipped a frame");
                    continue;
                }
                Err(refused @ SessionError::Refused(_)) => {
                    return Err(Ended::Refused(refused.to_string()));
                }
            };
            stalled |= self.deliver(delivery, &mut heartbeat, socket).await?;
        }
    }

    /// Hands a delivery on, keeps the spent event it gives back for the next push, and tells
    /// whether that had to wait; [`Ended::Stopped`] when the bot stops meanwhile or nobody
    /// takes deliveries any more.
    async fn deliver(
        &mut self,
        delivery: Delivery<S::Event>,
        heartbeat: &mut tokio::time::Interval,
        socket: &mut WebSocket,
    ) -> Result<bool, Ended> {
        let delivery = self.out.deliver(delivery);
        tokio::pin!(delivery);
        let (handed, waited) = match (&mut delivery).now_or_never() {
            Some(handed) => (handed, false),
            None => loop {
                tokio::select! {
                    _ = self.stop.cancelled() => return Err(Ended::Stopped),
                    handed = &mut delivery => break (handed, true),
                    // Keep the server from closing a socket that is only slow to be read.
                    _ = heartbeat.tick() => {
                        let keepalive = Message::text(self.session.keepalive());
                        send(self.stop, socket, [keepalive]).await?;
                    }
                }
            },
        };
        match handed {
            Ok(spent) => {
                if let Some(spent) = spent {
                    self.session.recycle(spent);
                }
                Ok(waited)
            }
            Err(Closed) => Err(Ended::Stopped),
        }
    }
}

/// Writes `frames` within [`WRITE_TIMEOUT`], unless the bot stops first: a server that has
/// stopped reading must not hold a stopping bot.
async fn send(
    stop: &CancellationToken,
    socket: &mut WebSocket,
    frames: impl IntoIterator<Item = Message>,
) -> Result<(), Ended> {
    tokio::select! {
        biased;
        () = stop.cancelled() => Err(Ended::Stopped),
        written = write(socket, frames, WRITE_TIMEOUT) => written,
    }
}

/// Writes `frames` and flushes them, within `limit`.
async fn write(
    socket: &mut WebSocket,
    frames: impl IntoIterator<Item = Message>,
    limit: Duration,
) -> Result<(), Ended> {
    let written = async {
        for frame in frames {
            socket.feed(frame).await?;
        }
        socket.flush().await
    };
    match tokio::time::timeout(limit, written).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(Ended::Lost(describe(&e))),
        Err(_) => Err(Ended::Lost("writing to the socket timed out".into())),
    }
}

#[cfg(test)]
mod tests;
