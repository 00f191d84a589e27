//! `/api/graph`: GraphQL over HTTP with Glimesh's authorization header rules.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::protocol::{INVALID_ACCESS_TOKEN, NOT_LOGGED_IN, TOO_MANY_TOKENS};
use crate::sim::Shared;
use crate::sim::grants::Access;
use crate::sim::schema::{OverHttp, too_many_tokens};

/// The largest body Glimesh reads (Plug.Parsers' default `length`).
pub(crate) const BODY_LIMIT: usize = 8_000_000;

/// A GraphQL request body, as Absinthe.Plug reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphRequest {
    query: Option<String>,
    #[serde(default)]
    variables: Option<serde_json::Value>,
    operation_name: Option<String>,
}

fn errors(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

/// Who the request acts as, from its single `Authorization` header.
fn access(sim: &Shared, headers: &HeaderMap) -> Result<Access, Response> {
    let not_logged_in = || {
        errors(
            StatusCode::UNAUTHORIZED,
            json!({"errors": [{"message": NOT_LOGGED_IN}]}),
        )
    };
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(not_logged_in());
    };
    let value = value.to_str().unwrap_or_default();
    if let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
    {
        return sim.store.lock().grants.authenticate(token).ok_or_else(|| {
            let body = json!({"errors": [{"message": INVALID_ACCESS_TOKEN, "header_error": "invalid_access_token"}]});
            errors(StatusCode::UNAUTHORIZED, body)
        });
    }
    if let Some(client_id) = value
        .strip_prefix("Client-ID ")
        .or_else(|| value.strip_prefix("client-id "))
    {
        return match sim.store.lock().grants.app(client_id) {
            Some(_) => Ok(Access::anonymous()),
            // Glimesh's plug has no clause for an unknown client and crashes.
            None => Err(errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"errors": {"detail": "Internal Server Error"}}),
            )),
        };
    }
    Err(not_logged_in())
}

/// The type and the name of the operation the request would run, when the document parses.
fn operation(request: &GraphRequest) -> Option<(OperationType, Option<String>)> {
    let document = async_graphql::parser::parse_query(request.query.as_deref()?).ok()?;
    let mut operations = document.operations.iter();
    let (name, operation) = match &request.operation_name {
        Some(name) => operations.find(|(n, _)| n.is_some_and(|n| n.as_str() == name))?,
        None => operations.next()?,
    };
    Some((operation.node.ty, name.map(|n| n.to_string())))
}

async fn run(
    sim: &Shared,
    headers: &HeaderMap,
    request: GraphRequest,
    method_is_get: bool,
) -> Response {
    sim.store.lock().stats.graph_requests += 1;
    if sim.faults.take_graph_error() {
        return errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"errors": {"detail": "Internal Server Error"}}),
        );
    }
    let access = match access(sim, headers) {
        Ok(access) => access,
        Err(refusal) => return refusal,
    };
    let Some(query) = request.query.clone().filter(|q| !q.trim().is_empty()) else {
        return errors(
            StatusCode::BAD_REQUEST,
            json!({"errors": [{"message": "No query document supplied"}]}),
        );
    };
    if too_many_tokens(&query) {
        return Json(json!({"errors": [{"message": TOO_MANY_TOKENS}]})).into_response();
    }
    let (ty, name) = operation(&request).unzip();
    match ty {
        Some(OperationType::Subscription) => {
            let text =
                "Subscriptions cannot be run over HTTP. Please configure a websocket connection";
            return (StatusCode::METHOD_NOT_ALLOWED, text).into_response();
        }
        Some(OperationType::Mutation) if method_is_get => {
            let text = "Can only perform a mutation from a POST request";
            return (StatusCode::METHOD_NOT_ALLOWED, text).into_response();
        }
        _ => {}
    }
    let mut gql = async_graphql::Request::new(query)
        .data(access)
        .data(OverHttp {
            operation: name.flatten(),
        });
    if let Some(variables) = request.variables.filter(|v| !v.is_null()) {
        gql = gql.variables(async_graphql::Variables::from_json(variables));
    }
    if let Some(name) = request.operation_name {
        gql = gql.operation_name(name);
    }
    let response = sim.schema.execute(gql).await;
    // A document refused before it ran (parse, validation, complexity) has no `data` at all.
    if response.data == async_graphql::Value::Null && response.is_err() {
        return Json(json!({"errors": response.errors})).into_response();
    }
    Json(response).into_response()
}

/// `POST /api/graph` with a JSON body of at most [`BODY_LIMIT`] bytes.
pub(crate) async fn graph_post(
    State(sim): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(body) = body else {
        // Plug.Parsers refuses the body; Phoenix renders the status with Glimesh's error view.
        return errors(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"errors": {"detail": "Request Entity Too Large"}}),
        );
    };
    let request = serde_json::from_slice(&body).unwrap_or_default();
    run(&sim, &headers, request, false).await
}

/// `GET /api/graph?query=…&variables=…` (queries only).
pub(crate) async fn graph_get(
    State(sim): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let request = GraphRequest {
        query: params.get("query").cloned(),
        variables: params
            .get("variables")
            .and_then(|v| serde_json::from_str(v).ok()),
        operation_name: params.get("operationName").cloned(),
    };
    run(&sim, &headers, request, true).await
}
