//! Starting, restarting and stopping a [`Sim`]: binding the listener, serving the routes of
//! Glimesh and of `/_sim/`, and what a running emulator tells about itself.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::protocol::{
    AUTHORIZE_PATH, GRAPH_PATH, INTROSPECT_PATH, REVOKE_PATH, SOCKET_PATH, TOKEN_PATH,
};
use crate::sim::{
    ChannelInfo, Shared, Sim, SimError, SimOptions, Stats, UserInfo, WorldInfo, api, control,
    faults, oauth, schema, socket, store,
};

impl Sim {
    /// Binds the listener and starts serving.
    ///
    /// # Errors
    /// [`SimError::Bind`] when the address cannot be bound, [`SimError::UnknownUser`] when
    /// `auto_approve` names nobody.
    pub async fn start(options: SimOptions) -> Result<Sim, SimError> {
        let listener =
            TcpListener::bind(options.listen)
                .await
                .map_err(|source| SimError::Bind {
                    addr: options.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: options.listen,
            source,
        })?;
        let base_url = format!("http://{addr}");
        let store = Arc::new(store::Store::new(&options.world));
        store.lock().grants.token_ttl_secs = options.token_ttl.as_secs() as i64;
        let auto_approve = match &options.auto_approve {
            None => None,
            Some(name) => Some(
                store
                    .lock()
                    .user_by_name(name)
                    .map(|u| u.id)
                    .ok_or_else(|| SimError::UnknownUser(name.clone()))?,
            ),
        };
        let info = world_info(&store, &base_url);
        let shared = Arc::new(Shared {
            schema: schema::build(Arc::clone(&store), base_url.clone()),
            store,
            base_url,
            auto_approve,
            pkce: options.pkce,
            idle_timeout: options.idle_timeout,
            socket_drops: watch::Sender::new(0),
            faults: faults::Faults::default(),
        });
        let (stop, task) = serve(listener, Arc::clone(&shared));
        tracing::info!(url = %info.url, "emulator listening");
        Ok(Sim {
            addr,
            info,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Stops serving and starts again on the same address with the same state, as a server
    /// restarted over its database: every socket is cut, tokens and messages stay.
    ///
    /// # Errors
    /// [`SimError::Bind`] when the address cannot be bound again.
    pub async fn restart(&mut self) -> Result<(), SimError> {
        self.stop_serving().await;
        let listener = TcpListener::bind(self.addr)
            .await
            .map_err(|source| SimError::Bind {
                addr: self.addr,
                source,
            })?;
        let (stop, task) = serve(listener, Arc::clone(&self.shared));
        self.stop = Some(stop);
        self.task = Some(task);
        Ok(())
    }

    async fn stop_serving(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.info.url
    }

    /// The world: the application's credentials, users and channels.
    pub fn info(&self) -> &WorldInfo {
        &self.info
    }

    /// The counters of `GET /_sim/stats`.
    pub fn stats(&self) -> Stats {
        self.shared.store.lock().stats.clone()
    }

    /// Stops the server, closes every socket, and waits until it has stopped.
    pub async fn shutdown(mut self) {
        self.stop_serving().await;
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn world_info(store: &store::Store, base_url: &str) -> WorldInfo {
    let state = store.lock();
    let app = state.grants.apps.first();
    WorldInfo {
        url: base_url.to_owned(),
        client_id: app.map(|a| a.client_id.clone()).unwrap_or_default(),
        client_secret: app.map(|a| a.client_secret.clone()).unwrap_or_default(),
        redirect_uri: app
            .and_then(|a| a.redirect_uris.first().cloned())
            .unwrap_or_default(),
        users: state
            .users
            .iter()
            .map(|u| UserInfo {
                id: u.id.to_string(),
                username: u.username.clone(),
            })
            .collect(),
        channels: state
            .channels
            .iter()
            .map(|c| ChannelInfo {
                id: c.id.to_string(),
                streamer: state
                    .user(c.streamer_id)
                    .map(|u| u.username.clone())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

/// Serves until the returned sender fires (or is dropped).
fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
) -> (tokio::sync::oneshot::Sender<()>, JoinHandle<()>) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let drops = shared.socket_drops.clone();
    let app = router(shared);
    let task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
            // Open sockets would keep a graceful shutdown waiting forever.
            drops.send_modify(|n| *n += 1);
        };
        // Small frames (socket replies) would otherwise wait for the client's delayed ACK.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "emulator server failed");
        }
    });
    (stop, task)
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            AUTHORIZE_PATH,
            get(oauth::authorize_page).post(oauth::authorize_answer),
        )
        .route(TOKEN_PATH, post(oauth::token))
        .route(REVOKE_PATH, post(oauth::revoke))
        .route(INTROSPECT_PATH, post(oauth::introspect))
        .route(
            GRAPH_PATH,
            get(api::graph_get)
                .post(api::graph_post)
                .layer(DefaultBodyLimit::max(api::BODY_LIMIT)),
        )
        .route(SOCKET_PATH, get(socket::upgrade))
        .nest(
            "/_sim",
            control::routes().route("/faults", post(faults::change)),
        )
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            faults::delay,
        ))
        .with_state(shared)
}
