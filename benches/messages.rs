//! E-mail and webhooks together: 1,000 e-mails and 1,000 webhook events (or
//! `LATCHKEY_BENCH_MESSAGES` of each) queued (one
//! transaction each, as the app does), then delivered by the app's own workers — the
//! outbox to a loopback SMTP server, the webhook senders to a loopback receiver — each
//! message checked to arrive once. The clock runs from the workers' start to the last
//! arrival; memory is read before and after.
//!
//! The work is done by `latchkey` processes the benchmark starts (the binary as built), so
//! each one's memory is its own.
//!
//! `LATCHKEY_BENCH_TRACE=1` prints progress and memory at every twentieth of the way.
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
use latchkey::mail::sink::SmtpSink;
use latchkey::{Application, Clock};

/// Messages of each kind (`LATCHKEY_BENCH_MESSAGES`, default 1,000).
fn each() -> usize {
    std::env::var("LATCHKEY_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

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

/// A process's resident memory by kind (anonymous, file, shared), for tracing.
fn rss_kinds(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .filter(|l| {
            l.starts_with("RssAnon:") || l.starts_with("RssFile:") || l.starts_with("RssShmem:")
        })
        .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n_each = each();
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
    // Built, not run: it prepares the database; other processes do the work.
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
    for n in 0..n_each {
        support::queue_email(&ctx, n).await?;
        support::emit_event(&ctx, agency, n as i64).await?;
    }

    // The workers run in `latchkey` processes of their own, so their memory is theirs alone
    // (the receivers here keep every message they got).
    drop(ctx);
    drop(app);
    let start = Instant::now();
    let mut children = Vec::new();
    for _ in 0..processes {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_latchkey"));
        command
            .env("LATCHKEY_BIND", "127.0.0.1:0")
            .env("LATCHKEY_DATA_DIR", &settings.data_dir)
            .env("LATCHKEY_MAIL_TRANSPORT", "smtp")
            .env("LATCHKEY_SMTP_URL", sink.url())
            .env("LATCHKEY_LOG", "warn");
        if let Some(url) = &settings.database_url {
            command.env("LATCHKEY_DATABASE_URL", url);
        }
        children.push(command.spawn()?);
    }
    // Progress and memory, read every few milliseconds until everything has arrived: each
    // process's RSS once half the messages are through, at the end and at its highest. Flat
    // memory: the second half adds nothing, and the highest does not grow with the count.
    let deadline = Instant::now() + Duration::from_secs(300);
    let rss_all = |children: &[std::process::Child]| -> Vec<f64> {
        children.iter().map(|c| rss_mb(c.id())).collect()
    };
    let mb = |v: &[f64]| {
        v.iter()
            .map(|r| format!("{r:.1} MB"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (mut half, mut peak) = (None, vec![0.0f64; processes]);
    let mut mail_took = None;
    let mut traced = 0;
    let trace = std::env::var_os("LATCHKEY_BENCH_TRACE").is_some();
    loop {
        let mails = sink.count();
        let hooks = seen.ids.lock().unwrap().0.len();
        let now = rss_all(&children);
        for (p, r) in peak.iter_mut().zip(&now) {
            *p = p.max(*r);
        }
        if half.is_none() && mails + hooks >= n_each {
            half = Some(now.clone());
        }
        if trace && (mails + hooks) * 20 / (2 * n_each) > traced {
            traced = (mails + hooks) * 20 / (2 * n_each);
            let kinds: Vec<String> = children.iter().map(|c| rss_kinds(c.id())).collect();
            println!(
                "  {:>5.1} s: {mails} e-mails, {hooks} webhooks, RSS {} ({})",
                start.elapsed().as_secs_f64(),
                mb(&now),
                kinds.join("; ")
            );
        }
        if mails >= n_each && mail_took.is_none() {
            mail_took = Some(start.elapsed());
        }
        if (mails >= n_each && hooks >= n_each) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let took = start.elapsed();
    let mail_took = mail_took.unwrap_or(took);
    let hooks_took = took;
    let end = rss_all(&children);
    let half = half.unwrap_or_default();
    let growth = end
        .iter()
        .zip(&half)
        .map(|(e, w)| e - w)
        .fold(f64::MIN, f64::max);
    let mail = sink.received();
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
        mail.len() == n_each && ids.len() == n_each,
        "e-mails: {} received, {} distinct",
        mail.len(),
        ids.len()
    );
    anyhow::ensure!(
        hooks == n_each && posts == n_each,
        "webhooks: {posts} received, {hooks} distinct"
    );

    println!(
        "messages benchmark: {n_each} e-mails (loopback SMTP) + {n_each} webhooks (loopback receiver), {backend}, {processes} process(es)"
    );
    println!(
        "  e-mails all received after {:.2} s; webhooks after {:.2} s",
        mail_took.as_secs_f64(),
        hooks_took.as_secs_f64()
    );
    println!(
        "  all {} delivered, each once, in {:.2} s: {:.0} messages/s   (goal ≥ 1,000/s)",
        2 * n_each,
        took.as_secs_f64(),
        (2 * n_each) as f64 / took.as_secs_f64()
    );
    println!(
        "  RSS of each latchkey process: {} at half-way, {} at the end, {} at the highest",
        mb(&half),
        mb(&end),
        mb(&peak)
    );
    println!("  growth over the second half: {growth:+.1} MB   (goal: flat)");
    if settings.uses_sqlite() {
        let _ = std::fs::remove_dir_all(&settings.data_dir);
    }
    Ok(())
}
