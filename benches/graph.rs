//! Sharing 50 assets with 100 ms of injected latency per Graph call: wall time with bounded
//! parallelism against one call at a time.
//!
//! Run: `cargo bench --bench graph`

use std::time::{Duration, Instant};

use latchkey::Clock;
use latchkey::meta::client::bounded;
use latchkey::meta::{AccessToken, GraphClient, GraphConfig};
use meta_sandbox::world::{AGENCY_PORTFOLIO, APP_ID, APP_SECRET};
use meta_sandbox::{Faults, Sandbox};

const ASSETS: usize = 50;
const PARALLEL: usize = 10;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let sandbox = Sandbox::new(Clock::system(), &base, None, vec![]);
    tokio::spawn(axum::serve(listener, sandbox.router()).into_future());
    let graph = GraphClient::new(GraphConfig {
        graph_base: format!("{base}/sandbox/graph"),
        dialog_base: format!("{base}/sandbox/www"),
        version: "v27.0".into(),
        app_id: APP_ID.into(),
        app_secret: APP_SECRET.into(),
        redirect_uri: format!("{base}/oauth/callback"),
        config_id: None,
        timeout: Duration::from_secs(10),
        retry: latchkey::domain::retry::Retry::Doubling {
            first: Duration::from_millis(100),
            longest: std::time::Duration::from_secs(30),
            attempts: 4,
        },
        max_throttle_wait: Duration::from_secs(60),
    })?;
    let user = AccessToken(sandbox.issue_token(
        "9100000000000001",
        &["business_management", "pages_show_list"],
        3600,
    ));
    let pages: Vec<_> = graph
        .my_pages(&user)
        .await?
        .into_iter()
        .filter(|p| p.name.starts_with("Northwind"))
        .collect();
    anyhow::ensure!(pages.len() >= 2 * ASSETS, "not enough demo Pages");
    sandbox.set_faults(Faults {
        latency_ms: 100,
        ..Faults::default()
    });

    let batch: Vec<_> = pages[..ASSETS].to_vec();
    let started = Instant::now();
    let g = graph.clone();
    let results = bounded(batch, PARALLEL, |p| {
        let g = g.clone();
        async move {
            g.share_partner(
                &p.access_token,
                &p.id,
                AGENCY_PORTFOLIO,
                &["ADVERTISE", "ANALYZE"],
            )
            .await
        }
    })
    .await;
    let parallel = started.elapsed();
    anyhow::ensure!(results.iter().all(Result::is_ok), "a share failed");

    let started = Instant::now();
    for p in &pages[ASSETS..2 * ASSETS] {
        graph
            .share_partner(
                &p.access_token,
                &p.id,
                AGENCY_PORTFOLIO,
                &["ADVERTISE", "ANALYZE"],
            )
            .await?;
    }
    let sequential = started.elapsed();

    println!(
        "graph share benchmark: {ASSETS} partner shares, 100 ms latency per call (sandbox over loopback HTTP)"
    );
    println!(
        "  bounded parallelism ({PARALLEL} in flight): {:.2} s",
        parallel.as_secs_f64()
    );
    println!(
        "  one at a time:                       {:.2} s",
        sequential.as_secs_f64()
    );
    Ok(())
}
