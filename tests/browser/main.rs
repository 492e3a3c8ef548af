//! Browser end-to-end tests: Latchkey on its embedded defaults (sandbox Meta, mail to
//! files), driven in headless Chromium through chromedriver. Every step saves a screenshot
//! under `target/browser-screenshots/`; a failing step also saves the page source. The
//! suite fails on any browser console error (CSP violations included).
//!
//! `scripts/test` installs Chromium and chromedriver, starts chromedriver and sets
//! `LATCHKEY_CHROMEDRIVER_URL`; without it these tests say they were skipped.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use latchkey::config::{MailTransportKind, Settings};
use latchkey::{Application, Clock};
use serde_json::{Value, json};

mod forms;
mod google;
mod journey;
mod leaving;
mod phone;
mod platforms;
mod sign_in;

/// The scripted second platform the API tests use, here for the client's pages in Chromium.
#[path = "../api/platforms/scripted.rs"]
mod scripted;

const PASSWORD: &str = "violet harbour lamp 42";
const WAIT: Duration = Duration::from_secs(15);

struct Browser {
    client: Client,
    driver: String,
    name: &'static str,
    shots: PathBuf,
    step: std::cell::Cell<u32>,
    /// axe-core's source, injected into every page shown (`LATCHKEY_AXE`).
    axe: Option<String>,
    /// Each page shown, as the browser holds it, for the Nu HTML checker.
    pages: std::cell::RefCell<Vec<PathBuf>>,
}

