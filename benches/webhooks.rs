//! Webhook throughput: 1,000 events (one transaction each, as the app emits them) delivered
//! by the app's own webhook worker to a loopback receiver, signed, each checked once.
//!
//! Run: `cargo bench --bench webhooks` (SQLite in a temp dir; set
//! `LATCHKEY_BENCH_DATABASE_URL=postgres://…` to measure on PostgreSQL instead).

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use latchkey::actions::webhooks::{self, EndpointForm};
use tokio::sync::Notify;

const N: usize = 1000;

#[derive(Clone, Default)]
struct Seen {
    ids: Arc<Mutex<HashSet<String>>>,
    all: Arc<Notify>,
}

async fn hook(State(s): State<Seen>, headers: HeaderMap) -> StatusCode {
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let n = {
        let mut ids = s.ids.lock().unwrap();
        ids.insert(id);
        ids.len()
    };
    if n >= N {
        s.all.notify_one();
    }
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seen = Seen::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let receiver = Router::new()
        .route("/hook", post(hook))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let support::BenchApp {
        ctx: state,
        backend,
        data_dir,
    } = support::running_app("hooks", "warn").await?;
    let (agency, _) = latchkey::bootstrap::create_owner_in(
        &state.db,
        &state.hasher,
        &state.clock,
        "Bench Agency",
        "owner@bench.test",
        "Owner",
        "violet harbour lamp 42",
    )
    .await?;
    let owner = support::owner(agency);
    let form = EndpointForm {
        url: format!("http://{addr}/hook"),
        description: "bench".into(),
        events: Vec::new(),
    };
    webhooks::create(&state, &owner, &form)
        .await?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;

    let start = Instant::now();
    for n in 0..N {
        support::emit_event(&state, agency, n as i64).await?;
    }
    let emitted = start.elapsed();
    tokio::time::timeout(Duration::from_secs(120), seen.all.notified())
        .await
        .map_err(|_| anyhow::anyhow!("only {} delivered", seen.ids.lock().unwrap().len()))?;
    let total = start.elapsed();
    let delivered: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'")
            .fetch_one(&state.db.pool)
            .await?;

    println!("webhook benchmark: {N} events, {backend}, loopback receiver");
    println!(
        "  emitted (one transaction each) in {:.2} s",
        emitted.as_secs_f64()
    );
    println!(
        "  all {N} received, each once, {:.2} s after the first: {:.0} events/s",
        total.as_secs_f64(),
        N as f64 / total.as_secs_f64()
    );
    println!("  recorded as delivered so far: {delivered}");
    if std::env::var("LATCHKEY_BENCH_KEEP").is_err() {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    Ok(())
}
