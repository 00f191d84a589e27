//! The GraphQL API over HTTP, typed by graphql_client, authorized by [`Credentials`].

pub mod queries;

use std::sync::Arc;
use std::time::{Duration, Instant};

use graphql_client::GraphQLQuery;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use url::Url;

use crate::auth::Credentials;
use crate::backoff::{Backoff, retry};
use crate::error::{Error, Result};
use crate::http::{read_body, send};
use crate::metrics::{ApiOutcome, Metrics};
use crate::protocol::GRAPH_PATH;
use crate::secret::Secret;

/// How many times a request that failed for a transient cause is tried in all.
const API_ATTEMPTS: u32 = 4;

/// The most bytes of an API answer that are read: far above any answer glimbot asks for.
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// A client of one instance's GraphQL API. Cloning it is cheap; clones share the credentials.
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    graph_url: Url,
    credentials: Arc<Credentials>,
    metrics: Metrics,
}

impl Api {
    /// A client that authorizes as `credentials`, at their application's instance.
    ///
    /// # Errors
    /// [`Error::Config`] when the base URL cannot hold the API path; [`Error::Http`] when the
    /// HTTP client cannot be built.
    pub fn new(credentials: Arc<Credentials>) -> Result<Self> {
        let graph_url = credentials
            .app()
            .base_url
            .join(GRAPH_PATH)
            .map_err(|e| Error::Config {
                key: "glimesh.base_url".into(),
                message: format!("cannot form the API URL: {e}"),
            })?;
        Ok(Self {
            http: crate::http::client()?,
            graph_url,
            credentials,
            metrics: Metrics::disabled(),
        })
    }

    /// Counts each request in `metrics`.
    pub(crate) fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// The credentials requests are made with.
    pub fn credentials(&self) -> &Arc<Credentials> {
        &self.credentials
    }

    /// Runs one operation. A 401 gets the token replaced (refreshed, or a new login) and the
    /// request sent once more.
    ///
    /// # Errors
    /// [`Error::GraphQl`] with the server's messages when the operation reports errors,
    /// [`Error::Auth`] when the server refuses even a new token, transport errors and timeouts.
    pub async fn run<Q: GraphQLQuery>(&self, variables: Q::Variables) -> Result<Q::ResponseData> {
        let started = Instant::now();
        let answer = self.answer::<Q>(variables).await;
        self.metrics
            .api_request(ApiOutcome::of(&answer), started.elapsed());
        answer
    }

    async fn answer<Q: GraphQLQuery>(&self, variables: Q::Variables) -> Result<Q::ResponseData> {
        let body = Q::build_query(variables);
        let mut token = self.credentials.access_token().await?;
        let mut response = self.post(&body, &token).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            tracing::info!("the API refused the token; replacing it");
            token = self.credentials.rejected(&token).await?;
            response = self.post(&body, &token).await?;
        }
        let status = response.status();
        let body = read_body(response, MAX_ANSWER_BYTES, "the API's answer").await?;
        if status == StatusCode::UNAUTHORIZED {
            return Err(Error::Auth(
                first_message(&body).unwrap_or_else(|| status.to_string()),
            ));
        }
        if !status.is_success() {
            return Err(Error::http(format!("the API answered {status}")));
        }
        let answer: graphql_client::Response<Q::ResponseData> = serde_json::from_slice(&body)
            .map_err(|e| Error::http_caused("the API answer is not GraphQL JSON", e))?;
        match (answer.data, answer.errors.unwrap_or_default()) {
            (Some(data), errors) if errors.is_empty() => Ok(data),
            (_, errors) if !errors.is_empty() => Err(Error::GraphQl(
                errors.into_iter().map(|e| e.message).collect(),
            )),
            _ => Err(Error::GraphQl(vec!["the answer has no data".into()])),
        }
    }

    /// Posts a request, trying again with backoff while it fails in transport or with a
    /// server error. A request that timed out may have run, so a retried mutation can run
    /// twice; a 5xx answer or a refused connection means it did not reach the API.
    async fn post<B: serde::Serialize>(
        &self,
        body: &B,
        token: &Secret,
    ) -> Result<reqwest::Response> {
        let attempt = || async {
            let request = self
                .http
                .post(self.graph_url.clone())
                .header(AUTHORIZATION, format!("Bearer {}", token.expose()))
                .header(ACCEPT, "application/json")
                .json(body);
            let response = send(request, "calling the API").await?;
            match response.status() {
                status if status.is_server_error() => {
                    Err(Error::http(format!("the API answered {status}")))
                }
                _ => Ok(response),
            }
        };
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        retry(API_ATTEMPTS, backoff, "an API request", attempt).await
    }
}

/// The first `errors[].message` of a GraphQL error body.
fn first_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(value["errors"][0]["message"].as_str()?.to_owned())
}
