//! `spawn_app()` and the test client.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use latchkey::actions::Ctx;
use latchkey::config::{MailTransportKind, Settings};
use latchkey::mail::SentMail;
use latchkey::{Application, Clock};
use reqwest::header::{COOKIE, HeaderMap, LOCATION, SET_COOKIE};
use std::sync::Arc;

mod client;
pub use client::*;

/// What a person's browser sends.
pub const BROWSER_UA: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";

/// A good password for tests.
pub const PASSWORD: &str = "violet harbour lamp 42";

pub struct TestApp {
    /// Where the server listens.
    pub base: String,
    /// The configured public URL (the Origin browsers send).
    pub public: String,
    pub state: Arc<Ctx>,
    /// The built-in Meta sandbox, when no Meta app is configured.
    pub sandbox: Option<meta_sandbox::Sandbox>,
    /// The built-in Google sandbox, on the embedded defaults.
    pub google: Option<google_sandbox::Sandbox>,
    pub clock: Clock,
    http: reqwest::Client,
    jar: Mutex<HashMap<String, String>>,
    /// Extra headers sent with every request (e.g. a forged Origin).
    pub origin: Mutex<Option<String>>,
}

/// A response with its body read.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}

fn random_suffix() -> String {
    latchkey::domain::token::random_hex(6)
}

/// The test database URL: a fresh PostgreSQL database when configured, else None (SQLite).
async fn fresh_postgres() -> Option<String> {
    let admin = std::env::var("LATCHKEY_TEST_DATABASE_URL").ok()?;
    let name = format!("lk_test_{}", random_suffix());
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&admin)
        .await
        .expect("test PostgreSQL reachable");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("create test database");
    pool.close().await;
    let mut url = url::Url::parse(&admin).expect("admin url");
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

/// Settings for a test process: port 0, its own data dir and database, memory mail.
pub async fn test_settings() -> Settings {
    let mut s = Settings::defaults();
    s.bind = "127.0.0.1:0".parse().unwrap();
    s.data_dir = std::env::temp_dir().join(format!("latchkey-test-{}", random_suffix()));
    s.database_url = fresh_postgres().await;
    s.mail_transport = MailTransportKind::Memory;
    s.log = "warn".into();
    s
}

pub async fn spawn_app() -> TestApp {
    spawn_with(test_settings().await).await
}

pub async fn spawn_with(settings: Settings) -> TestApp {
    spawn_with_platform(settings, None).await
}
/// A test app with a further platform registered beside the built-in ones.
pub async fn spawn_with_platform(
    settings: Settings,
    platform: Option<Arc<dyn latchkey::actions::platforms::PlatformApi>>,
) -> TestApp {
    let clock = Clock::system();
    let mut app = Application::build(settings, clock.clone())
        .await
        .expect("app builds");
    if let Some(api) = platform {
        app.register_platform(api);
    }
    let public = app.base_url().to_owned();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.ctx().clone();
    let sandbox = app.sandbox().cloned();
    let google = app.google_sandbox().cloned();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        base,
        public,
        state,
        sandbox,
        google,
        clock,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A person's browser (link opens are recorded only for people).
            .user_agent(BROWSER_UA)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        jar: Mutex::new(HashMap::new()),
        origin: Mutex::new(None),
    }
}

/// Pulls the value of `name="csrf"` out of a page.
pub fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(body[at..].split('"').next()?.to_owned())
}

impl TestApp {
    /// The origin browsers send for this app.
    pub fn own_origin(&self) -> String {
        self.public.clone()
    }

