//! A real `latchkey serve` killed with SIGKILL in the middle of a client's approval, then
//! restarted: every share Meta holds becomes a grant, nothing is recorded twice, and the
//! client and the agency are told the truth.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use latchkey::Clock;
use meta_sandbox::world::{AGENCY_PORTFOLIO, APP_ID, APP_SECRET};
use meta_sandbox::{Faults, Sandbox};

use crate::helpers::{ALL_SCOPES, BROWSER_UA, PASSWORD, csrf_in, test_settings};

const CASEY: &str = "9100000000000001";
const PUBLIC: &str = "http://latchkey.test";

/// Meta, played by the sandbox on its own port in this test process: it outlives the
/// Latchkey process that is killed.
pub(crate) async fn meta() -> (Sandbox, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sandbox = Sandbox::new(
        Clock::system(),
        &base,
        None,
        vec![format!("{PUBLIC}/oauth/callback")],
    );
    let router = sandbox.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (sandbox, base)
}

pub(crate) struct Process {
    pub(crate) child: Child,
    pub(crate) base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `latchkey serve` configured for "real" Meta at `meta`.
pub(crate) fn serve(db: &str, dir: &std::path::Path, meta: &str) -> Process {
    serve_with(db, dir, meta, &[])
}

/// [`serve`] with more environment (`extra`), as an operator's machine may have.
pub(crate) fn serve_with(
    db: &str,
    dir: &std::path::Path,
    meta: &str,
    extra: &[(&str, &str)],
) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .arg("serve")
        .env_clear()
        .envs(extra.iter().copied())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LATCHKEY_BIND", "127.0.0.1:0")
        .env("LATCHKEY_DATA_DIR", dir)
        .env("LATCHKEY_DATABASE_URL", db)
        .env("LATCHKEY_BASE_URL", PUBLIC)
        .env("LATCHKEY_MAIL_TRANSPORT", "file")
        .env("LATCHKEY_META_APP_ID", APP_ID)
        .env("LATCHKEY_META_APP_SECRET", APP_SECRET)
        .env("LATCHKEY_META_GRAPH_URL", format!("{meta}/sandbox/graph"))
        .env("LATCHKEY_META_DIALOG_URL", format!("{meta}/sandbox/www"))
        .env("LATCHKEY_APPROVAL_LEASE", "5")
        .env("LATCHKEY_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("latchkey starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("Latchkey is running"), "{first}");
    let listen = lines.next().unwrap().unwrap();
    let addr = listen.rsplit(' ').next().unwrap().to_owned();
    std::thread::spawn(move || for _ in lines {});
    Process {
        child,
        base: format!("http://{addr}"),
    }
}

/// A browser: one cookie jar, redirects not followed.
#[derive(Clone)]
pub(crate) struct Browser {
    http: reqwest::Client,
    cookies: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
}

pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) location: String,
    pub(crate) body: String,
}

impl Browser {
    pub(crate) fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(BROWSER_UA)
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
            cookies: Default::default(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let cookie = self
            .cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let r = req.header("cookie", cookie).send().await.unwrap();
        for v in r.headers().get_all("set-cookie") {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            if let Some((k, val)) = pair.split_once('=') {
                let mut jar = self.cookies.lock().unwrap();
                jar.retain(|(n, _)| n != k);
                if !val.is_empty() {
                    jar.push((k.to_owned(), val.to_owned()));
                }
            }
        }
        Answer {
            status: r.status().as_u16(),
            location: r
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default(),
            body: r.text().await.unwrap_or_default(),
        }
    }

    pub(crate) async fn get(&self, url: &str) -> Answer {
        self.send(self.http.get(url)).await
    }

    pub(crate) async fn post(&self, url: &str, form: &[(&str, &str)]) -> Answer {
        self.send(self.http.post(url).header("origin", PUBLIC).form(form))
            .await
    }
}

/// The path and query of a URL, to replay on the process's real address.
pub(crate) fn local(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_owned(),
    }
}

/// Pages the killed approval is for.
const PICKED: usize = 100;

