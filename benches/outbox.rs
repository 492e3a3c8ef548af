//! E-mail throughput: enqueue 1,000 messages (one transaction each, as the app does) and
//! deliver them through the outbox worker to a loopback SMTP server, reusing connections.
//!
//! Run: `cargo bench --bench outbox` (SQLite in a temp dir; set
//! `LATCHKEY_BENCH_DATABASE_URL=postgres://…` to measure on PostgreSQL instead).

mod support;

use std::time::{Duration, Instant};

use latchkey::config::{MailTransportKind, Settings};
use latchkey::mail::sink::SmtpSink;
use latchkey::{Application, Clock};

const N: usize = 1000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sink = SmtpSink::start().await?;
    let mut settings = Settings::defaults();
    settings.bind = "127.0.0.1:0".parse()?;
    settings.data_dir = std::env::temp_dir().join(format!("latchkey-bench-{}", std::process::id()));
    settings.database_url = std::env::var("LATCHKEY_BENCH_DATABASE_URL").ok();
    settings.mail_transport = MailTransportKind::Smtp;
    settings.smtp_url = Some(sink.url());
    settings.log = "warn".into();
    let backend = if settings.uses_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let senders = settings.mail_senders;

    let app = Application::build(settings.clone(), Clock::system()).await?;
    let state = app.ctx().clone();
    tokio::spawn(app.run_until(std::future::pending()));

    let start = Instant::now();
    for n in 0..N {
        support::queue_email(&state, n).await?;
        state.mailer.wake();
    }
    let enqueued = start.elapsed();
    let got = sink.wait_for(N, Duration::from_secs(120)).await;
    let total = start.elapsed();
    anyhow::ensure!(got.len() == N, "only {} of {N} delivered", got.len());
    let mut ids: Vec<_> = got.iter().filter_map(|m| m.header("Message-ID")).collect();
    ids.sort();
    ids.dedup();
    anyhow::ensure!(ids.len() == N, "duplicates delivered");

    println!("outbox benchmark ({backend}, {senders} senders, loopback SMTP)");
    println!(
        "  enqueued {N} e-mails in {:.2} s ({:.0}/s)",
        enqueued.as_secs_f64(),
        N as f64 / enqueued.as_secs_f64()
    );
    println!(
        "  enqueued and delivered {N} e-mails in {:.2} s",
        total.as_secs_f64()
    );
    println!(
        "  throughput: {:.0} e-mails per second",
        N as f64 / total.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&settings.data_dir);
    Ok(())
}
