//! What several benchmarks share.
// Each benchmark includes this module and uses part of it.
#![allow(dead_code)]

/// A fresh database on the PostgreSQL server named by `LATCHKEY_BENCH_DATABASE_URL`, so a
/// run never meets an earlier one's rows; None means SQLite.
pub async fn bench_database() -> anyhow::Result<Option<String>> {
    let Ok(admin) = std::env::var("LATCHKEY_BENCH_DATABASE_URL") else {
        return Ok(None);
    };
    sqlx::any::install_default_drivers();
    let name = format!("lk_bench_{}", std::process::id());
    let pool = sqlx::AnyPool::connect(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await?;
    pool.close().await;
    let mut url = url::Url::parse(&admin)?;
    url.set_path(&format!("/{name}"));
    Ok(Some(url.to_string()))
}

/// A benchmark's own app, built and running in this process: a free port, its own data
/// dir, mail kept in memory, the database `LATCHKEY_BENCH_DATABASE_URL` names (else SQLite).
pub async fn running_app(name: &str, log: &str) -> anyhow::Result<BenchApp> {
    let mut settings = latchkey::config::Settings::defaults();
    settings.bind = "127.0.0.1:0".parse()?;
    settings.data_dir =
        std::env::temp_dir().join(format!("latchkey-bench-{name}-{}", std::process::id()));
    settings.database_url = bench_database().await?;
    settings.mail_transport = latchkey::config::MailTransportKind::Memory;
    settings.log = log.into();
    let backend = if settings.uses_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let data_dir = settings.data_dir.clone();
    let app = latchkey::Application::build(settings, latchkey::Clock::system()).await?;
    let ctx = app.ctx().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    Ok(BenchApp {
        ctx,
        backend,
        data_dir,
    })
}

/// A running benchmark app.
pub struct BenchApp {
    pub ctx: std::sync::Arc<latchkey::actions::Ctx>,
    /// "SQLite" or "PostgreSQL", for the printed figures.
    pub backend: &'static str,
    /// Removed when an SQLite run ends.
    pub data_dir: std::path::PathBuf,
}

/// The agency's owner, acting from the benchmark.
pub fn owner(agency: i64) -> latchkey::actions::Actor {
    latchkey::actions::Actor {
        agency_id: agency,
        user_id: None,
        label: "bench".into(),
        name: "bench".into(),
        role: latchkey::domain::Role::Owner,
        ip: "local".into(),
    }
}

/// One webhook event in its own transaction, as the app emits them, then the bell.
pub async fn emit_event(ctx: &latchkey::actions::Ctx, agency: i64, n: i64) -> anyhow::Result<()> {
    use latchkey::domain::webhook::EventType;
    let mut tx = ctx.db.begin().await?;
    let data = serde_json::json!({"client_id": 1, "request_id": n});
    let now = ctx.clock.now();
    latchkey::actions::webhooks::emit(&mut tx, agency, EventType::RequestOpened, data, now).await?;
    tx.commit().await?;
    ctx.webhook_bell.notify_one();
    Ok(())
}

/// Queues benchmark e-mail number `n` in its own transaction, as the app queues mail.
pub async fn queue_email(ctx: &latchkey::actions::Ctx, n: usize) -> anyhow::Result<()> {
    let email = latchkey::mail::OutgoingEmail {
        kind: "bench",
        to: format!("client{n}@bench.test"),
        subject: format!("Benchmark message {n}"),
        text: "Plain text body with a link: http://127.0.0.1:8080/r/lkr_example\n".repeat(5),
        html: "<p>HTML body with a <a href=\"http://127.0.0.1:8080/r/lkr_example\">link</a></p>"
            .repeat(5),
        from_name: None,
        reply_to: None,
    };
    let mut tx = ctx.db.begin().await?;
    ctx.queue_mail(&mut tx, None, &email, ctx.clock.now())
        .await?;
    tx.commit().await?;
    Ok(())
}
