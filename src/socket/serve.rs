//! One open socket: frames read and handed to its [`Session`], heartbeats sent, deliveries
//! handed on, until it is lost or the bot stops.

use std::task::Poll;

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

use crate::backoff::Backoff;
use crate::socket::connection::{Ended, SocketOptions, WebSocket, describe};
use crate::socket::delivery::{Deliver, Delivery, Subscriptions};
use crate::socket::session::{Received, Session, SessionError};

/// At most this many frames already received are read in a row, each after a look at the
/// stop, before the heartbeat's timer is looked at too: racing the timer for every frame
/// costs as much as routing it.
const IN_A_ROW: usize = 64;

/// One open socket.
pub(super) struct Connection<'a, S, D> {
    pub(super) session: Session<S>,
    pub(super) out: &'a mut D,
    pub(super) stop: &'a CancellationToken,
    pub(super) options: &'a SocketOptions,
    /// Whether every topic was subscribed on this connection.
    pub(super) subscribed: bool,
}

impl<S: Subscriptions, D: Deliver<S::Event>> Connection<'_, S, D> {
    pub(super) async fn serve(&mut self, socket: WebSocket, backoff: &mut Backoff) -> Ended {
        let (mut sink, mut stream) = socket.split();
        let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
        let writer = tokio::spawn(async move {
            while let Some(message) = rx.recv().await {
                let closing = matches!(message, Message::Close(_));
                if sink.send(message).await.is_err() || closing {
                    break;
                }
            }
        });
        let send = |text: String| {
            let _ = tx.send(Message::text(text));
        };
        send(self.session.join());
        let period = self.options.heartbeat;
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Set while delivery waited on a slow bot: heartbeat replies went unread meanwhile.
        let mut stalled = false;
        // Made once: the loop races it whenever it waits for a frame.
        let stopped = self.stop.cancelled();
        tokio::pin!(stopped);
        // Frames read in a row without looking at the stop and the heartbeat's timer.
        let mut in_a_row = 0;
        let ended = loop {
            let ready = if in_a_row < IN_A_ROW && !self.stop.is_cancelled() {
                std::future::poll_fn(|cx| Poll::Ready(stream.poll_next_unpin(cx))).await
            } else {
                Poll::Pending
            };
            let message = if let Poll::Ready(message) = ready {
                in_a_row += 1;
                message
            } else {
                in_a_row = 0;
                tokio::select! {
                    // The stop first: no frame is read once it is cancelled.
                    biased;
                    () = &mut stopped => break Ended::Stopped,
                    _ = heartbeat.tick() => {
                        match self.session.heartbeat() {
                            Some(frame) => send(frame),
                            None if stalled => send(self.session.keepalive()),
                            None => break Ended::Lost("no heartbeat reply".into()),
                        }
                        stalled = false;
                        continue;
                    }
                    message = stream.next() => message,
                }
            };
            let text = match message {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Close(_))) | None => {
                    break Ended::Lost("the server closed the socket".into());
                }
                Some(Err(e)) => break Ended::Lost(describe(&e)),
                Some(Ok(_)) => continue,
            };
            let delivery = match self.session.receive(&text) {
                Ok(Received::Send(frames)) => {
                    frames.into_iter().for_each(send);
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
                    break Ended::Refused(refused.to_string());
                }
            };
            match self.deliver(delivery, &mut heartbeat, &send).await {
                Some(waited) => stalled |= waited,
                None => break Ended::Stopped,
            }
        };
        if matches!(ended, Ended::Stopped) {
            send(self.session.leave());
            let _ = tx.send(Message::Close(None));
        }
        drop(tx);
        // The writer ends once it has sent everything queued (a leave and a close when stopping).
        let _ = writer.await;
        ended
    }

    /// Hands a delivery on. Returns whether that had to wait, or `None` when the bot is
    /// stopping.
    async fn deliver(
        &mut self,
        delivery: Delivery<S::Event>,
        heartbeat: &mut tokio::time::Interval,
        send: &impl Fn(String),
    ) -> Option<bool> {
        let delivery = self.out.deliver(delivery);
        tokio::pin!(delivery);
        if let Some(taken) = (&mut delivery).now_or_never() {
            return taken.then_some(false);
        }
        loop {
            tokio::select! {
                _ = self.stop.cancelled() => return None,
                taken = &mut delivery => return taken.then_some(true),
                // Keep the server from closing a socket that is only slow to be read.
                _ = heartbeat.tick() => send(self.session.keepalive()),
            }
        }
    }
}
