//! `glimesh-sim`: a local Glimesh for bots, tests and tools.
//!
//! Prints one JSON line describing the world (URL, OAuth app, users, channels) on stdout, logs
//! to stderr, and serves until interrupted.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use glimbot::sim::{Sim, SimOptions, World};

/// A local Glimesh: OAuth provider, GraphQL API and Absinthe socket.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:4000")]
    listen: SocketAddr,
    /// Approve every login at once as this user, without the consent page.
    #[arg(long, value_name = "USERNAME")]
    auto_approve: Option<String>,
    /// A TOML file of extra users, channels and apps.
    #[arg(long, value_name = "FILE")]
    world: Option<PathBuf>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 86_400)]
    token_ttl: u64,
    /// Require PKCE on every authorization-code login.
    #[arg(long)]
    pkce: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("glimesh-sim: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let world = match &args.world {
        None => World::seed(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read world file {}: {e}", path.display()))?;
            World::seed_with(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
    };
    let options = SimOptions {
        listen: args.listen,
        auto_approve: args.auto_approve,
        world,
        token_ttl: Duration::from_secs(args.token_ttl),
        pkce: args.pkce,
        ..SimOptions::default()
    };
    let sim = Sim::start(options).await.map_err(|e| e.to_string())?;
    let info = serde_json::to_string(sim.info()).map_err(|e| e.to_string())?;
    println!("{info}");
    shutdown_signal().await;
    sim.shutdown().await;
    Ok(())
}

/// Ctrl-C, or SIGTERM where there is one.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
