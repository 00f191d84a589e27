//! The HTTP listener of `/metrics`, `/healthz` and `/readyz`.
//!
//! hyper does the HTTP; this file bounds it: one request per connection, headers read within
//! [`HEADER_READ_TIMEOUT`], a connection done within [`CONNECTION_TIMEOUT`], at most
//! [`MAX_CONNECTIONS`] at once, and a stop that closes the port at once.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use prometheus_client::encoding::prometheus_text;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::Metrics;
use super::health::{self, Report};
use crate::error::{Error, Result};

/// The configuration key of the listen address, named in binding errors.
const LISTEN_KEY: &str = "metrics.listen";
/// How long a client may take to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one connection may last, answer included (a scrape times out after 10 s by default).
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);
/// The most connections served at once; more are closed unanswered.
const MAX_CONNECTIONS: usize = 32;
/// The largest request head read (hyper's smallest allowed buffer).
const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// The most request headers read.
const MAX_HEADERS: usize = 32;
/// How long answers under way may take to finish once stopped.
const STOP_GRACE: Duration = Duration::from_millis(500);
/// How long to wait before accepting again after the system refused (out of file handles).
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// A bound listener, ready to [`serve`](Self::serve).
#[derive(Debug)]
pub struct MetricsListener {
    listener: TcpListener,
    address: SocketAddr,
}

impl MetricsListener {
    /// Listens on `listen`, an IP address and port such as `127.0.0.1:9464` (port 0 picks a free
    /// one).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming `metrics.listen` when `listen` is not an address, the port is in
    /// use, or the system refuses it.
    pub async fn bind(listen: &str) -> Result<Self> {
        let address: SocketAddr = listen.trim().parse().map_err(|_| {
            config_error(format!(
                "`{listen}` is not an IP address and port; write one such as 127.0.0.1:9464"
            ))
        })?;
        let listener = TcpListener::bind(address).await.map_err(|e| {
            config_error(match e.kind() {
                std::io::ErrorKind::AddrInUse => format!(
                    "{address} is in use by another program; pick another port or stop that program"
                ),
                _ => format!("cannot listen on {address}: {e}"),
            })
        })?;
        let address = listener
            .local_addr()
            .map_err(|e| config_error(format!("cannot read the address listened on ({e})")))?;
        Ok(Self { listener, address })
    }

    /// The address listened on, with the port the system picked for port 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Answers requests until `stop` is cancelled; then closes the port at once and returns
    /// within half a second.
    ///
    /// Each connection carries one request, whose head must arrive within 5 s and fit in 8 KiB;
    /// at most 32 connections are served at once, and more are closed unanswered.
    pub async fn serve(self, metrics: Metrics, stop: CancellationToken) {
        let room = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let mut connections = JoinSet::new();
        loop {
            let accepted = tokio::select! {
                _ = stop.cancelled() => break,
                accepted = self.listener.accept() => accepted,
            };
            while connections.try_join_next().is_some() {}
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "the metrics listener could not accept");
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(ACCEPT_RETRY) => continue,
                    }
                }
            };
            let Ok(permit) = Arc::clone(&room).try_acquire_owned() else {
                tracing::debug!("the metrics listener is full; closing a connection");
                continue;
            };
            connections.spawn(answer(stream, permit, metrics.clone(), stop.clone()));
        }
        drop(self.listener);
        let finished = async { while connections.join_next().await.is_some() {} };
        if tokio::time::timeout(STOP_GRACE, finished).await.is_err() {
            connections.abort_all();
        }
    }
}

fn config_error(message: String) -> Error {
    Error::Config {
        key: LISTEN_KEY.to_owned(),
        message,
    }
}

/// Serves one connection: one request, bounded in size and time.
async fn answer(
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    metrics: Metrics,
    stop: CancellationToken,
) {
    let service = service_fn(move |request| {
        let response = respond(&metrics, &request);
        async move { Ok::<_, Infallible>(response) }
    });
    let mut connection = pin!(
        http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .max_buf_size(MAX_REQUEST_BYTES)
            .max_headers(MAX_HEADERS)
            .keep_alive(false)
            .serve_connection(TokioIo::new(stream), service)
    );
    let result = tokio::select! {
        result = tokio::time::timeout(CONNECTION_TIMEOUT, connection.as_mut()) => result,
        _ = stop.cancelled() => {
            connection.as_mut().graceful_shutdown();
            tokio::time::timeout(STOP_GRACE, connection.as_mut()).await
        }
    };
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(error = %e, "a metrics connection failed"),
        Err(_) => tracing::debug!("a metrics connection took too long; closed"),
    }
}

fn respond(metrics: &Metrics, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let Some(instruments) = &metrics.0 else {
        return text(StatusCode::NOT_FOUND, "metrics are off\n");
    };
    if request.method() != Method::GET {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
        return response;
    }
    match request.uri().path() {
        "/metrics" => match instruments.encode() {
            Ok(body) => with_type(StatusCode::OK, prometheus_text::CONTENT_TYPE, body),
            Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "could not encode\n"),
        },
        "/healthz" => json(health::health(instruments)),
        "/readyz" => json(health::readiness(instruments)),
        _ => text(
            StatusCode::NOT_FOUND,
            "not found; try /metrics, /healthz or /readyz\n",
        ),
    }
}

fn json(report: Report) -> Response<Full<Bytes>> {
    let status = match report.ok {
        true => StatusCode::OK,
        false => StatusCode::SERVICE_UNAVAILABLE,
    };
    with_type(status, "application/json", report.body)
}

fn text(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    with_type(status, "text/plain; charset=utf-8", body.to_owned())
}

fn with_type(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
