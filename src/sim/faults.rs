//! Faults to inject, for tests of how clients cope: `POST /_sim/faults`.
//!
//! `{"latency_ms": 200}` delays every API request, `{"graph_errors": 3}` answers the next three
//! `/api/graph` requests with HTTP 500 without running them, `{"heartbeats": false}` withholds
//! heartbeat replies, `{"refuse_upgrades_ms": 500}` answers socket upgrades with 403 for that
//! long, `{"refuse_subscriptions": 2}` refuses the next two socket subscriptions. Fields left
//! out keep their value; `{}` changes nothing.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::sim::Shared;

/// The faults in force.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    state: Mutex<InForce>,
}

#[derive(Debug, Default)]
struct InForce {
    latency: Duration,
    graph_errors: u32,
    withhold_heartbeats: bool,
    refuse_upgrades_until: Option<Instant>,
    refuse_subscriptions: u32,
}

/// A change of the faults.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(crate) struct Change {
    latency_ms: Option<u64>,
    graph_errors: Option<u32>,
    heartbeats: Option<bool>,
    refuse_upgrades_ms: Option<u64>,
    refuse_subscriptions: Option<u32>,
}

impl Faults {
    fn state(&self) -> std::sync::MutexGuard<'_, InForce> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn apply(&self, change: &Change) {
        let mut state = self.state();
        if let Some(ms) = change.latency_ms {
            state.latency = Duration::from_millis(ms);
        }
        if let Some(n) = change.graph_errors {
            state.graph_errors = n;
        }
        if let Some(on) = change.heartbeats {
            state.withhold_heartbeats = !on;
        }
        if let Some(ms) = change.refuse_upgrades_ms {
            state.refuse_upgrades_until = Some(Instant::now() + Duration::from_millis(ms));
        }
        if let Some(n) = change.refuse_subscriptions {
            state.refuse_subscriptions = n;
        }
    }

    /// Whether this `/api/graph` request is to fail (and so one fewer of the next will).
    pub(crate) fn take_graph_error(&self) -> bool {
        take_one(&mut self.state().graph_errors)
    }

    /// Whether this subscription is to be refused (and so one fewer of the next will).
    pub(crate) fn take_subscription_refusal(&self) -> bool {
        take_one(&mut self.state().refuse_subscriptions)
    }

    pub(crate) fn withholds_heartbeats(&self) -> bool {
        self.state().withhold_heartbeats
    }

    pub(crate) fn refuses_upgrades(&self) -> bool {
        self.state()
            .refuse_upgrades_until
            .is_some_and(|until| Instant::now() < until)
    }
}

/// Counts one down; whether there was one.
fn take_one(count: &mut u32) -> bool {
    let some = *count > 0;
    *count = count.saturating_sub(1);
    some
}

/// `POST /_sim/faults`.
pub(crate) async fn change(State(sim): State<Arc<Shared>>, Json(change): Json<Change>) -> Response {
    sim.faults.apply(&change);
    Json(serde_json::json!({"ok": true})).into_response()
}

/// Delays every request outside `/_sim/` by the injected latency.
pub(crate) async fn delay(
    State(sim): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let latency = sim.faults.state().latency;
    if !latency.is_zero() && !request.uri().path().starts_with("/_sim/") {
        tokio::time::sleep(latency).await;
    }
    next.run(request).await
}
