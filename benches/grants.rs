//! The grants dashboard at scale: 1,000,000 grants across 10,000 clients. Times the
//! real handler over HTTP (first page, and a filtered page), the managed-accounts radar
//! (`/reauth`: 12,500 flagged and 3,125 lapsed grants), and measures the peak memory of
//! streaming the whole CSV export.
//!
//! Run: `cargo bench --bench grants` (SQLite), and with
//! `LATCHKEY_BENCH_DATABASE_URL=postgres://…` for PostgreSQL.

mod support;

use std::time::{Duration, Instant};

use latchkey::config::{MailTransportKind, Settings};
use latchkey::{Application, Clock};

const CLIENTS: i64 = 10_000;
const GRANTS: i64 = 1_000_000;
const PASSWORD: &str = "violet harbour lamp 42";

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 95 / 100).min(v.len() - 1)]
}

/// Peak resident memory since the last reset, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn reset_peak() {
    // Writing 5 to clear_refs resets VmHWM to the current RSS.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The clients and grants, each table in one statement (a row generator both databases
/// understand), so a million rows take seconds: a quarter user-based, of which one in four
/// flagged and one in eight lapsed, the rest active; half the clients told their deadline.
async fn seed(db: &latchkey::store::Db, agency: i64) -> anyhow::Result<()> {
    // Rows numbered `from..to`; a chunk at a time, inside the statement timeout.
    let rows = |from: i64, to: i64| {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {to})"
        )
    };
    let postgres = db.backend == latchkey::store::Backend::Postgres;
    let mut tx = db.begin().await?;
    // PostgreSQL keeps every version of a count row that one transaction updates: a million
    // trigger updates of six rows would take hours. A bulk load counts once at the end
    // instead (SQLite updates in place, so its trigger stays on).
    if postgres {
        sqlx::query("ALTER TABLE grants DISABLE TRIGGER grant_counts_track")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO clients (agency_id, name, name_key, contact_name, contact_email, notes, created_at, updated_at)
         {} SELECT {agency}, 'Client ' || CAST(10000 + i AS TEXT), 'client ' || CAST(10000 + i AS TEXT),
                '', 'c' || CAST(i AS TEXT) || '@bench.test', '', 0, 0 FROM n",
        rows(0, CLIENTS)
    )))
    .execute(&mut *tx)
    .await?;
    const CHUNK: i64 = 50_000;
    for from in (0..GRANTS).step_by(CHUNK as usize) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO grants (agency_id, client_id, kind, asset_id, asset_name, owner_portfolio_id, mode, grantee, tasks, status, status_reason,
                             approved_by_name, approved_by_id, created_at, updated_at, due_at)
         {} SELECT {agency}, 1 + i % {CLIENTS},
                CASE WHEN i % 2 = 0 THEN 'page' ELSE 'ad_account' END,
                CAST(10000000000 + i AS TEXT), 'Asset ' || CAST(1000000 + i AS TEXT), '2000000001',
                CASE WHEN i % 4 = 0 THEN 'user' ELSE 'partner' END,
                CASE WHEN i % 4 = 0 THEN 'ava@agency.example' ELSE '1000000001' END,
                'ANALYZE',
                CASE WHEN i % 16 IN (0, 8) THEN 'needs_reauth' WHEN i % 16 = 4 THEN 'lapsed' ELSE 'active' END,
                '', 'Casey', '1', 1700000000 + i, 1700000000 + i,
                CASE WHEN i % 16 IN (0, 8) THEN 1800000000 + i WHEN i % 16 = 4 THEN 1700000000 + i ELSE NULL END
         FROM n",
        rows(from, (from + CHUNK).min(GRANTS))
    )))
    .execute(&mut *tx)
    .await?;
    }
    if postgres {
        sqlx::query(
            "INSERT INTO grant_counts (agency_id, kind, mode, status, n)
             SELECT agency_id, kind, mode, status, COUNT(*) FROM grants GROUP BY agency_id, kind, mode, status",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("ALTER TABLE grants ENABLE TRIGGER grant_counts_track")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE clients SET migration_status = 'migrating', migration_date = 1700000000, people_deadline = 1800000000 WHERE id % 2 = 0")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut settings = Settings::defaults();
    settings.bind = "127.0.0.1:0".parse()?;
    settings.data_dir =
        std::env::temp_dir().join(format!("latchkey-bench-grants-{}", std::process::id()));
    settings.database_url = support::bench_database().await?;
    // Seeding a million rows (each through the count triggers) is not what is timed.
    settings.db_statement_timeout_secs = 600;
    settings.mail_transport = MailTransportKind::Memory;
    settings.log = "warn".into();
    let app = Application::build(settings.clone(), Clock::system()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.ctx().clone();
    tokio::spawn(app.run_until(std::future::pending()));

    let (agency, _) = latchkey::bootstrap::create_owner_in(
        &state.db,
        &state.hasher,
        &state.clock,
        "Bench Agency",
        "owner@bench.test",
        "Owner",
        PASSWORD,
    )
    .await?;
    let seeding = Instant::now();
    seed(&state.db, agency).await?;
    let seeded = seeding.elapsed();
    // What the scheduled job does once a minute: refresh the planner's statistics (on
    // PostgreSQL, what autovacuum does after a bulk load).
    state.db.optimize().await?;
    if !settings.uses_sqlite() {
        sqlx::query("ANALYZE").execute(&state.db.pool).await?;
    }

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = http.get(format!("{base}/login")).send().await?;
    let csrf_cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("lk_csrf="))
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned();
    let page = login.text().await?;
    let at = page
        .find("name=\"csrf\" value=\"")
        .map(|i| i + 19)
        .unwrap_or(0);
    let token = page[at..].split('"').next().unwrap_or("").to_owned();
    let r = http
        .post(format!("{base}/login"))
        .header("cookie", &csrf_cookie)
        .header("origin", &base)
        .form(&[
            ("csrf", token.as_str()),
            ("email", "owner@bench.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await?;
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("lk_session="))
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned();
    anyhow::ensure!(!session.is_empty(), "login failed");

    // An API key for the same agency (read scope), as Settings would make it.
    let owner = latchkey::actions::Actor {
        agency_id: agency,
        user_id: None,
        label: "bench".into(),
        name: "bench".into(),
        role: latchkey::domain::Role::Owner,
        ip: "local".into(),
    };
    let api_key = latchkey::actions::api_keys::create_in(
        &state.db,
        &state.clock,
        &owner,
        "bench",
        "read",
        "never",
    )
    .await?
    .map_err(|e| anyhow::anyhow!("{e:?}"))?
    .secret
    .expose()
    .to_owned();

    let time = |path: String| {
        let (http, session, api_key) = (http.clone(), session.clone(), api_key.clone());
        async move {
            let api = path.contains("/api/v1/");
            let expect = if api {
                "\"asset_name\""
            } else if path.contains("/reauth") {
                "Client "
            } else {
                "Asset "
            };
            let mut times = Vec::new();
            for i in 0..110 {
                let t = Instant::now();
                let req = http.get(&path);
                let req = if api {
                    req.bearer_auth(&api_key)
                } else {
                    req.header("cookie", &session)
                };
                let r = req.send().await?;
                anyhow::ensure!(r.status() == 200, "status {}", r.status());
                let body = r.text().await?;
                anyhow::ensure!(body.contains(expect), "no rows");
                if i >= 10 {
                    times.push(t.elapsed());
                }
            }
            if std::env::var("LATCHKEY_BENCH_VERBOSE").is_ok() {
                let mut sorted = times.clone();
                sorted.sort();
                eprintln!(
                    "{path}: {:?}",
                    sorted.iter().step_by(10).collect::<Vec<_>>()
                );
            }
            Ok::<_, anyhow::Error>(p95(times))
        }
    };
    let first = time(format!("{base}/grants")).await?;
    let filtered = time(format!(
        "{base}/grants?client=17&mode=user&status=needs_reauth&sort=due"
    ))
    .await?;

    let api_first = time(format!("{base}/api/v1/grants")).await?;
    let api_filtered = time(format!(
        "{base}/api/v1/grants?client_id=17&mode=user&status=needs_reauth&sort=due"
    ))
    .await?;

    let radar = time(format!("{base}/reauth")).await?;
    let radar_lapsed = time(format!("{base}/reauth?status=lapsed&page=20")).await?;

    // CSV: peak memory while streaming everything, against a tenth of it.
    let mut peaks = Vec::new();
    for path in ["/grants.csv?client=1", "/grants.csv"] {
        reset_peak();
        let before = peak_rss_mib();
        let mut r = http
            .get(format!("{base}{path}"))
            .header("cookie", &session)
            .send()
            .await?;
        let mut bytes = 0usize;
        let mut lines = 0usize;
        while let Some(chunk) = r.chunk().await? {
            bytes += chunk.len();
            lines += chunk.iter().filter(|b| **b == b'\n').count();
        }
        peaks.push((path, lines - 1, bytes, peak_rss_mib() - before));
    }

    println!(
        "grants dashboard benchmark: {GRANTS} grants, {CLIENTS} clients, {} (seeded in {:.1} s)",
        if settings.uses_sqlite() {
            "SQLite"
        } else {
            "PostgreSQL"
        },
        seeded.as_secs_f64()
    );
    println!(
        "  first page, p95 of 100 requests over HTTP:    {:.1} ms",
        first.as_secs_f64() * 1000.0
    );
    println!(
        "  filtered page, p95 of 100 requests over HTTP: {:.1} ms",
        filtered.as_secs_f64() * 1000.0
    );
    println!(
        "  API GET /api/v1/grants, first page, p95:      {:.1} ms",
        api_first.as_secs_f64() * 1000.0
    );
    println!(
        "  API GET /api/v1/grants, filtered page, p95:   {:.1} ms",
        api_filtered.as_secs_f64() * 1000.0
    );
    println!(
        "  radar /reauth, p95 of 100 requests over HTTP: {:.1} ms",
        radar.as_secs_f64() * 1000.0
    );
    println!(
        "  radar lapsed tab, page 20, p95 of 100:        {:.1} ms",
        radar_lapsed.as_secs_f64() * 1000.0
    );
    for (path, rows, bytes, growth) in peaks {
        println!(
            "  {path}: {rows} rows, {:.1} MiB streamed, peak RSS growth {growth:.1} MiB (process, server and client together)",
            bytes as f64 / 1_048_576.0
        );
    }
    if std::env::var("LATCHKEY_BENCH_KEEP").is_err() {
        let _ = std::fs::remove_dir_all(&settings.data_dir);
    }
    Ok(())
}
