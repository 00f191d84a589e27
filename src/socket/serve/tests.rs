//! Writes to a server that has stopped reading end, by their time limit or by the stop.

#![allow(clippy::unwrap_used)]

use super::*;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::MaybeTlsStream;

/// A socket to a server that takes the upgrade and then reads nothing more.
async fn socket_to_a_deaf_server() -> (WebSocket, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let _socket = tokio_tungstenite::accept_async(tcp).await.unwrap();
        std::future::pending::<()>().await;
    });
    let tcp = MaybeTlsStream::Plain(TcpStream::connect(address).await.unwrap());
    let url = format!("ws://{address}/");
    let (socket, _) = tokio_tungstenite::client_async(url, tcp).await.unwrap();
    (socket, server)
}

#[tokio::test]
async fn a_write_the_server_does_not_read_ends_the_connection_in_time() {
    let (mut socket, server) = socket_to_a_deaf_server().await;
    // Far more than the kernel buffers on both ends hold.
    let frames = (0..256).map(|_| Message::text("x".repeat(1 << 20)));
    let written = write(&mut socket, frames, Duration::from_millis(300));
    let written = tokio::time::timeout(Duration::from_secs(5), written).await;
    let Ok(Err(Ended::Lost(reason))) = written else {
        panic!("the write did not end as lost within 5 s");
    };
    assert_eq!(reason, "writing to the socket timed out");
    server.abort();
}

#[tokio::test]
async fn a_stop_ends_a_write_the_server_does_not_read() {
    let (mut socket, server) = socket_to_a_deaf_server().await;
    let stop = CancellationToken::new();
    let frames = (0..256).map(|_| Message::text("x".repeat(1 << 20)));
    let sent = send(&stop, &mut socket, frames);
    tokio::pin!(sent);
    // Far more than the buffers hold: the write waits on the server.
    assert!(futures_util::poll!(&mut sent).is_pending());
    stop.cancel();
    let sent = tokio::time::timeout(Duration::from_secs(1), sent).await;
    assert!(
        matches!(sent, Ok(Err(Ended::Stopped))),
        "the stop did not end the write"
    );
    server.abort();
}