    fn cookie_header(&self) -> String {
        let jar = self.jar.lock().unwrap();
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&self, headers: &HeaderMap) {
        let mut jar = self.jar.lock().unwrap();
        for v in headers.get_all(SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let first = v.split(';').next().unwrap_or_default();
            if let Some((k, val)) = first.split_once('=') {
                if v.contains("Max-Age=0") || val.is_empty() {
                    jar.remove(k);
                } else {
                    jar.insert(k.to_owned(), val.to_owned());
                }
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    pub fn clear_cookies(&self) {
        self.jar.lock().unwrap().clear();
    }

    async fn finish(&self, req: reqwest::RequestBuilder) -> Resp {
        let resp = req
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        self.remember(&headers);
        let body = resp.text().await.unwrap_or_default();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.finish(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// A GET with extra headers (a browser's `Accept-Language`, say).
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.http.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.finish(req).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        let origin = self
            .origin
            .lock()
            .unwrap()
            .clone()
            .unwrap_or_else(|| self.own_origin());
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", origin)
            .form(form);
        self.finish(req).await
    }

    /// The CSRF token of the current visitor (anonymous or logged in).
    pub async fn csrf(&self) -> String {
        let page = if self.cookie("lk_session").is_some() {
            "/account/password"
        } else {
            "/login"
        };
        let r = self.get(page).await;
        match csrf_in(&r.body) {
            Some(t) => t,
            // Logged-out session cookie: the login page has the anonymous token.
            None => csrf_in(&self.get("/login").await.body).expect("csrf token on the page"),
        }
    }

    /// Posts a form with this visitor's CSRF token.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        let token = self.csrf().await;
        let mut with: Vec<(&str, &str)> = form.to_vec();
        with.push(("csrf", &token));
        self.post_raw(path, &with).await
    }

    /// Posts a form that makes something shown once (a link, a key, a secret): it must
    /// answer 303 to the page that shows it (Post/Redirect/Get), which is fetched and
    /// returned. Fetching that page again shows the secret no more.
    pub async fn post_shown(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.post_shown_at(path, form).await.1
    }

    /// [`TestApp::post_shown`], with the address of the page it was shown on.
    pub async fn post_shown_at(&self, path: &str, form: &[(&str, &str)]) -> (String, Resp) {
        let r = self.post(path, form).await;
        assert_eq!(r.status, 303, "{path}: {}", r.body);
        let to = r.location().expect("a redirect").to_owned();
        assert!(to.contains("shown="), "{to}");
        let page = self.get(&to).await;
        (to, page)
    }

    /// Posts one of the sandbox's control forms with the sandbox's own CSRF token (read
    /// from its page, whose cookie the client keeps).
    pub async fn sandbox_post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        let page = self.get("/sandbox").await;
        let token = page
            .body
            .split("name=\"sandbox_csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let mut with: Vec<(&str, &str)> = form.to_vec();
        with.push(("sandbox_csrf", &token));
        self.post_raw(path, &with).await
    }

    pub async fn setup(&self, agency: &str, email: &str) -> Resp {
        self.post(
            "/setup",
            &[
                ("agency_name", agency),
                ("portfolio_id", ""),
                ("name", "Olivia Owner"),
                ("email", email),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }

    /// Creates a second agency with its owner directly (as `latchkey create-owner` does).
    pub async fn create_agency(&self, agency: &str, email: &str) -> i64 {
        latchkey::bootstrap::create_owner_in(
            &self.state.db,
            &self.state.hasher,
            &self.clock,
            agency,
            email,
            "Other Owner",
            PASSWORD,
        )
        .await
        .expect("agency created")
        .0
    }

    /// Sets up the sandbox's demo agency (its portfolio, owner Ava, whom the sandbox
    /// knows) and signs Ava in.
    pub async fn setup_demo_agency(&self) {
        self.setup_demo_agency_as("Ava Agency", "ava@agency.example")
            .await;
    }

    /// Sets up the sandbox's demo agency with this owner, signed in.
    pub async fn setup_demo_agency_as(&self, name: &str, email: &str) {
        let r = self
            .post(
                "/setup",
                &[
                    ("agency_name", "Demo Agency"),
                    ("portfolio_id", meta_sandbox::world::AGENCY_PORTFOLIO),
                    ("name", name),
                    ("email", email),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }

    /// Uploads a CSV of grants for `client` (a multipart form, its CSRF token in the query
    /// as the page sends it): (status, body).
    pub async fn upload_grants_csv(&self, client: i64, csv: &str) -> (u16, String) {
        let token = self.csrf().await;
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("grants.csv"),
        );
        let r = reqwest::Client::new()
            .post(format!(
                "{}/clients/{client}/grants/import?csrf={token}",
                self.base
            ))
            .header(
                "cookie",
                format!("lk_session={}", self.cookie("lk_session").unwrap()),
            )
            .header("origin", self.public.clone())
            .multipart(form)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub async fn setup_and_login(&self) -> Resp {
        let r = self.setup("Acme Agency", "owner@acme.test").await;
        assert_eq!(r.status, 303, "setup failed: {}", r.body);
        r
    }

    /// Creates a client and returns its id.
    pub async fn create_client(&self, name: &str, email: &str) -> i64 {
        let r = self
            .post(
                "/clients",
                &[
                    ("name", name),
                    ("contact_name", "Casey"),
                    ("contact_email", email),
                    ("notes", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "client not created: {}", r.body);
        let loc = r.location().unwrap();
        loc.trim_start_matches("/clients/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Messages delivered so far to `to`.
    pub fn emails_to(&self, to: &str) -> Vec<SentMail> {
        self.state
            .mailer
            .transport
            .sent()
            .into_iter()
            .filter(|m| m.to == to)
            .collect()
    }

    /// Waits (up to 10 s) until `n` messages to `to` have been delivered by the worker.
    pub async fn wait_for_emails(&self, to: &str, n: usize) -> Vec<SentMail> {
        for _ in 0..200 {
            let got = self.emails_to(to);
            if got.len() >= n {
                // Let in-flight messages be marked sent, so a later clock jump cannot make
                // another sender think their lease ran out.
                self.drain_outbox().await;
                return self.emails_to(to);
            }
            self.state.mailer.wake();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {n} e-mails to {to}, got {}",
            self.emails_to(to).len()
        );
    }
}

/// The first `http…` link in a text that contains `needle`.
pub fn link_in(text: &str, needle: &str) -> String {
    text.split_whitespace()
        .find(|w| w.starts_with("http") && w.contains(needle))
        .unwrap_or_else(|| panic!("no link with {needle} in: {text}"))
        .to_owned()
}

/// The path part of an absolute URL.
pub fn path_of(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    u.path().to_owned()
}

/// Another browser on the same server: same app, its own cookies.
/// Another browser on another machine: its connections come from `ip` (a loopback
/// address such as 127.0.0.7), as the server sees it.
pub fn spawn_client_from(app: &TestApp, ip: &str) -> TestApp {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(BROWSER_UA)
        .timeout(Duration::from_secs(30))
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    TestApp {
        http,
        ..spawn_client_of(app)
    }
}

pub fn spawn_client_of(app: &TestApp) -> TestApp {
    TestApp {
        base: app.base.clone(),
        public: app.public.clone(),
        state: app.state.clone(),
        sandbox: app.sandbox.clone(),
        google: app.google.clone(),
        clock: app.clock.clone(),
        http: app.http.clone(),
        jar: Mutex::new(HashMap::new()),
        origin: Mutex::new(None),
    }
}

impl TestApp {
    /// Waits (up to 10 s) until the outbox has nothing queued, so a test can move the clock
    /// without a message in flight (a jump past its lease would let another sender retry it).
    pub async fn drain_outbox(&self) {
        for _ in 0..400 {
            let queued: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'queued'")
                    .fetch_one(&self.state.db.pool)
                    .await
                    .unwrap();
            if queued == 0 {
                return;
            }
            self.state.mailer.wake();
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the outbox did not drain");
    }
}
