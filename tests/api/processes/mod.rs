//! Several Latchkey processes on one database behave like one; bad databases fail fast.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use latchkey::mail::sink::SmtpSink;
use latchkey::store::leases;

use crate::helpers::{PASSWORD, csrf_in, test_settings};

mod cli;

/// A `latchkey serve` child process, killed on drop.
struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_process(database_url: &str, data_dir: &std::path::Path, smtp_url: &str) -> Process {
    spawn_process_logging(database_url, data_dir, smtp_url, Stdio::inherit(), "warn")
}

fn spawn_process_logging(
    database_url: &str,
    data_dir: &std::path::Path,
    smtp_url: &str,
    stderr: Stdio,
    level: &str,
) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LATCHKEY_BIND", "127.0.0.1:0")
        .env("LATCHKEY_DATA_DIR", data_dir)
        .env("LATCHKEY_DATABASE_URL", database_url)
        // Every process sharing a database shares the key file.
        .env(
            "LATCHKEY_SECRET_KEY_FILE",
            data_dir.parent().unwrap().join("shared.key"),
        )
        // Both processes sit behind one public address, as behind a load balancer.
        .env("LATCHKEY_BASE_URL", "http://latchkey.test")
        .env("LATCHKEY_SMTP_URL", smtp_url)
        .env("LATCHKEY_LOG", level)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("latchkey binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let line = lines.next().expect("a line").expect("readable");
    // "Latchkey is running: open http://latchkey.test" — the real port is in the log line
    // we print next.
    assert!(line.contains("Latchkey is running"), "{line}");
    let listen = lines.next().expect("listen line").expect("readable");
    let addr = listen.rsplit(' ').next().unwrap().to_owned();
    std::thread::spawn(move || for _ in lines {});
    Process {
        child,
        base: format!("http://{addr}"),
    }
}

/// A browser that may talk to either process: one cookie jar.
struct Browser {
    http: reqwest::Client,
    cookie: std::sync::Mutex<String>,
}