pub(crate) async fn wait_for(what: &str, secs: u64, mut check: impl AsyncFnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < until {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The client's approval of `form`, posted while the test goes on (it is killed meanwhile).
pub(crate) fn approve_in_background(
    client: &Browser,
    base: &str,
    form: Vec<(String, String)>,
) -> tokio::task::JoinHandle<()> {
    let client = client.clone();
    let url = format!("{base}/approve");
    tokio::spawn(async move {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let _ = tokio::time::timeout(Duration::from_secs(30), client.post(&url, &pairs)).await;
    })
}

/// SIGKILL: no shutdown, no cleanup.
pub(crate) fn kill(mut p: Process) {
    p.child.kill().unwrap();
    p.child.wait().unwrap();
}

/// Waits until the restarted process's recovery job has finished the killed approval.
pub(crate) async fn wait_for_recovery(db: &sqlx::AnyPool) {
    wait_for("the recovery", 60, async || {
        sqlx::query_scalar::<_, Option<i64>>("SELECT finished_at FROM approval_flows")
            .fetch_one(db)
            .await
            .unwrap()
            .is_some()
    })
    .await;
}

/// Sets up an agency (its portfolio the sandbox's agency), one client and a single-use
/// partner link for Pages at `level`; returns the client's id and the link's path.
pub(crate) async fn agency_with_link(staff: &Browser, base: &str, level: &str) -> (String, String) {
    agency_with_link_for(staff, base, &[("kind", "page"), ("level_page", level)]).await
}

/// [`agency_with_link`] asking `asks` (kinds and levels).
pub(crate) async fn agency_with_link_for(
    staff: &Browser,
    base: &str,
    asks: &[(&str, &str)],
) -> (String, String) {
    let page = staff.get(&format!("{base}/setup")).await;
    let token = csrf_in(&page.body).unwrap();
    let r = staff
        .post(
            &format!("{base}/setup"),
            &[
                ("agency_name", "Acme Agency"),
                ("portfolio_id", AGENCY_PORTFOLIO),
                ("name", "Olivia Owner"),
                ("email", "owner@acme.test"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let token = csrf_in(&staff.get(&format!("{base}/clients/new")).await.body).unwrap();
    let r = staff
        .post(
            &format!("{base}/clients"),
            &[
                ("name", "Northwind Retail"),
                ("contact_name", "Casey"),
                ("contact_email", "casey@northwind.test"),
                ("notes", ""),
                ("csrf", &token),
            ],
        )
        .await;
    let client_id = r
        .location
        .trim_start_matches("/clients/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let mut form = vec![("client_id", client_id.as_str())];
    form.extend_from_slice(asks);
    form.extend([
        ("mode", "partner"),
        ("expiry_days", "14"),
        ("single_use", "1"),
        ("message", ""),
        ("delivery", "link"),
        ("csrf", &token),
    ]);
    let r = staff.post(&format!("{base}/requests"), &form).await;
    // Post/Redirect/Get: the link is on the page the form redirects to.
    assert_eq!(r.status, 303, "{}", r.body);
    let r = staff.get(&format!("{base}{}", r.location)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("value=\"http").unwrap() + 7;
    (client_id, local(r.body[at..].split('"').next().unwrap()))
}

/// The client opens the link and logs in with "Facebook" (the sandbox's dialog), granting
/// every permission, and lands on the picker.
pub(crate) async fn facebook_login(client: &Browser, base: &str, meta_base: &str, link: &str) {
    let start = client.get(&format!("{base}{link}/start")).await;
    assert_eq!(start.status, 303);
    let dialog = url::Url::parse(&start.location).unwrap();
    let q: Vec<(String, String)> = dialog.query_pairs().into_owned().collect();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let mut form: Vec<(&str, String)> = vec![
        ("client_id", get("client_id")),
        ("redirect_uri", get("redirect_uri")),
        ("state", get("state")),
        ("scope", get("scope")),
        ("person", CASEY.into()),
        ("action", "continue".into()),
    ];
    for g in ALL_SCOPES {
        form.push(("grant", g.into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let back = client
        .post(
            &format!("{meta_base}/sandbox/www/dialog/oauth/confirm"),
            &pairs,
        )
        .await;
    let cb = client
        .get(&format!("{base}{}", local(&back.location)))
        .await;
    assert_eq!(cb.location, "/approve", "{}", cb.body);
}

#[tokio::test]
async fn a_process_killed_mid_approval_is_recovered_truthfully() {
    let (sandbox, meta_base) = meta().await;
    let s = test_settings().await;
    std::fs::create_dir_all(&s.data_dir).unwrap();
    let db_url = s.database_url();
    let dir = s.data_dir.clone();
    let first = serve(&db_url, &dir, &meta_base);

    // The agency: set up, one client, one single-use link for Pages.
    let staff = Browser::new();
    let (_, link) = agency_with_link(&staff, &first.base, "manage").await;

    // The client logs in with "Facebook" and picks 100 Pages: more than an approval shares
    // at once, so a second wave is still to come when the process is killed.
    let client = Browser::new();
    facebook_login(&client, &first.base, &meta_base, &link).await;
    let picker = client.get(&format!("{}/approve", first.base)).await;
    let token = csrf_in(&picker.body).unwrap();
    let chosen: Vec<String> = picker
        .body
        .split("name=\"asset\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .filter(|id| id.starts_with("120000000000"))
        .take(PICKED)
        .collect();
    assert_eq!(chosen.len(), PICKED);
    let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
    form.extend(chosen.iter().map(|id| ("asset", id.as_str())));
    let form: Vec<(String, String)> = form
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();

    // Meta is slow: the approval takes long enough to be killed in the middle.
    sandbox.set_faults(Faults {
        latency_ms: 400,
        ..Faults::default()
    });
    let submitting = approve_in_background(&client, &first.base, form);
    let shared_at_meta = || {
        let mut ids: Vec<String> = sandbox
            .world()
            .shares
            .iter()
            .filter(|s| s.business_id == AGENCY_PORTFOLIO && chosen.contains(&s.asset_id))
            .map(|s| s.asset_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    wait_for("the first shares at Meta", 60, async || {
        shared_at_meta().len() >= 6
    })
    .await;
    kill(first);
    submitting.abort();
    let at_kill = shared_at_meta().len();
    assert!(
        at_kill < PICKED,
        "killed in the middle ({at_kill} of {PICKED} shared)"
    );

    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&db_url).await.unwrap();
    let grants_now: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants")
        .fetch_one(&db)
        .await
        .unwrap();
    let intents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM approval_items")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        intents, PICKED as i64,
        "the intent was written before the first share"
    );
    assert!(
        (grants_now as usize) < at_kill,
        "the crash left shares unrecorded"
    );

    // Restarted: the recovery job reads Meta back and records the truth.
    sandbox.set_faults(Faults::default());
    let second = serve(&db_url, &dir, &meta_base);
    wait_for_recovery(&db).await;
    let at_meta = shared_at_meta();
    let mut recorded: Vec<String> = sqlx::query_scalar(
        "SELECT asset_id FROM grants WHERE mode = 'partner' AND grantee = $1 AND status IN ('active', 'pending')",
    )
    .bind(AGENCY_PORTFOLIO)
    .fetch_all(&db)
    .await
    .unwrap();
    recorded.sort();
    assert_eq!(recorded, at_meta, "every share Meta holds is a grant");
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(all as usize, at_meta.len(), "nothing recorded twice");
    let (used, outcome): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT used_at, outcome FROM access_requests")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(used.is_some(), "used up by the recorded grants");
    assert_eq!(outcome.as_deref(), Some("partial"));
    let recovered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'request.approval_recovered'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(recovered, 1);
    let told: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'access_approved'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(told, 1, "the agency is told once");

    // The client sees the truth on the restarted process.
    let done = client.get(&format!("{}/approve/done", second.base)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Almost done"), "{}", done.body);
    assert!(done.body.contains("interrupted before this was shared"));
    assert_eq!(
        done.body.matches("class=\"ok\"").count() + done.body.matches("class=\"pending\"").count(),
        at_meta.len(),
        "each share listed as shared"
    );
    assert!(done.body.contains("Try again for"));
    db.close().await;
}
