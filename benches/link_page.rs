//! The client's link page at line rate. In one process and one run: a bare axum router
//! serving the robots.txt bytes (the yardstick), Latchkey's `/robots.txt` (the static route
//! through the whole middleware stack) and `/r/<token>` (a link whose open is already
//! recorded, viewed by the same person again). Each is loaded by 32 keep-alive connections
//! for 4 s a round; the median round is reported with its p99. The link and `/healthz` run
//! in seven pairs of rounds, and their ratio is the median of the pairs' ratios.
//!
//! Goals ("speed at the limit" issue): `/r/` ≥ 80 % of `/healthz` (one `SELECT 1` through the
//! pool, loaded in the same rounds), p99 ≤ 5 ms; the static route ≥ 70 % of the bare router;
//! peak RSS ≤ 50 MB.
//!
//! Run: `cargo bench --bench link_page` (SQLite), and with
//! `LATCHKEY_BENCH_DATABASE_URL=postgres://…` for PostgreSQL. `LATCHKEY_BENCH_ONLY=link` (or
//! `healthz`) loads just that path for one round, to run under a profiler; `read` (or
//! `select1`) runs just the link's read (or `SELECT 1`) from 32 tasks, without HTTP.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use latchkey::config::{MailTransportKind, Settings};
use latchkey::{Application, Clock};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CONNECTIONS: usize = 32;
const ROUND: Duration = Duration::from_secs(4);
/// Rounds of the static routes.
const ROUNDS: usize = 3;
/// Rounds of the link page and `/healthz`, each round a pair.
const PAIRED_ROUNDS: usize = 7;
const PASSWORD: &str = "violet harbour lamp 42";
const UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";
const ROBOTS: &str = "User-agent: *\nDisallow: /r/\nDisallow: /invite/\nDisallow: /password/\n";

/// Peak resident memory of this process, in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        * 1024.0
        / 1e6
}

/// Reads one HTTP/1.1 response (Content-Length bodies) from `stream`; false on failure.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            if !head.starts_with("http/1.1 200") {
                return false;
            }
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            return true;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Latencies in 1 µs buckets up to 50 ms (and one bucket beyond): a few hundred KB per
/// connection, so the load generator adds little to the process's RSS.
const BUCKETS: usize = 50_000;

