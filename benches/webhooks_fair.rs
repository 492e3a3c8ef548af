//! Webhook fairness: agency A's delivery latency while agency B's 20 endpoints (the most an
//! agency may have) all hang until the sender's timeout. A slow receiver may delay only its
//! own agency: A's p95 must stay within 2× of the quiet figure.
//!
//! Run: `cargo bench --bench webhooks_fair` (SQLite in a temp dir; set
//! `LATCHKEY_BENCH_DATABASE_URL=postgres://…` for PostgreSQL).

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use latchkey::actions::webhooks::{self, EndpointForm};

/// Events A sends in each phase, one every `PACE`.
const EVENTS: usize = 200;
const PACE: Duration = Duration::from_millis(5);

/// When each of A's events (by its `request_id`) arrived.
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<HashMap<i64, Instant>>>);

async fn fast(State(a): State<Arrivals>, body: Bytes) -> StatusCode {
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if let Some(id) = v["data"]["request_id"].as_i64() {
        a.0.lock().unwrap().entry(id).or_insert_with(Instant::now);
    }
    StatusCode::NO_CONTENT
}

/// A receiver that never answers in time.
async fn hang() -> StatusCode {
    tokio::time::sleep(Duration::from_secs(120)).await;
    StatusCode::NO_CONTENT
}

async fn serve(router: Router) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}"))
}

/// A's p95 latency (ms) for events numbered from `first`.
async fn phase(
    state: &latchkey::actions::Ctx,
    a: i64,
    arrivals: &Arrivals,
    first: i64,
) -> anyhow::Result<f64> {
    let mut sent = HashMap::new();
    for n in first..first + EVENTS as i64 {
        sent.insert(n, Instant::now());
        support::emit_event(state, a, n).await?;
        tokio::time::sleep(PACE).await;
    }
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let got = arrivals
            .0
            .lock()
            .unwrap()
            .keys()
            .filter(|k| sent.contains_key(k))
            .count();
        if got == EVENTS {
            break;
        }
        anyhow::ensure!(
            Instant::now() < until,
            "only {got} of {EVENTS} of A's events arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let seen = arrivals.0.lock().unwrap().clone();
    let mut ms: Vec<f64> = sent
        .iter()
        .map(|(n, t)| seen[n].duration_since(*t).as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    Ok(ms[(ms.len() * 95).div_ceil(100) - 1])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let arrivals = Arrivals::default();
    let fast_base = serve(
        Router::new()
            .route("/hook", post(fast))
            .with_state(arrivals.clone()),
    )
    .await?;
    let hang_base = serve(Router::new().route("/hook/{n}", post(hang))).await?;

    let support::BenchApp {
        ctx: state,
        backend,
        data_dir,
    } = support::running_app("fair", "error").await?;
    let mut agencies = Vec::new();
    for (name, email) in [("Agency A", "a@bench.test"), ("Agency B", "b@bench.test")] {
        let (id, _) = latchkey::bootstrap::create_owner_in(
            &state.db,
            &state.hasher,
            &state.clock,
            name,
            email,
            "Owner",
            "violet harbour lamp 42",
        )
        .await?;
        agencies.push(id);
    }
    let (a, b) = (agencies[0], agencies[1]);
    let form = |url: String| EndpointForm {
        url,
        description: "bench".into(),
        events: Vec::new(),
    };
    webhooks::create(
        &state,
        &support::owner(a),
        &form(format!("{fast_base}/hook")),
    )
    .await?
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    for n in 0..webhooks::MAX_ENDPOINTS {
        webhooks::create(
            &state,
            &support::owner(b),
            &form(format!("{hang_base}/hook/{n}")),
        )
        .await?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }

    let quiet = phase(&state, a, &arrivals, 0).await?;
    // B: 5 events to 20 hanging endpoints, 100 deliveries, each holding a sender until the
    // timeout (10 s), longer than A's whole phase.
    for n in 0..5 {
        support::emit_event(&state, b, 100_000 + n).await?;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    if std::env::var("FAIR_DEBUG").is_ok() {
        let rows: Vec<(i64, i64, Option<i64>, String)> = sqlx::query_as(
            "SELECT agency_id, attempts, lease_until, last_error FROM webhook_deliveries ORDER BY id DESC LIMIT 120",
        )
        .fetch_all(&state.db.pool)
        .await?;
        let leased = rows.iter().filter(|r| r.2.is_some()).count();
        println!(
            "debug: {} rows, {leased} leased; sample {:?}",
            rows.len(),
            &rows[..3]
        );
    }
    let in_flight: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE agency_id = $1 AND lease_until IS NOT NULL",
    )
    .bind(b)
    .fetch_one(&state.db.pool)
    .await?;
    let noisy = phase(&state, a, &arrivals, 10_000).await?;

    println!(
        "webhook fairness benchmark, {backend}: agency A, {EVENTS} events every {} ms",
        PACE.as_millis()
    );
    println!("  A's p95, quiet: {quiet:.1} ms");
    println!(
        "  A's p95 while B's {} endpoints hang ({in_flight} of B's deliveries in flight): {noisy:.1} ms",
        webhooks::MAX_ENDPOINTS
    );
    let ratio = noisy / quiet.max(0.001);
    println!(
        "  ratio {ratio:.2}× (goal ≤ 2×): {}",
        if ratio <= 2.0 { "met" } else { "NOT met" }
    );
    if std::env::var("LATCHKEY_BENCH_KEEP").is_err() {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    Ok(())
}