impl Browser {
    fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: Default::default(),
        }
    }

    fn keep(&self, resp: &reqwest::Response) {
        let mut jar = self.cookie.lock().unwrap();
        for v in resp.headers().get_all("set-cookie") {
            let pair = v.to_str().unwrap().split(';').next().unwrap().to_owned();
            let name = pair.split('=').next().unwrap().to_owned();
            let mut kept: Vec<String> = jar
                .split("; ")
                .filter(|c| !c.is_empty() && !c.starts_with(&format!("{name}=")))
                .map(str::to_owned)
                .collect();
            kept.push(pair);
            *jar = kept.join("; ");
        }
    }

    async fn get(&self, p: &Process, path: &str) -> (u16, String) {
        let cookie = self.cookie.lock().unwrap().clone();
        let r = self
            .http
            .get(format!("{}{path}", p.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        (r.status().as_u16(), r.text().await.unwrap())
    }

    async fn post(&self, p: &Process, path: &str, token: &str, form: &[(&str, &str)]) -> u16 {
        let mut form = form.to_vec();
        form.push(("csrf", token));
        let cookie = self.cookie.lock().unwrap().clone();
        let r = self
            .http
            .post(format!("{}{path}", p.base))
            .header("cookie", cookie)
            .header("origin", "http://latchkey.test")
            .form(&form)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r.status().as_u16()
    }
}

async fn shared_database() -> (String, std::path::PathBuf) {
    let s = test_settings().await;
    std::fs::create_dir_all(&s.data_dir).unwrap();
    (s.database_url(), s.data_dir)
}

#[tokio::test]
async fn two_processes_share_sessions_and_send_each_email_once() {
    let sink = SmtpSink::start().await.unwrap();
    let (db_url, dir) = shared_database().await;
    let a = spawn_process(&db_url, &dir.join("a"), &sink.url());
    let b = spawn_process(&db_url, &dir.join("b"), &sink.url());
    let browser = Browser::new();

    // Set up on A …
    let (_, page) = browser.get(&a, "/setup").await;
    let token = csrf_in(&page).unwrap();
    let status = browser
        .post(
            &a,
            "/setup",
            &token,
            &[
                ("agency_name", "Acme"),
                ("portfolio_id", ""),
                ("name", "Olivia"),
                ("email", "owner@acme.test"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 303);
    // … and the session works on B, CSRF token included.
    let (status, page) = browser.get(&b, "/clients/new").await;
    assert_eq!(status, 200, "login crosses processes");
    let token = csrf_in(&page).unwrap();
    assert_eq!(
        browser
            .post(
                &b,
                "/clients",
                &token,
                &[
                    ("name", "Made on B"),
                    ("contact_name", ""),
                    ("contact_email", "c@b.test"),
                    ("notes", "")
                ]
            )
            .await,
        303
    );
    assert!(browser.get(&a, "/clients").await.1.contains("Made on B"));
    // Logging out on A ends the session on B.
    let (_, page) = browser.get(&a, "/clients").await;
    assert_eq!(
        browser
            .post(&a, "/logout", &csrf_in(&page).unwrap(), &[])
            .await,
        303
    );
    assert_eq!(browser.get(&b, "/clients").await.0, 303);

    // 200 e-mails (invitations), enqueued through both processes while both workers run.
    let (_, page) = browser.get(&b, "/login").await;
    let token = csrf_in(&page).unwrap();
    assert_eq!(
        browser
            .post(
                &b,
                "/login",
                &token,
                &[("email", "owner@acme.test"), ("password", PASSWORD)]
            )
            .await,
        303
    );
    let (_, page) = browser.get(&a, "/team").await;
    let token = csrf_in(&page).unwrap();
    for i in 0..200 {
        let p = if i % 2 == 0 { &a } else { &b };
        let email = format!("person{i}@acme.test");
        assert_eq!(
            browser
                .post(
                    p,
                    "/team/invite",
                    &token,
                    &[("email", &email), ("role", "member")]
                )
                .await,
            303
        );
    }
    sink.wait_for(200, Duration::from_secs(60)).await;
    // Every row marked sent after exactly one attempt, and the server saw each once.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db_url).await.unwrap();
    let mut counts = (0i64, 0i64);
    // The server has all 200; the workers record "sent" right after. Wait for that.
    for _ in 0..200 {
        counts = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM outbox WHERE status = 'sent'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if counts.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let (sent, attempts) = counts;
    assert_eq!((sent, attempts), (200, 200));
    let got = sink.received();
    let mut ids: Vec<String> = got.iter().filter_map(|m| m.header("Message-ID")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (got.len(), ids.len()),
        (200, 200),
        "each e-mail exactly once"
    );
}

#[tokio::test]
async fn a_job_lease_is_held_by_one_process_at_a_time() {
    let s = test_settings().await;
    let app = latchkey::Application::build(s.clone(), latchkey::Clock::system())
        .await
        .unwrap();
    // A second, independent pool on the same database plays the second process.
    let other = latchkey::store::Db::connect(&s).await.unwrap();
    let db = &app.ctx().db;
    let now = 1_000_000;
    assert!(
        leases::acquire(&db.pool, "verify", "agency:1", "process-a", now, now + 300)
            .await
            .unwrap()
    );
    assert!(
        !leases::acquire(
            &other.pool,
            "verify",
            "agency:1",
            "process-b",
            now + 10,
            now + 310
        )
        .await
        .unwrap(),
        "overlap refused"
    );
    assert!(
        leases::acquire(
            &other.pool,
            "verify",
            "agency:2",
            "process-b",
            now + 10,
            now + 310
        )
        .await
        .unwrap(),
        "other agencies are independent"
    );
    assert!(
        leases::acquire(
            &db.pool,
            "verify",
            "agency:1",
            "process-a",
            now + 20,
            now + 320
        )
        .await
        .unwrap(),
        "the holder renews"
    );
    // After a crash the lease runs out and another process resumes.
    assert!(
        leases::acquire(
            &other.pool,
            "verify",
            "agency:1",
            "process-b",
            now + 321,
            now + 600
        )
        .await
        .unwrap()
    );
    leases::release(&other.pool, "verify", "agency:1", "process-b")
        .await
        .unwrap();
    assert!(
        leases::acquire(
            &db.pool,
            "verify",
            "agency:1",
            "process-a",
            now + 322,
            now + 600
        )
        .await
        .unwrap()
    );

    // Racing acquirers: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let pool = if i % 2 == 0 {
            db.pool.clone()
        } else {
            other.pool.clone()
        };
        tasks.push(tokio::spawn(async move {
            leases::acquire(
                &pool,
                "verify",
                "agency:race",
                &format!("p{i}"),
                now,
                now + 300,
            )
            .await
            .unwrap()
        }));
    }
    let mut winners = 0;
    for t in tasks {
        winners += usize::from(t.await.unwrap());
    }
    assert_eq!(winners, 1);
}

/// The real binary with debug logging: after a request is created (e-mailed and shown) and
/// its link opened, neither the log nor the database files contain the plain token.
#[tokio::test]
async fn the_plain_token_never_reaches_the_database_or_the_logs() {
    let sink = SmtpSink::start().await.unwrap();
    let (db_url, dir) = shared_database().await;
    let log_path = dir.join("latchkey.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let p = spawn_process_logging(
        &db_url,
        &dir.join("p"),
        &sink.url(),
        Stdio::from(log),
        "debug",
    );
    let b = Browser::new();
    let (_, page) = b.get(&p, "/setup").await;
    let token = csrf_in(&page).unwrap();
    let form = [
        ("agency_name", "Acme"),
        ("portfolio_id", "1000000001"),
        ("name", "Olivia"),
        ("email", "owner@acme.test"),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
    ];
    assert_eq!(b.post(&p, "/setup", &token, &form).await, 303);
    let (_, page) = b.get(&p, "/clients/new").await;
    let token = csrf_in(&page).unwrap();
    assert_eq!(
        b.post(
            &p,
            "/clients",
            &token,
            &[
                ("name", "Bloom"),
                ("contact_name", ""),
                ("contact_email", "casey@bloom.test"),
                ("notes", "")
            ]
        )
        .await,
        303
    );
    let mut links = Vec::new();
    for delivery in ["email", "link"] {
        let form = [
            ("client_id", "1"),
            ("kind", "page"),
            ("level_page", "manage"),
            ("mode", "partner"),
            ("expiry_days", "14"),
            ("single_use", "1"),
            ("message", ""),
            ("delivery", delivery),
        ];
        let mut pairs = form.to_vec();
        pairs.push(("csrf", token.as_str()));
        let cookie = b.cookie.lock().unwrap().clone();
        let resp = b
            .http
            .post(format!("{}/requests", p.base))
            .header("cookie", cookie)
            .header("origin", "http://latchkey.test")
            .form(&pairs)
            .send()
            .await
            .unwrap();
        // Post/Redirect/Get: the link is on the page the form redirects to.
        assert_eq!(resp.status().as_u16(), 303);
        let to = resp.headers()["location"].to_str().unwrap().to_owned();
        let (_, body) = b.get(&p, &to).await;
        let at = body.find("value=\"http").expect("link shown") + 7;
        let link = body[at..].split('"').next().unwrap().to_owned();
        links.push(link.trim_start_matches("http://latchkey.test").to_owned());
    }
    sink.wait_for(1, Duration::from_secs(10)).await;
    for path in &links {
        assert_eq!(Browser::new().get(&p, path).await.0, 200);
    }
    drop(p);
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("/r/lkr_"),
        "request lines are logged, redacted"
    );
    let db_files: Vec<Vec<u8>> = if db_url.starts_with("sqlite:") {
        let file = db_url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        [file.clone(), format!("{file}-wal")]
            .iter()
            .map(|f| std::fs::read(f).unwrap_or_default())
            .collect()
    } else {
        Vec::new()
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db_url).await.unwrap();
    let bodies: Vec<String> = sqlx::query_scalar("SELECT text_body FROM outbox")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!bodies.is_empty());
    for path in &links {
        let secret = &path.trim_start_matches("/r/")[8..];
        assert!(!log.contains(secret), "token in the log");
        assert!(
            bodies.iter().all(|body| !body.contains(secret)),
            "token in the outbox"
        );
        for bytes in &db_files {
            assert!(
                !String::from_utf8_lossy(bytes).contains(secret),
                "token in the database file"
            );
        }
    }
    // The e-mail itself carried the link.
    assert!(
        sink.received()
            .iter()
            .any(|m| m.data.contains(&links[0][3..]))
    );
}