/// Requests per second and p99 of `path` at `addr` over one round.
async fn load(addr: String, path: String) -> (f64, Duration) {
    let stop = Arc::new(AtomicBool::new(false));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: {UA}\r\n\r\n");
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (addr, request, stop) = (addr.clone(), request.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.expect("connect");
            stream.set_nodelay(true).ok();
            let mut buf = Vec::with_capacity(32 * 1024);
            let mut hist = vec![0u32; BUCKETS + 1];
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if stream.write_all(request.as_bytes()).await.is_err()
                    || !read_response(&mut stream, &mut buf).await
                {
                    panic!(
                        "request to {addr} failed: {}",
                        String::from_utf8_lossy(&buf)
                    );
                }
                let us = (t.elapsed().as_micros() as usize).min(BUCKETS);
                hist[us] += 1;
            }
            hist
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(ROUND).await;
    stop.store(true, Ordering::Relaxed);
    let mut hist = vec![0u64; BUCKETS + 1];
    for t in tasks {
        for (i, n) in t.await.expect("load task").into_iter().enumerate() {
            hist[i] += u64::from(n);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let total: u64 = hist.iter().sum();
    let mut seen = 0;
    let mut p99 = BUCKETS;
    for (us, n) in hist.iter().enumerate() {
        seen += n;
        if seen * 100 >= total * 99 {
            p99 = us;
            break;
        }
    }
    (total as f64 / secs, Duration::from_micros(p99 as u64))
}

/// Queries per second from 32 tasks over one round: the link's read as a view makes it
/// (`token_hash`) or, without one, `/healthz`'s `SELECT 1` through the pool.
async fn db_rate(db: latchkey::store::Db, token_hash: Option<String>) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (db, hash, stop) = (db.clone(), token_hash.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                match &hash {
                    Some(h) => {
                        let head = latchkey::store::links::link_head(&db, h).await;
                        assert!(matches!(head, Ok(Some(_))), "the link's read failed");
                    }
                    None => db.ping().await.expect("SELECT 1"),
                }
                // On SQLite the link's read never waits for another thread, so the loop
                // must give the timer its turn.
                tokio::task::yield_now().await;
                n += 1;
            }
            n
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(ROUND).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("query task");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

fn median(mut v: Vec<(f64, Duration)>) -> (f64, Duration) {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    // As `latchkey` itself does, before any thread starts.
    latchkey::memory::cap_allocator_arenas();
    tokio::runtime::Runtime::new()?.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let mut settings = Settings::defaults();
    settings.bind = "127.0.0.1:0".parse()?;
    settings.data_dir =
        std::env::temp_dir().join(format!("latchkey-bench-link-{}", std::process::id()));
    settings.database_url = support::bench_database().await?;
    settings.mail_transport = MailTransportKind::Memory;
    settings.workers = false;
    settings.log = "warn".into();
    let backend = if settings.uses_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let app = Application::build(settings, Clock::system()).await?;
    let addr = format!("127.0.0.1:{}", app.port());
    let state = app.ctx().clone();
    tokio::spawn(app.run_until(std::future::pending()));

    // The yardstick: the same bytes from a bare router in this process.
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let bare_addr = bare.local_addr()?.to_string();
    let bare_router = Router::new().route(
        "/robots.txt",
        get(|| async { ([("content-type", "text/plain; charset=utf-8")], ROBOTS) }),
    );
    tokio::spawn(async move { axum::serve(bare, bare_router).await });

    // An agency, a client and a link, made the way staff make them.
    latchkey::bootstrap::create_owner_in(
        &state.db,
        &state.hasher,
        &state.clock,
        "Bench Agency",
        "owner@bench.test",
        "Olivia Owner",
        PASSWORD,
    )
    .await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .user_agent(UA)
        .build()?;
    let base = format!("http://{addr}");
    let token_in = |body: &str| -> String {
        let at = body.find("name=\"csrf\" value=\"").expect("csrf") + 19;
        body[at..].split('"').next().unwrap_or_default().to_owned()
    };
    let login = http
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    http.post(format!("{base}/login"))
        .header("origin", &base)
        .form(&[
            ("email", "owner@bench.test"),
            ("password", PASSWORD),
            ("csrf", &token_in(&login)),
        ])
        .send()
        .await?;
    let form = http
        .get(format!("{base}/clients/new"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = token_in(&form);
    let r = http
        .post(format!("{base}/clients"))
        .header("origin", &base)
        .form(&[
            ("name", "Bloom Bakery"),
            ("contact_name", "Casey"),
            ("contact_email", "casey@bloom.test"),
            ("notes", ""),
            ("csrf", &csrf),
        ])
        .send()
        .await?;
    let client_id = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.trim_start_matches("/clients/").split('?').next())
        .unwrap_or_default()
        .to_owned();
    let page = http
        .post(format!("{base}/requests"))
        .header("origin", &base)
        .form(&[
            ("client_id", client_id.as_str()),
            ("kind", "page"),
            ("level_page", "manage"),
            ("mode", "user"),
            ("person", "owner@bench.test"),
            ("expiry_days", "14"),
            ("single_use", "0"),
            ("message", "Hello from the bench"),
            ("delivery", "link"),
            ("csrf", &csrf),
        ])
        .send()
        .await?;
    // Post/Redirect/Get: the link is shown once on the page the form redirects to.
    let shown = page
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let page = http
        .get(format!("{base}{shown}"))
        .send()
        .await?
        .text()
        .await?;
    let at = page.find("/r/lkr_").expect("a link on the page");
    let link = page[at..].split('"').next().unwrap_or_default().to_owned();
    // The first view records the open; every later one must only read.
    let first = reqwest::Client::builder()
        .user_agent(UA)
        .build()?
        .get(format!("{base}{link}"))
        .send()
        .await?;
    anyhow::ensure!(
        first.status() == 200,
        "link page answers {}",
        first.status()
    );

    let writes = |pool: sqlx::AnyPool| async move {
        let mut n = 0i64;
        for table in ["request_events", "audit_log", "link_visits", "outbox"] {
            n += sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM {table}"
            )))
            .fetch_one(&pool)
            .await
            .unwrap_or(0);
        }
        n
    };
    let rows_before = writes(state.db.pool.clone()).await;

    // The view and its yardstick are loaded back to back, in alternating order, and compared
    // round by round: this machine's speed drifts by a fifth between rounds, which a
    // ratio of two medians taken minutes apart would count as the link's.
    let (mut bare_r, mut static_r, mut link_r, mut health_r, mut ratios) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let token = link.trim_start_matches("/r/");
    let hash = latchkey::domain::token::SecretToken::from_presented(
        latchkey::domain::token::LINK_PREFIX,
        token,
    )
    .map(|t| t.hash());
    anyhow::ensure!(hash.is_some(), "the link's token did not parse");
    // For a profiler: one path (or the read alone), one round, nothing else.
    if let Ok(only) = std::env::var("LATCHKEY_BENCH_ONLY") {
        if only == "read" || only == "select1" {
            let which = if only == "read" { hash.clone() } else { None };
            let rate = db_rate(state.db.clone(), which).await;
            println!("database alone, {only}: {rate:.0} /s");
            return Ok(());
        }
        let path = if only == "link" {
            link.clone()
        } else {
            "/healthz".to_owned()
        };
        let (rate, p99) = load(addr.clone(), path.clone()).await;
        println!(
            "{path}: {rate:.0} req/s, p99 {:.2} ms",
            p99.as_secs_f64() * 1e3
        );
        return Ok(());
    }
    for round in 0..PAIRED_ROUNDS {
        if round < ROUNDS {
            bare_r.push(load(bare_addr.clone(), "/robots.txt".into()).await);
            static_r.push(load(addr.clone(), "/robots.txt".into()).await);
        }
        let (l, h) = if round % 2 == 0 {
            let l = load(addr.clone(), link.clone()).await;
            (l, load(addr.clone(), "/healthz".into()).await)
        } else {
            let h = load(addr.clone(), "/healthz".into()).await;
            (load(addr.clone(), link.clone()).await, h)
        };
        ratios.push(l.0 / h.0);
        link_r.push(l);
        health_r.push(h);
    }
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    // The database alone, without HTTP: the link's one indexed read as a view makes it (on a
    // SQLite file on the task's own thread, `store::inline`; on PostgreSQL through the pool)
    // against `/healthz`'s `SELECT 1` through the pool, in three alternating pairs.
    let mut db_ratios = Vec::new();
    for pair in 0..3 {
        let (read, one) = if pair % 2 == 0 {
            let read = db_rate(state.db.clone(), hash.clone()).await;
            (read, db_rate(state.db.clone(), None).await)
        } else {
            let one = db_rate(state.db.clone(), None).await;
            (db_rate(state.db.clone(), hash.clone()).await, one)
        };
        db_ratios.push((read, one));
    }
    db_ratios.sort_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1)));
    let (db_read, db_one) = db_ratios[1];
    let rows_after = writes(state.db.pool.clone()).await;
    let (bare, stat, link_m) = (median(bare_r), median(static_r), median(link_r));
    let health = median(health_r);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "link page on {backend}: {CONNECTIONS} connections, {} s rounds, median of {ROUNDS} ({PAIRED_ROUNDS} for the link and /healthz)",
        ROUND.as_secs()
    );
    println!(
        "  bare axum /robots.txt:   {:>8.0} req/s  p99 {:.2} ms",
        bare.0,
        ms(bare.1)
    );
    println!(
        "  Latchkey /robots.txt:    {:>8.0} req/s  p99 {:.2} ms",
        stat.0,
        ms(stat.1)
    );
    println!(
        "  Latchkey /r/<token>:     {:>8.0} req/s  p99 {:.2} ms   (goal p99 ≤ 5 ms)",
        link_m.0,
        ms(link_m.1)
    );
    println!(
        "  Latchkey /healthz:       {:>8.0} req/s  p99 {:.2} ms   (one SELECT 1 through the pool)",
        health.0,
        ms(health.1)
    );
    println!(
        "  static / bare:           {:>7.1} %   (goal ≥ 70 %)",
        stat.0 / bare.0 * 100.0
    );
    println!(
        "  link / static:           {:>7.1} %",
        link_m.0 / stat.0 * 100.0
    );
    println!(
        "  link / healthz:          {:>7.1} %   (goal ≥ 80 %: a view costs one read; median of {PAIRED_ROUNDS} paired rounds, {:.1}–{:.1} %)",
        ratio * 100.0,
        ratios[0] * 100.0,
        ratios[ratios.len() - 1] * 100.0
    );
    println!(
        "  database alone: the link's read {db_read:.0} /s, SELECT 1 {db_one:.0} /s ({:.1} %; median of 3 pairs)",
        db_read / db_one * 100.0
    );
    println!(
        "  peak RSS:                {:>7.1} MB  (goal ≤ 50 MB)",
        peak_rss_mb()
    );
    println!("  rows written by the views: {}", rows_after - rows_before);
    Ok(())
}