impl Browser {
    async fn open(driver: &str, name: &'static str, width: u32, height: u32) -> Self {
        let profile = std::env::temp_dir().join(format!(
            "latchkey-chrome-{name}-{}",
            latchkey::domain::token::random_hex(4)
        ));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": std::env::var("LATCHKEY_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                         "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                         format!("--window-size={width},{height}"), format!("--user-data-dir={}", profile.display())],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        });
        let mut caps = caps;
        if width < 500 {
            // Headless windows are at least 500 px wide; emulate the phone's viewport instead.
            caps["goog:chromeOptions"]["mobileEmulation"] =
                json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}});
        }
        let caps: serde_json::Map<String, Value> = serde_json::from_value(caps).unwrap();
        // chromedriver is on loopback: plain HTTP, no TLS stack needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(driver)
            .await
            .expect("chromedriver session");
        let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        let axe = std::env::var("LATCHKEY_AXE")
            .ok()
            .map(|p| std::fs::read_to_string(p).expect("axe-core"));
        Self {
            client,
            driver: driver.to_owned(),
            name,
            shots,
            step: std::cell::Cell::new(0),
            axe,
            pages: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// Saves a screenshot named after the step, and fails on console errors so far.
    async fn shot(&self, label: &str) {
        let n = self.step.get() + 1;
        self.step.set(n);
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(
            self.shots.join(format!("{}-{n:02}-{label}.png", self.name)),
            png,
        )
        .unwrap();
        self.console_clean(label).await;
        self.accessible(label, n).await;
    }

    /// axe-core on the page as shown: any finding, whatever its impact, fails the step. The
    /// page is also kept for the Nu HTML checker ([`Browser::valid_html`]).
    async fn accessible(&self, label: &str, n: u32) {
        let mut source = self.client.source().await.expect("page source");
        if !source
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype")
        {
            source = format!("<!DOCTYPE html>\n{source}");
        }
        let dir = self.shots.join("pages");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{}-{n:02}-{label}.html", self.name));
        std::fs::write(&file, source).unwrap();
        self.pages.borrow_mut().push(file);
        let Some(axe) = &self.axe else { return };
        let script = format!(
            "var done = arguments[arguments.length - 1];\n{axe}\n\
             axe.run(document, {{ resultTypes: ['violations'] }}).then(function (r) {{\n\
               done({{ rules: r.passes.length + r.violations.length + r.incomplete.length,\n\
                 problems: r.violations\n\
                 .map(function (v) {{ return v.id + ' (' + v.impact + '): ' + v.help + ' at ' +\n\
                   v.nodes.map(function (node) {{ return node.target.join(' '); }}).join(', '); }}) }});\n\
             }}, function (e) {{ done({{ rules: 0, problems: ['axe failed: ' + e] }}); }});"
        );
        let found = self
            .client
            .execute_async(&script, vec![])
            .await
            .expect("axe-core run");
        // A run that checked nothing would pass anything: it must have applied its rules.
        if found["rules"].as_u64().unwrap_or(0) < 10 {
            self.fail(label, &format!("axe-core did not run: {found}"))
                .await;
        }
        if found["problems"].as_array().is_none_or(|a| !a.is_empty()) {
            self.fail(label, &format!("axe found problems: {}", found["problems"]))
                .await;
        }
    }

    /// The Nu HTML checker over every page this browser showed: any error fails the test.
    fn valid_html(&self) {
        let Ok(jar) = std::env::var("LATCHKEY_VNU") else {
            return;
        };
        let pages = self.pages.borrow();
        if pages.is_empty() {
            return;
        }
        let out = std::process::Command::new("java")
            .args(["-jar", &jar, "--errors-only", "--format", "json"])
            .args(pages.iter())
            .output()
            .expect("java runs the Nu HTML checker");
        let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|_| {
            panic!(
                "Nu HTML checker output: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let errors: Vec<String> = report["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["type"] != "info")
            .map(|m| {
                format!(
                    "{} line {}: {}",
                    m["url"]
                        .as_str()
                        .unwrap_or("")
                        .rsplit('/')
                        .next()
                        .unwrap_or(""),
                    m["lastLine"],
                    m["message"].as_str().unwrap_or("")
                )
            })
            .collect();
        assert!(
            errors.is_empty(),
            "{}: the Nu HTML checker found {} errors:\n{}",
            self.name,
            errors.len(),
            errors.join("\n")
        );
    }

    /// Browser console entries at SEVERE level fail the suite.
    async fn console_clean(&self, label: &str) {
        let id = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let logs: Value = reqwest::Client::new()
            .post(format!(
                "{}/session/{id}/se/log",
                self.driver.trim_end_matches('/')
            ))
            .json(&json!({"type": "browser"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // The page's own status (a 404 page visited on purpose) is not a console error.
        let here = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let severe: Vec<&Value> = logs["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .filter(|e| {
                !(e["source"] == "network"
                    && e["message"].as_str().is_some_and(|m| m.starts_with(&here)))
            })
            .collect();
        if !severe.is_empty() {
            self.fail(label, &format!("console errors: {severe:?}"))
                .await;
        }
    }

    async fn fail(&self, label: &str, why: &str) -> ! {
        let source = self.client.source().await.unwrap_or_default();
        std::fs::write(
            self.shots
                .join(format!("{}-FAILED-{label}.html", self.name)),
            source,
        )
        .ok();
        if let Ok(png) = self.client.screenshot().await {
            std::fs::write(
                self.shots.join(format!("{}-FAILED-{label}.png", self.name)),
                png,
            )
            .ok();
        }
        panic!("{}: step '{label}' failed: {why}", self.name);
    }

    async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Waits for an element, failing the step (with screenshot and source) after 15 s.
    async fn find(&self, label: &str, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => self.fail(label, &format!("no element {css}: {e}")).await,
        }
    }

    /// Waits until the page text contains `text`.
    async fn expect_text(&self, label: &str, text: &str) {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let body = self.client.find(Locator::Css("body")).await.ok();
            let shown = match body {
                Some(b) => b.text().await.unwrap_or_default(),
                None => String::new(),
            };
            if shown.contains(text) {
                return;
            }
            if std::time::Instant::now() > deadline {
                self.fail(label, &format!("text not shown: {text}")).await;
            }
            // Polling the page for a condition, with a deadline: not a fixed sleep.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn fill(&self, label: &str, css: &str, value: &str) {
        let e = self.find(label, css).await;
        e.clear().await.ok();
        e.send_keys(value).await.expect("type");
    }

    /// Scrolls the element to the middle of the screen, as a person would before tapping it
    /// (the picker's action bar stays at the bottom), then clicks it.
    async fn click(&self, label: &str, css: &str) {
        let e = self.find(label, css).await;
        let arg = serde_json::to_value(&e).expect("element as an argument");
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .expect("scroll");
        e.click().await.expect("click");
    }

    async fn script(&self, js: &str) -> Value {
        self.client.execute(js, vec![]).await.expect("script")
    }
}

async fn spawn() -> Spawned {
    spawn_with(|_| {}).await
}

/// Latchkey at `http://localhost:<port>`: a domain name, as passkeys need (browsers refuse
/// them for an IP address).
async fn spawn_at_localhost() -> Spawned {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    spawn_with(|s| {
        s.bind = format!("127.0.0.1:{port}").parse().unwrap();
        s.base_url = Some(format!("http://localhost:{port}"));
    })
    .await
}

/// A running Latchkey: its address, its state, and its built-in Meta sandbox.
type Spawned = (
    String,
    std::sync::Arc<latchkey::actions::Ctx>,
    Option<meta_sandbox::Sandbox>,
);

async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Spawned {
    spawn_registered(adjust, None).await
}

/// [`spawn_with`], with a further platform registered beside Meta.
async fn spawn_registered(
    adjust: impl FnOnce(&mut Settings),
    platform: Option<std::sync::Arc<dyn latchkey::actions::platforms::PlatformApi>>,
) -> Spawned {
    let mut s = Settings::defaults();
    s.bind = "127.0.0.1:0".parse().unwrap();
    s.data_dir = std::env::temp_dir().join(format!(
        "latchkey-browser-{}",
        latchkey::domain::token::random_hex(4)
    ));
    s.mail_transport = MailTransportKind::File;
    s.log = "warn".into();
    adjust(&mut s);
    let mut app = Application::build(s, Clock::system()).await.unwrap();
    if let Some(api) = platform {
        app.register_platform(api);
    }
    let base = app.base_url().to_owned();
    let state = app.ctx().clone();
    let sandbox = app.sandbox().cloned();
    tokio::spawn(app.run_until(std::future::pending()));
    (base, state, sandbox)
}

/// chromedriver's address; without one the browser tests say they were skipped.
fn driver_url() -> Option<String> {
    let url = std::env::var("LATCHKEY_CHROMEDRIVER_URL").ok();
    if url.is_none() {
        eprintln!(
            "browser tests skipped: LATCHKEY_CHROMEDRIVER_URL is not set (scripts/test sets it)"
        );
    }
    url
}

/// Opens the newest e-mail whose subject contains `subject` and returns its link to `/r/`.
async fn link_from_mailbox(b: &Browser, base: &str, subject: &str, label: &str) -> String {
    b.goto(&format!("{base}/sandbox/mail")).await;
    b.expect_text(label, subject).await;
    let links = b.client.find_all(Locator::Css("table a")).await.unwrap();
    let mut target = None;
    for l in links {
        if l.text().await.unwrap_or_default().contains(subject) {
            target = Some(l);
            break;
        }
    }
    match target {
        Some(l) => l.click().await.unwrap(),
        None => b.fail(label, "no such e-mail").await,
    }
    let link = b.find(label, ".mail-text a[href*='/r/lkr_']").await;
    b.shot(label).await;
    link.attr("href").await.unwrap().unwrap()
}

/// The client logs in with the sandbox dialog as `person`. Every journey asks for Pages, so
/// the dialog's `scope` (classic login) must carry `pages_manage_metadata`, which reading a
/// Page's people needs at Meta.
async fn sandbox_login(c: &Browser, person_css: &str, label: &str) {
    sandbox_login_from(c, ".cta a.button", person_css, label).await;
}

/// [`sandbox_login`] from the button `button_css` (a link for several platforms has one each).
async fn sandbox_login_from(c: &Browser, button_css: &str, person_css: &str, label: &str) {
    c.click(label, button_css).await;
    c.find(label, "form[action='/sandbox/www/dialog/oauth/confirm']")
        .await;
    let dialog = c.client.current_url().await.expect("dialog url");
    let scope = dialog
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !scope.split(',').any(|s| s == "pages_manage_metadata") {
        c.fail(
            label,
            &format!("the login dialog's scope lacks pages_manage_metadata: {scope}"),
        )
        .await;
    }
    c.shot(&format!("{label}-dialog")).await;
    c.click(label, person_css).await;
    c.click(label, "button[value='continue']").await;
    c.find(label, "form[action='/approve']").await;
}

/// Set-up: creates the agency and logs its owner in.
async fn set_up_agency(a: &Browser, base: &str) {
    a.goto(base).await;
    a.find("setup", "form[action='/setup']").await;
    a.fill("setup", "#agency_name", "Demo Agency").await;
    a.fill("setup", "#name", "Ava Agency").await;
    a.fill("setup", "#email", "ava@agency.example").await;
    a.fill("setup", "#password", PASSWORD).await;
    a.fill("setup", "#confirm", PASSWORD).await;
    a.click("setup", "form[action='/setup'] button[type=submit]")
        .await;
    a.expect_text("setup", "Welcome to Latchkey.").await;
}

/// Sends the request form as it stands with the link shown rather than e-mailed; returns
/// the link.
async fn send_as_link(a: &Browser) -> String {
    a.click("request", "input[name=delivery][value=link]").await;
    a.shot("request-form").await;
    a.click("request", "form[action='/requests'] button[type=submit]")
        .await;
    a.expect_text("request", "This is the only time the link is shown")
        .await;
    a.find("request", "input[value*='/r/lkr_']")
        .await
        .attr("value")
        .await
        .unwrap()
        .unwrap()
}

/// From the client's page: a request for Pages (ticked on a fresh form) and each of
/// Google's `kinds`, in Spanish, sent as a link; returns the link.
async fn pages_and_google_in_spanish(a: &Browser, kinds: &[&str]) -> String {
    a.click("request", "a[href^='/requests/new?client_id=']")
        .await;
    for kind in kinds {
        a.click("request", &format!("input[name=kind][value={kind}]"))
            .await;
    }
    a.find("request", "#language")
        .await
        .select_by_value("es")
        .await
        .unwrap();
    send_as_link(a).await
}

/// On the picker: ticks the asset `id` and shares it.
async fn share_one(c: &Browser, label: &str, id: &str) {
    c.click(label, &format!("input[name=asset][value='{id}']"))
        .await;
    c.click(label, "form[action='/approve'] button[type=submit]")
        .await;
}

/// Adds a client through the form, as staff do.
async fn add_client(a: &Browser, base: &str, name: &str, email: &str) {
    a.goto(&format!("{base}/clients/new")).await;
    a.fill("client", "#name", name).await;
    a.fill("client", "#contact_email", email).await;
    a.click("client", "form[action='/clients'] button[type=submit]")
        .await;
    a.expect_text("client", "Client added.").await;
}

/// A true/false question to the page, failing the step when the answer is false.
async fn holds(b: &Browser, label: &str, js: &str, why: &str) {
    let answer = b.script(js).await;
    if answer != json!(true) {
        b.fail(label, &format!("{why} ({js} gave {answer})")).await;
    }
}

/// The page fits a 375 px phone: the layout viewport is the phone's (a phone widens it to
/// fit content that overflows, so comparing with `innerWidth` alone proves nothing) and no
/// element reaches past its right edge. Names the elements that do.
async fn fits_phone(b: &Browser, label: &str) {
    let found = b
        .script(
            "var wide = []; document.querySelectorAll('body *').forEach(function (e) { \
               var r = e.getBoundingClientRect(); var s = getComputedStyle(e); \
               var scroller = false; for (var a = e.parentElement; a && a !== document.body; a = a.parentElement) { \
                 var o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') { scroller = true; break; } } \
               if (r.right > 376 && !scroller && s.position !== 'fixed') \
                 wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + \
                   (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' ' + Math.round(r.right)); }); \
             return { inner: window.innerWidth, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 8) };",
        )
        .await;
    if found["inner"] != json!(375) || found["scroll"].as_u64().unwrap_or(999) > 375 {
        b.fail(label, &format!("the page is wider than the phone: {found}"))
            .await;
    }
}

/// One number from the database, for counting what a reload must not repeat.
async fn count(state: &latchkey::actions::Ctx, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&state.db.pool)
        .await
        .unwrap()
}

/// Reloads the page as a person would, then checks nothing was made or sent again.
async fn reload_repeats_nothing(
    b: &Browser,
    state: &latchkey::actions::Ctx,
    label: &str,
    counted: &[&str],
) {
    let mut before = Vec::new();
    for sql in counted {
        before.push(count(state, sql).await);
    }
    b.client.refresh().await.expect("reload");
    b.find(label, "main").await;
    b.shot(&format!("{label}-reloaded")).await;
    for (sql, was) in counted.iter().zip(before) {
        let now = count(state, sql).await;
        if now != was {
            b.fail(
                label,
                &format!("a reload repeated it: {sql} went {was} → {now}"),
            )
            .await;
        }
    }
}

const REQUESTS: &str = "SELECT COUNT(*) FROM access_requests";
const MAIL: &str = "SELECT COUNT(*) FROM outbox";
