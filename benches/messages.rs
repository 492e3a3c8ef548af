//! E-mail and webhooks together: 1,000 e-mails and 1,000 webhook events queued (one
//! transaction each, as the app does), then delivered by the app's own workers — the
//! outbox to a loopback SMTP server, the webhook senders to a loopback receiver — each
//! message checked to arrive once. The clock runs from the workers' start to the last
//! arrival; memory is read before and after.
//!
//! Run: `cargo bench --bench messages` (one process, SQLite in a temp dir), or with
//! `LATCHKEY_BENCH_DATABASE_URL=postgres://… LATCHKEY_BENCH_PROCESSES=2` (two `latchkey`
//! processes on one PostgreSQL database, started by the benchmark).

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use latchkey::actions::webhooks::{self, EndpointForm};
use latchkey::config::{MailTransportKind, Settings};
use latchkey::mail::OutgoingEmail;
use latchkey::mail::sink::SmtpSink;
use latchkey::{Application, Clock};

const N: usize = 1000;

/// The webhook receiver: every id it got, and how many posts.
#[derive(Clone, Default)]
struct Seen {
    ids: Arc<Mutex<(HashSet<String>, usize)>>,
}

async fn hook(State(s): State<Seen>, headers: HeaderMap) -> StatusCode {
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut seen = s.ids.lock().unwrap();
    seen.0.insert(id);
    seen.1 += 1;
    StatusCode::NO_CONTENT
}

/// Resident memory of a process, in MB (Linux).
fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let processes: usize = std::env::var("LATCHKEY_BENCH_PROCESSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let sink = SmtpSink::start().await?;
    let seen = Seen::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let receiver = Router::new()
        .route("/hook", post(hook))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let mut settings = Settings::defaults();
    settings.bind = "127.0.0.1:0".parse()?;
    settings.data_dir =
        std::env::temp_dir().join(format!("latchkey-bench-messages-{}", std::process::id()));
    settings.database_url = support::bench_database().await?;
    anyhow::ensure!(
        processes == 1 || settings.database_url.is_some(),
        "several processes share a PostgreSQL database: set LATCHKEY_BENCH_DATABASE_URL"
    );
    settings.mail_transport = MailTransportKind::Smtp;
    settings.smtp_url = Some(sink.url());
    settings.log = "warn".into();
    let backend = if settings.uses_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    // Built, not run: its workers start when the clock does (one process), or other
    // processes do the work.
    let app = Application::build(settings.clone(), Clock::system()).await?;
    let ctx = app.ctx().clone();
    let (agency, _) = latchkey::bootstrap::create_owner_in(
        &ctx.db,
        &ctx.hasher,
        &ctx.clock,
        "Bench Agency",
        "owner@bench.test",
        "Owner",
        "violet harbour lamp 42",
    )
    .await?;
    let form = EndpointForm {
        url: format!("http://{addr}/hook"),
        description: "bench".into(),
        events: Vec::new(),
    };
    webhooks::create(&ctx, &support::owner(agency), &form)
        .await?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    for n in 0..N {
        let email = OutgoingEmail {
            kind: "bench",
            to: format!("client{n}@bench.test"),
            subject: format!("Benchmark message {n}"),
            text: "Plain text body with a link: http://127.0.0.1:8080/r/lkr_example\n".repeat(5),
            html:
                "<p>HTML body with a <a href=\"http://127.0.0.1:8080/r/lkr_example\">link</a></p>"
                    .repeat(5),
            from_name: None,
            reply_to: None,
        };
        let mut tx = ctx.db.begin().await?;
        ctx.queue_mail(&mut tx, None, &email, ctx.clock.now())
            .await?;
        tx.commit().await?;
        support::emit_event(&ctx, agency, n as i64).await?;
    }

    let mut children = Vec::new();
    let rss_before;
    let start = Instant::now();
    if processes == 1 {
        rss_before = rss_mb(std::process::id());
        tokio::spawn(app.run_until(std::future::pending()));
    } else {
        drop(app);
        for _ in 0..processes {
            let child = std::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
                .env("LATCHKEY_BIND", "127.0.0.1:0")
                .env("LATCHKEY_DATA_DIR", &settings.data_dir)
                .env(
                    "LATCHKEY_DATABASE_URL",
                    settings.database_url.as_deref().unwrap_or_default(),
                )
                .env("LATCHKEY_MAIL_TRANSPORT", "smtp")
                .env("LATCHKEY_SMTP_URL", sink.url())
                .env("LATCHKEY_LOG", "warn")
                .spawn()?;
            children.push(child);
        }
        rss_before = 0.0;
    }
    let mail = sink.wait_for(N, Duration::from_secs(120)).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    while seen.ids.lock().unwrap().0.len() < N && Instant::now() < deadline {
        // Polling the receiver's count with a deadline.
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let took = start.elapsed();
    let rss_after: Vec<f64> = if children.is_empty() {
        vec![rss_mb(std::process::id())]
    } else {
        children.iter().map(|c| rss_mb(c.id())).collect()
    };
    for c in &mut children {
        let _ = c.kill();
        let _ = c.wait();
    }
    let (hooks, posts) = {
        let s = seen.ids.lock().unwrap();
        (s.0.len(), s.1)
    };
    let mut ids: Vec<_> = mail.iter().filter_map(|m| m.header("Message-ID")).collect();
    ids.sort();
    ids.dedup();
    anyhow::ensure!(
        mail.len() == N && ids.len() == N,
        "e-mails: {} received, {} distinct",
        mail.len(),
        ids.len()
    );
    anyhow::ensure!(
        hooks == N && posts == N,
        "webhooks: {posts} received, {hooks} distinct"
    );

    println!(
        "messages benchmark: {N} e-mails (loopback SMTP) + {N} webhooks (loopback receiver), {backend}, {processes} process(es)"
    );
    println!(
        "  all {} delivered, each once, in {:.2} s: {:.0} messages/s   (goal ≥ 1,000/s)",
        2 * N,
        took.as_secs_f64(),
        (2 * N) as f64 / took.as_secs_f64()
    );
    if children.is_empty() {
        println!(
            "  RSS {rss_before:.1} MB before the workers ran, {:.1} MB after",
            rss_after[0]
        );
    } else {
        let each: Vec<String> = rss_after.iter().map(|m| format!("{m:.1} MB")).collect();
        println!("  RSS of each process at the end: {}", each.join(", "));
    }
    if settings.uses_sqlite() {
        let _ = std::fs::remove_dir_all(&settings.data_dir);
    }
    Ok(())
}
