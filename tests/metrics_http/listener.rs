//! How the listener binds, bounds its clients and stops.

use super::*;

fn config_message(error: Error) -> String {
    match error {
        Error::Config { key, message } => {
            assert_eq!(key, "metrics.listen");
            message
        }
        other => panic!("not a config error: {other}"),
    }
}

#[tokio::test]
async fn a_port_in_use_is_a_config_error_naming_the_key() {
    let taken = MetricsListener::bind("127.0.0.1:0").await.unwrap();
    let address = taken.local_addr().to_string();

    let error = MetricsListener::bind(&address).await.unwrap_err();

    let message = config_message(error);
    assert!(message.contains(&address), "{message}");
    assert!(message.contains("in use"), "{message}");
}

#[tokio::test]
async fn a_listen_value_that_is_not_an_address_is_a_config_error_naming_the_key() {
    for bad in ["localhost:9464", "127.0.0.1", "9464", "127.0.0.1:99999", ""] {
        let error = MetricsListener::bind(bad).await.unwrap_err();
        let message = config_message(error);
        assert!(
            message.contains("not an IP address and port"),
            "{bad}: {message}"
        );
    }
}

#[tokio::test]
async fn cancelling_stops_the_listener_and_frees_its_port_even_with_a_client_connected() {
    let served = serve(&Metrics::new(&["alice"], &["ping"])).await;
    scrape(served.address).await;
    let _idle = TcpStream::connect(served.address).await.unwrap();

    served.stop.cancel();
    tokio::time::timeout(Duration::from_secs(1), served.task)
        .await
        .expect("the listener did not stop within 1 s")
        .unwrap();

    assert!(TcpStream::connect(served.address).await.is_err());
    MetricsListener::bind(&served.address.to_string())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_client_that_sends_nothing_does_not_hold_up_a_scrape() {
    let served = serve(&Metrics::new(&["alice"], &["ping"])).await;
    let _silent = TcpStream::connect(served.address).await.unwrap();
    let mut halfway = TcpStream::connect(served.address).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut halfway, b"GET /metr")
        .await
        .unwrap();

    // Well before the 5 s the listener gives a client to send its request.
    let soon = Duration::from_secs(2);
    let text = tokio::time::timeout(soon, scrape(served.address))
        .await
        .unwrap();

    assert_has(&text, "glimbot_reconnects_total 0");
}

#[tokio::test]
async fn connections_past_the_limit_are_closed_unanswered() {
    let served = serve(&Metrics::new(&["alice"], &["ping"])).await;
    // The listener serves 32 connections at once; these hold every place.
    let mut held = Vec::new();
    for _ in 0..32 {
        held.push(TcpStream::connect(served.address).await.unwrap());
    }

    let mut extra = TcpStream::connect(served.address).await.unwrap();

    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(WAIT, extra.read(&mut byte))
        .await
        .unwrap();
    assert_eq!(
        read.unwrap(),
        0,
        "the connection past the limit was not closed"
    );
}
