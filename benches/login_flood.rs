//! A login flood against a real `latchkey serve` process (release build): 32 concurrent
//! wrong-password logins for 20 s, each from its own rotating `X-Forwarded-For` address
//! (so per-address throttling never spares the hashing: the worst case). Prints the
//! server's peak RSS during the flood, its RSS 10 s afterwards, and `/healthz` p50/p99
//! during the flood beside the same figures without it.
//!
//! Goals (SECURITY.md, "Safe to expose" issue): peak ≤ 150 MB, ≤ 60 MB 10 s after.
//!
//! Run: `cargo bench --bench login_flood`

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const FLOOD: Duration = Duration::from_secs(20);
const CONCURRENCY: usize = 32;

/// A line of `/proc/<pid>/status` (kB there, i.e. KiB), in MB.
fn status_mb(pid: u32, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
        })
        .unwrap_or(0.0)
        * 1024.0
        / 1e6
}

fn percentile(v: &mut [Duration], p: usize) -> Duration {
    v.sort();
    v[(v.len() * p / 100).min(v.len() - 1)]
}

/// `/healthz` latencies, one request at a time, until `stop`.
async fn probe_health(base: String, stop: Arc<AtomicBool>) -> Vec<Duration> {
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        let ok = http
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            out.push(t.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("latchkey-bench-flood-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .arg("serve")
        .env("LATCHKEY_BIND", "127.0.0.1:0")
        .env("LATCHKEY_DATA_DIR", &dir)
        .env("LATCHKEY_MAIL_TRANSPORT", "memory")
        .env("LATCHKEY_TRUST_FORWARDED_FOR", "true")
        .env("LATCHKEY_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let _ = lines.next();
    let listen = lines.next().expect("listen line")?;
    let base = format!("http://{}", listen.rsplit(' ').next().unwrap_or_default());
    std::thread::spawn(move || for _ in lines {});

    // Quiet: /healthz alone.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = status_mb(pid, "VmRSS:");
    let stop = Arc::new(AtomicBool::new(false));
    let probe = tokio::spawn(probe_health(base.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::Relaxed);
    let mut quiet = probe.await?;

    // The flood.
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let probe = tokio::spawn(probe_health(base.clone(), stop.clone()));
    let mut workers = Vec::new();
    for w in 0..CONCURRENCY {
        let (base, stop, sent) = (base.clone(), stop.clone(), sent.clone());
        workers.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            // The anonymous CSRF pair from the login page.
            let page = http.get(format!("{base}/login")).send().await.ok()?;
            let cookie = page
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|c| c.starts_with("lk_csrf="))?
                .split(';')
                .next()?
                .to_owned();
            let body = page.text().await.ok()?;
            let at = body.find("name=\"csrf\" value=\"")? + 19;
            let token = body[at..].split('"').next()?.to_owned();
            let mut n: u32 = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let ip = format!("10.{}.{}.{}", w, (n >> 8) & 255, n & 255);
                let _ = http
                    .post(format!("{base}/login"))
                    .header("cookie", &cookie)
                    .header("origin", &base)
                    .header("x-forwarded-for", ip)
                    .form(&[
                        ("email", format!("nobody{w}-{n}@flood.test")),
                        ("password", "wrong password, long enough".to_owned()),
                        ("csrf", token.clone()),
                    ])
                    .send()
                    .await;
                sent.fetch_add(1, Ordering::Relaxed);
            }
            Some(())
        }));
    }
    let started = Instant::now();
    let mut peak: f64 = 0.0;
    while started.elapsed() < FLOOD {
        peak = peak.max(status_mb(pid, "VmRSS:"));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.await;
    }
    let mut flooded = probe.await?;
    peak = peak.max(status_mb(pid, "VmHWM:"));
    tokio::time::sleep(Duration::from_secs(10)).await;
    let after = status_mb(pid, "VmRSS:");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    let logins = sent.load(Ordering::Relaxed);
    println!(
        "login flood: {CONCURRENCY} concurrent wrong-password logins for {} s, rotating addresses",
        FLOOD.as_secs()
    );
    println!(
        "  logins answered:          {logins} ({:.0}/s)",
        logins as f64 / FLOOD.as_secs_f64()
    );
    println!("  RSS before the flood:     {idle_rss:.1} MB");
    println!("  peak RSS during the flood: {peak:.1} MB   (goal ≤ 150 MB)");
    println!("  RSS 10 s after the flood: {after:.1} MB   (goal ≤ 60 MB)");
    println!(
        "  /healthz without flood:   p50 {:.2} ms, p99 {:.2} ms ({} probes)",
        percentile(&mut quiet, 50).as_secs_f64() * 1e3,
        percentile(&mut quiet, 99).as_secs_f64() * 1e3,
        quiet.len()
    );
    println!(
        "  /healthz during flood:    p50 {:.2} ms, p99 {:.2} ms ({} probes)",
        percentile(&mut flooded, 50).as_secs_f64() * 1e3,
        percentile(&mut flooded, 99).as_secs_f64() * 1e3,
        flooded.len()
    );
    Ok(())
}
