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
    let mut s = Settings::defaults();
    s.bind = "127.0.0.1:0".parse().unwrap();
    s.data_dir = std::env::temp_dir().join(format!(
        "latchkey-browser-{}",
        latchkey::domain::token::random_hex(4)
    ));
    s.mail_transport = MailTransportKind::File;
    s.log = "warn".into();
    adjust(&mut s);
    let app = Application::build(s, Clock::system()).await.unwrap();
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
    c.click(label, ".cta a.button").await;
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

#[tokio::test]
async fn the_whole_agency_and_client_journey() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, sandbox) = spawn().await;
    let a = Browser::open(&driver, "agency", 1280, 900).await;

    // Set-up creates the agency and logs in.
    a.goto(&base).await;
    a.find("setup", "form[action='/setup']").await;
    a.shot("setup").await;
    a.fill("setup", "#agency_name", "Demo Agency").await;
    a.fill("setup", "#name", "Ava Agency").await;
    a.fill("setup", "#email", "ava@agency.example").await;
    a.fill("setup", "#password", PASSWORD).await;
    a.fill("setup", "#confirm", PASSWORD).await;
    a.click("setup", "form[action='/setup'] button[type=submit]")
        .await;
    a.expect_text("dashboard", "Welcome to Latchkey.").await;
    a.shot("dashboard").await;
    // Log out and in again through the login form.
    a.click("logout", "form[action='/logout'] button").await;
    a.expect_text("logout", "You are logged out.").await;
    a.fill("login", "#email", "ava@agency.example").await;
    a.fill("login", "#password", PASSWORD).await;
    a.shot("login").await;
    a.click("login", "form[action='/login'] button[type=submit]")
        .await;
    a.expect_text("login", "Ava Agency · Demo Agency").await;
    a.shot("logged-in").await;

    // A client, with the user-based access that exists outside Latchkey recorded by hand.
    a.goto(&format!("{base}/clients/new")).await;
    a.fill("client", "#name", "Messy Co").await;
    a.fill("client", "#contact_email", "casey@bloom.example")
        .await;
    a.click("client", "form[action='/clients'] button[type=submit]")
        .await;
    a.expect_text("client", "Client added.").await;
    a.shot("client").await;
    let client_url = a.client.current_url().await.unwrap().to_string();
    let client_path = url::Url::parse(&client_url).unwrap().path().to_owned();
    a.goto(&format!("{base}{client_path}/grants/new")).await;
    a.fill("record", "#asset_id", "1100000000000031").await;
    a.fill("record", "#asset_name", "Messy Co").await;
    a.fill("record", "#person", "ava@agency.example").await;
    a.click("record", "form[action$='/grants'] button[type=submit]")
        .await;
    a.expect_text("record", "User-based — at risk").await;
    a.shot("record").await;

    // A request, e-mailed.
    a.click("request", "a[href^='/requests/new?client_id=']")
        .await;
    a.find("request", "form[action='/requests']").await;
    a.shot("request-form").await;
    a.click("request", "form[action='/requests'] button[type=submit]")
        .await;
    a.expect_text("request", "This is the only time the link is shown")
        .await;
    a.expect_text("request", "We e-mailed this link to casey@bloom.example")
        .await;
    a.shot("request-link").await;

    // The client, in another profile, follows the link from the e-mail.
    let c = Browser::open(&driver, "client", 1280, 900).await;
    let link = link_from_mailbox(&c, &base, "Demo Agency asks for access", "mailbox").await;
    c.goto(&link).await;
    c.expect_text("landing", "Demo Agency asks for access")
        .await;
    c.expect_text("landing", "Manage your Facebook Pages").await;
    c.shot("landing").await;
    sandbox_login(&c, "input[name=person][value='9100000000000001']", "login").await;
    c.expect_text("picker", "Bloom Bakery").await;
    c.expect_text("picker", "You are not an admin of this ad account")
        .await;
    c.shot("picker").await;
    // Assets across two portfolios.
    for id in ["1100000000000011", "act_2200000011", "act_2200000031"] {
        c.click("picker", &format!("input[name=asset][value='{id}']"))
            .await;
    }
    c.expect_text("picker", "3 assets selected").await;
    // Meta fails the first try: nothing is shared, and the retry form finishes it.
    let sandbox = sandbox.as_ref().unwrap();
    sandbox.set_faults(meta_sandbox::Faults {
        transient_percent: 100,
        ..Default::default()
    });
    c.click("picker", "form[action='/approve'] button[type=submit]")
        .await;
    c.expect_text("nothing-shared", "Nothing was shared yet")
        .await;
    c.shot("nothing-shared").await;
    sandbox.set_faults(Default::default());
    c.click("retry", "form[action='/approve/again'] button")
        .await;
    c.expect_text("done", "Done — thank you!").await;
    c.expect_text("done", "Messy Main Ads").await;
    c.shot("done").await;
    // The client's word on their move, from the done page, in Chromium; a reload of the
    // thank-you adds no second statement.
    c.click("move", "input[name=status][value=invited]").await;
    c.click(
        "move",
        "form[action='/approve/migration'] button[type=submit]",
    )
    .await;
    c.expect_text("move", "Thank you, Demo Agency has been told.")
        .await;
    reload_repeats_nothing(
        &c,
        &state,
        "move",
        &["SELECT COUNT(*) FROM client_statements"],
    )
    .await;
    if count(&state, "SELECT COUNT(*) FROM client_statements").await != 1 {
        c.fail("move", "the client's statement was not recorded once")
            .await;
    }

    // Back at the agency: the grants, with partner badges; the request completed.
    a.goto(&format!("{base}/grants")).await;
    a.expect_text("grants", "Partner — survives migration")
        .await;
    a.expect_text("grants", "Bloom Bakery Ads").await;
    a.shot("grants").await;
    a.goto(&format!("{base}/requests")).await;
    a.expect_text("requests", "Completed").await;
    a.shot("requests").await;

    // The client migrates: the user-based grant is flagged with its deadline. The form
    // is folded until it is needed.
    a.goto(&format!("{base}{client_path}")).await;
    a.click("migration", "details.fold > summary").await;
    a.find("migration", "#m-status")
        .await
        .select_by_value("migrating")
        .await
        .unwrap();
    let today = latchkey::clock::format_utc(state.clock.now())[..10].to_owned();
    a.script(&format!(
        "document.getElementById('m-date').value = '{today}';"
    ))
    .await;
    a.click(
        "migration",
        "form[action$='/migration'] button[type=submit]",
    )
    .await;
    // One user-based grant: "1 grant needs re-authorisation", with the estimate labelled.
    a.expect_text("migration", "grant needs re-authorisation")
        .await;
    a.expect_text("migration", "estimate").await;
    a.shot("migration").await;
    a.goto(&format!("{base}/reauth")).await;
    a.expect_text("queue", "Messy Co").await;
    a.expect_text("queue", "ava@agency.example").await;
    a.shot("queue").await;
    a.click("queue", "form[action$='/reauth'] button[type=submit]")
        .await;
    a.expect_text("reauth-sent", "Re-authorisation link e-mailed")
        .await;
    reload_repeats_nothing(&a, &state, "reauth-sent", &[REQUESTS, MAIL]).await;
    a.shot("reauth-sent").await;

    // The client approves the re-authorisation on a phone, with the keyboard only.
    let p = Browser::open(&driver, "phone", 375, 812).await;
    let link = link_from_mailbox(&p, &base, "reconnect your assets", "reauth-mail").await;
    p.goto(&link).await;
    p.expect_text(
        "phone-landing",
        "Keep Demo Agency's access working through your move",
    )
    .await;
    let width = p.script("return window.innerWidth;").await;
    if width != json!(375) {
        p.fail("phone-landing", &format!("viewport is {width}, not 375"))
            .await;
    }
    let overflow = p
        .script("return document.documentElement.scrollWidth > window.innerWidth;")
        .await;
    if overflow != json!(false) {
        p.fail("phone-landing", "the page is wider than the phone")
            .await;
    }
    p.shot("phone-landing").await;
    sandbox_login(
        &p,
        "input[name=person][value='9100000000000005']",
        "phone-login",
    )
    .await;
    p.expect_text("phone-picker", "Messy Co").await;
    p.shot("phone-picker").await;
    let offered = p
        .client
        .find_all(Locator::Css("input[name=asset]"))
        .await
        .unwrap();
    if offered.len() != 1 {
        p.fail(
            "phone-picker",
            &format!("expected exactly the flagged asset, got {}", offered.len()),
        )
        .await;
    }
    // Keyboard only: Tab to the checkbox, Space to tick it, Tab to the button, Enter.
    p.script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
        .await;
    let mut ticked = false;
    for _ in 0..30 {
        p.client
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{e004}")
            .await
            .unwrap();
        let on_box = p
            .script("return document.activeElement.name === 'asset';")
            .await;
        if on_box == json!(true) {
            p.client
                .active_element()
                .await
                .unwrap()
                .send_keys(" ")
                .await
                .unwrap();
            ticked = true;
            break;
        }
    }
    if !ticked {
        p.fail("phone-keyboard", "could not reach the checkbox with Tab")
            .await;
    }
    let checked = p
        .script("return document.querySelector('input[name=asset]').checked;")
        .await;
    if checked != json!(true) {
        p.fail("phone-keyboard", "Space did not tick the checkbox")
            .await;
    }
    for _ in 0..10 {
        p.client
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{e004}")
            .await
            .unwrap();
        let on_submit = p
            .script("return document.activeElement.type === 'submit';")
            .await;
        if on_submit == json!(true) {
            break;
        }
    }
    let button_fits = p.script("var r = document.activeElement.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth;").await;
    if button_fits != json!(true) {
        p.fail("phone-keyboard", "the submit button is cut off")
            .await;
    }
    p.shot("phone-keyboard").await;
    p.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{e007}")
        .await
        .unwrap();
    p.expect_text("phone-done", "Done — thank you!").await;
    p.shot("phone-done").await;
    // The migration answer on the phone too. "Migrating" without its day is explained
    // beside the date, the choice kept; with the day it is taken.
    p.click("phone-move", "input[name=status][value=migrating]")
        .await;
    p.click(
        "phone-move",
        "form[action='/approve/migration'] button[type=submit]",
    )
    .await;
    p.find("phone-move-error", "#date[aria-invalid='true']")
        .await;
    holds(
        &p,
        "phone-move-error",
        "return document.querySelector('input[name=status][value=migrating]').checked;",
        "the answer was lost",
    )
    .await;
    p.shot("phone-move-error").await;
    p.script(&format!(
        "document.getElementById('date').value = '{}';",
        &latchkey::clock::format_utc(state.clock.now())[..10]
    ))
    .await;
    p.click(
        "phone-move",
        "form[action='/approve/migration'] button[type=submit]",
    )
    .await;
    p.expect_text("phone-move", "Thank you, Demo Agency has been told.")
        .await;
    fits_phone(&p, "phone-move").await;
    p.shot("phone-move").await;

    // The flag is cleared: the user-based grant is replaced by partner access.
    a.goto(&format!("{base}/reauth")).await;
    a.expect_text("cleared", "Nothing to re-authorise").await;
    a.shot("cleared").await;
    a.goto(&format!("{base}{client_path}")).await;
    a.expect_text("replaced", "Replaced by partner access")
        .await;
    a.shot("replaced").await;

    for b in [a, c, p] {
        b.valid_html();
        b.client.close().await.ok();
    }
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

/// A true/false question to the page, failing the step when the answer is false.
async fn holds(b: &Browser, label: &str, js: &str, why: &str) {
    let answer = b.script(js).await;
    if answer != json!(true) {
        b.fail(label, &format!("{why} ({js} gave {answer})")).await;
    }
}

#[tokio::test]
async fn a_spanish_client_with_a_large_portfolio_on_a_phone() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, sandbox) = spawn().await;
    let a = Browser::open(&driver, "es-agency", 1280, 900).await;
    set_up_agency(&a, &base).await;
    a.goto(&format!("{base}/clients/new")).await;
    a.fill("client", "#name", "Northwind Retail").await;
    a.fill("client", "#contact_email", "casey@bloom.example")
        .await;
    a.click("client", "form[action='/clients'] button[type=submit]")
        .await;
    a.expect_text("client", "Client added.").await;

    // A template for Spanish-speaking clients: Pages and ad accounts, in Spanish.
    a.goto(&format!("{base}/requests/templates")).await;
    a.expect_text("templates", "No templates yet").await;
    a.fill("templates", "#name", "Pages and ads, Spanish").await;
    a.find("templates", "#language")
        .await
        .select_by_value("es")
        .await
        .unwrap();
    a.click(
        "templates",
        "form[action='/requests/templates'] button[type=submit]",
    )
    .await;
    a.expect_text("templates", "Template saved.").await;
    a.shot("templates").await;
    // Forms are centred on a desktop.
    holds(
        &a,
        "templates",
        "var r = document.querySelector('section.card.narrow').getBoundingClientRect(); \
         return Math.abs(r.left - (window.innerWidth - r.right)) < 24;",
        "the form is not centred",
    )
    .await;

    // The request starts from the template, and the link is shown rather than e-mailed.
    a.goto(&format!("{base}/requests/new")).await;
    a.click("request", "a.chip").await;
    a.find("request", "#language option[value='es'][selected]")
        .await;
    a.find("request", "#client_id")
        .await
        .select_by_label("Northwind Retail")
        .await
        .unwrap();
    a.click("request", "input[name=delivery][value=link]").await;
    a.shot("request-form").await;
    a.click("request", "form[action='/requests'] button[type=submit]")
        .await;
    a.expect_text("request", "This is the only time the link is shown")
        .await;
    let link = a
        .find("request", "input[value*='/r/lkr_']")
        .await
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    a.shot("request-link").await;

    // The client, on a phone, in Spanish.
    let p = Browser::open(&driver, "es-phone", 375, 812).await;
    p.goto(&link).await;
    p.expect_text("landing", "Demo Agency solicita acceso")
        .await;
    holds(
        &p,
        "landing",
        "return document.documentElement.lang === 'es';",
        "the page does not say it is Spanish",
    )
    .await;
    p.shot("landing").await;
    sandbox_login(&p, "input[name=person][value='9100000000000001']", "login").await;
    p.expect_text("picker", "Elige qué compartir con Demo Agency")
        .await;
    p.shot("picker").await;
    // 185 assets in a few screens: the long kinds start closed.
    holds(
        &p,
        "picker",
        "return document.querySelectorAll('input[name=asset]').length > 180 && \
         document.documentElement.scrollHeight < 5 * window.innerHeight;",
        "the large portfolio does not fit in a few screens",
    )
    .await;
    // Tick the first asset: the share button is in reach at once, far from the bottom.
    p.click("picker-tick", "input[name=asset]").await;
    p.expect_text("picker-tick", "1 activo seleccionado").await;
    holds(
        &p,
        "picker-tick",
        "var r = document.querySelector('.action-bar button').getBoundingClientRect(); \
         return r.top >= 0 && r.bottom <= window.innerHeight && \
         window.scrollY + window.innerHeight < document.documentElement.scrollHeight - 400;",
        "the share button is not in reach before the bottom of the page",
    )
    .await;
    p.shot("picker-tick").await;
    // Search: only the matching Page (and its section) stays on screen.
    p.fill("picker-search", "#filter", "Store #042").await;
    holds(
        &p,
        "picker-search",
        "var shown = Array.from(document.querySelectorAll('li[data-name]')).filter(function (li) { return li.offsetParent !== null; }); \
         var groups = Array.from(document.querySelectorAll('[data-group]')).filter(function (g) { return g.offsetParent !== null; }); \
         return shown.length === 1 && shown[0].dataset.name === 'Northwind Store #042' && groups.length === 1;",
        "the search does not narrow the list to the one Page",
    )
    .await;
    // A name nothing matches: said so, in Spanish, not an empty page.
    p.fill("picker-none", "#filter", "zzz-nada").await;
    p.expect_text("picker-none", "Ningún activo coincide con ese nombre")
        .await;
    p.shot("picker-none").await;
    p.fill("picker-search", "#filter", "Store #042").await;
    holds(
        &p,
        "picker-search",
        "return document.querySelector('[data-filter-none]').hidden;",
        "the no-match note stays once something matches",
    )
    .await;
    p.click(
        "picker-search",
        "input[name=asset][value='1200000000000042']",
    )
    .await;
    p.expect_text("picker-search", "2 activos seleccionados")
        .await;
    p.shot("picker-search").await;

    // Meta is down: nothing is shared, and the page says so (in Spanish).
    let sandbox = sandbox.as_ref().unwrap();
    sandbox.set_faults(meta_sandbox::Faults {
        transient_percent: 100,
        ..Default::default()
    });
    p.find("share", ".action-bar button")
        .await
        .click()
        .await
        .unwrap();
    p.expect_text("nothing-shared", "Todavía no se ha compartido nada")
        .await;
    p.expect_text("nothing-shared", "No compartido").await;
    holds(
        &p,
        "nothing-shared",
        "return !document.body.innerText.includes('Esto es lo que se ha compartido');",
        "a 0-of-N result claims something was shared",
    )
    .await;
    p.shot("nothing-shared").await;
    // Meta is back: the retry shares it.
    sandbox.set_faults(Default::default());
    p.click("retry", "form[action='/approve/again'] button")
        .await;
    p.expect_text("done", "¡Listo, gracias!").await;
    p.expect_text("done", "Northwind Store #042").await;
    p.shot("done").await;

    // Staff on a phone: the menu stays one line, wide tables scroll inside their card.
    let s = Browser::open(&driver, "es-staff-phone", 375, 812).await;
    s.goto(&format!("{base}/login")).await;
    s.fill("staff-login", "#email", "ava@agency.example").await;
    s.fill("staff-login", "#password", PASSWORD).await;
    s.click("staff-login", "form[action='/login'] button[type=submit]")
        .await;
    s.expect_text("staff-login", "Ava Agency · Demo Agency")
        .await;
    s.goto(&format!("{base}/grants")).await;
    s.expect_text("staff-grants", "Northwind Store #042").await;
    holds(
        &s,
        "staff-grants",
        "var nav = document.querySelector('.nav'); var first = nav.querySelector('a'); \
         return nav.getBoundingClientRect().height < 2 * first.getBoundingClientRect().height + 8;",
        "the menu wraps onto several lines",
    )
    .await;
    holds(
        &s,
        "staff-grants",
        "return document.documentElement.scrollWidth <= window.innerWidth;",
        "the page is wider than the phone",
    )
    .await;
    s.shot("staff-grants").await;
    // Every staff page fits the phone (wide tables scroll inside their card).
    for path in [
        "/",
        "/clients",
        "/clients/1",
        "/clients/new",
        "/requests",
        "/requests/1",
        "/requests/new",
        "/requests/templates",
        "/reauth",
        "/team",
        "/settings",
        "/settings/api-keys",
        "/settings/webhooks",
        "/emails",
        "/audit",
        "/account/notifications",
    ] {
        let label = format!("phone{}", path.replace('/', "-"));
        s.goto(&format!("{base}{path}")).await;
        s.find(&label, "main").await;
        fits_phone(&s, &label).await;
    }
    // The client's e-mail, as a phone's mail app shows it: no sideways scrolling.
    let email = latchkey::mail::templates::access_link(
        latchkey::i18n::Tr::new(latchkey::i18n::Lang::Es),
        &latchkey::mail::templates::Brand {
            agency_name: "Demo Agency".into(),
            accent_color: "#2f5bea".into(),
        },
        "casey@bloom.example",
        &latchkey::mail::templates::AccessAsk {
            client_name: "Northwind Retail".into(),
            sender_name: Some("Ava Agency".into()),
            asks: vec![latchkey::i18n::Text::msg("ask-page-manage")],
            message: Some("Hola Casey, esto nos permite llevar tu campaña de primavera.".into()),
            link: format!("{base}/r/lkr_{}", "A".repeat(43)),
            expires_at: state.clock.now() + 14 * 86_400,
            reauth: false,
        },
    )
    .unwrap();
    let file = std::env::temp_dir().join(format!(
        "latchkey-mail-{}.html",
        latchkey::domain::token::random_hex(4)
    ));
    std::fs::write(&file, &email.html).unwrap();
    p.goto(&format!("file://{}", file.display())).await;
    p.find("mail-phone", "table").await;
    // Against the phone's 375 px, not the page's own idea of its width (without a
    // viewport tag a phone lays a page out 980 px wide and shrinks it).
    holds(
        &p,
        "mail-phone",
        "return window.innerWidth === 375 && document.documentElement.scrollWidth <= 375;",
        "the e-mail is wider than the phone",
    )
    .await;
    // A screenshot only: an HTML e-mail keeps the table attributes mail apps need, which
    // the Nu checker calls obsolete for web pages, and has no landmarks to give axe.
    std::fs::write(
        p.shots.join("es-phone-mail.png"),
        p.client.screenshot().await.unwrap(),
    )
    .unwrap();

    // Every other staff page, and the client's error pages, pass the same checks.
    let request_path = sqlx::query_scalar::<_, i64>("SELECT MIN(id) FROM access_requests")
        .fetch_one(&state.db.pool)
        .await
        .map(|id| format!("/requests/{id}"))
        .unwrap();
    for (path, text) in [
        ("/", "To do"),
        ("/clients", "Northwind Retail"),
        ("/requests", "Northwind Retail"),
        (request_path.as_str(), "Request for Northwind Retail"),
        (&format!("{request_path}/preview"), "Preview:"),
        ("/grants", "Northwind Store #042"),
        ("/reauth", "Nothing to re-authorise"),
        ("/team", "Ava Agency"),
        ("/settings", "Settings"),
        ("/emails", "E-mail"),
        ("/audit", "Audit log"),
        ("/account/notifications", "Notifications"),
        ("/account/password", "password"),
        ("/requests/templates", "Pages and ads, Spanish"),
        ("/settings/api-keys", "No API keys yet"),
        ("/settings/webhooks", "No endpoints yet"),
        ("/no-such-page", "Page not found"),
    ] {
        let label = format!("page{}", path.replace('/', "-"));
        a.goto(&format!("{base}{path}")).await;
        a.expect_text(&label, text).await;
        a.shot(&label).await;
    }
    p.goto(&format!("{base}/r/lkr_not-a-real-link?lang=de"))
        .await;
    p.expect_text("client-404", "Seite nicht gefunden").await;
    p.shot("client-404").await;

    for b in [a, p, s] {
        b.valid_html();
        b.client.close().await.ok();
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

#[tokio::test]
async fn every_client_form_in_chromium_and_no_reload_repeats_a_side_effect() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, _) = spawn().await;
    let a = Browser::open(&driver, "forms-agency", 1280, 900).await;
    set_up_agency(&a, &base).await;
    a.goto(&format!("{base}/clients/new")).await;
    a.fill("client", "#name", "Messy Co").await;
    a.fill("client", "#contact_email", "casey@bloom.example")
        .await;
    a.click("client", "form[action='/clients'] button[type=submit]")
        .await;
    a.expect_text("client", "Client added.").await;

    // A request in Spanish, e-mailed. The link page is reached by a redirect: reloading it
    // and going back make no second request and send no second e-mail.
    a.click("request", "a[href^='/requests/new?client_id=']")
        .await;
    a.find("request", "#language")
        .await
        .select_by_value("es")
        .await
        .unwrap();
    a.click("request", "form[action='/requests'] button[type=submit]")
        .await;
    a.expect_text("request", "This is the only time the link is shown")
        .await;
    a.shot("request-link").await;
    reload_repeats_nothing(&a, &state, "request-link", &[REQUESTS, MAIL]).await;
    a.expect_text("request-link", "The link was shown once")
        .await;
    a.client.back().await.expect("back");
    a.find("request-back", "form[action='/requests']").await;
    if count(&state, REQUESTS).await != 1 {
        a.fail("request-back", "the back button made another request")
            .await;
    }
    let first = link_from_mailbox(&a, &base, "Demo Agency", "first-mail").await;

    // A reminder replaces the link; reloading the page after it sends nothing more.
    a.goto(&format!("{base}/requests/1")).await;
    a.click("remind", "form[action='/requests/1/remind'] button")
        .await;
    a.expect_text("remind", "Reminder sent").await;
    reload_repeats_nothing(&a, &state, "remind", &[REQUESTS, MAIL]).await;

    // A fresh link, shown once.
    a.goto(&format!("{base}/requests/1/regenerate")).await;
    a.click("regenerate", "form[action='/requests/1/regenerate'] button")
        .await;
    a.expect_text("regenerate", "This is the only time the link is shown")
        .await;
    let current = a
        .find("regenerate", "input[value*='/r/lkr_']")
        .await
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    a.shot("regenerate").await;
    reload_repeats_nothing(
        &a,
        &state,
        "regenerate",
        &[REQUESTS, MAIL, "SELECT COUNT(*) FROM replaced_links"],
    )
    .await;

    // An API key, a webhook endpoint and an invitation: each shown or sent once.
    a.goto(&format!("{base}/settings/api-keys")).await;
    a.fill("api-key", "#name", "CRM sync").await;
    a.click(
        "api-key",
        "form[action='/settings/api-keys'] button[type=submit]",
    )
    .await;
    a.find("api-key", "input[value^='lk_key_']").await;
    a.shot("api-key").await;
    reload_repeats_nothing(&a, &state, "api-key", &["SELECT COUNT(*) FROM api_keys"]).await;
    holds(
        &a,
        "api-key",
        "return document.querySelector(\"input[value^='lk_key_']\") === null;",
        "the key is shown again after a reload",
    )
    .await;
    a.goto(&format!("{base}/settings/webhooks")).await;
    a.fill("webhook", "#url", "http://127.0.0.1:9/hook").await;
    a.click(
        "webhook",
        "form[action='/settings/webhooks'] button[type=submit]",
    )
    .await;
    a.find("webhook", "input[value^='whsec_']").await;
    a.shot("webhook").await;
    reload_repeats_nothing(
        &a,
        &state,
        "webhook",
        &["SELECT COUNT(*) FROM webhook_endpoints"],
    )
    .await;
    holds(
        &a,
        "webhook",
        "return document.querySelector(\"input[value^='whsec_']\") === null;",
        "the secret is shown again after a reload",
    )
    .await;
    a.goto(&format!("{base}/team")).await;
    a.fill("invite", "#invite-email", "mia@agency.example")
        .await;
    a.click("invite", "form[action='/team/invite'] button[type=submit]")
        .await;
    a.expect_text("invite", "mia@agency.example").await;
    reload_repeats_nothing(&a, &state, "invite", &[MAIL]).await;

    // The client, on a phone, in Spanish. The first e-mail's link was replaced: the
    // agency's page says so, in Spanish, with no way into the staff's side.
    let p = Browser::open(&driver, "forms-phone", 375, 812).await;
    p.goto(&first).await;
    p.expect_text("replaced", "Este enlace fue sustituido")
        .await;
    p.expect_text("replaced", "Busca el último correo de Demo Agency")
        .await;
    fits_phone(&p, "replaced").await;
    holds(
        &p,
        "replaced",
        "return document.documentElement.lang === 'es' && document.querySelector('a[href=\"/\"], a[href=\"/login\"]') === null;",
        "the replaced link's page is not the agency's Spanish page",
    )
    .await;
    p.shot("replaced").await;

    // The current link: the main button on the first screen.
    p.goto(&current).await;
    p.expect_text("landing", "Demo Agency solicita acceso")
        .await;
    holds(
        &p,
        "landing",
        "var r = document.querySelector('.cta .button').getBoundingClientRect(); \
         return r.top >= 0 && r.bottom <= window.innerHeight;",
        "the main button is below the first screen",
    )
    .await;
    fits_phone(&p, "landing").await;
    p.shot("landing").await;
    // The reader's language switch, and back.
    p.click("switch", "a[hreflang='fr']").await;
    p.expect_text("switch", "Demo Agency demande").await;
    p.shot("switch-fr").await;
    p.click("switch", "a[hreflang='es']").await;
    p.expect_text("switch", "Demo Agency solicita acceso").await;

    // Decline, in Chromium (its own form, under no-referrer): recorded once; the answer's
    // page reloads without a second e-mail to the agency.
    p.click("decline", "a[href$='/decline']").await;
    p.click("decline", "input[name=reason][value=not_now]")
        .await;
    p.fill("decline", "textarea[name=note]", "En marzo").await;
    fits_phone(&p, "decline").await;
    p.shot("decline").await;
    p.click("decline", "form[action$='/decline'] button[type=submit]")
        .await;
    p.expect_text("declined", "No se ha compartido nada").await;
    p.shot("declined").await;
    if count(
        &state,
        "SELECT COUNT(*) FROM access_requests WHERE declined_at IS NOT NULL",
    )
    .await
        != 1
    {
        p.fail("declined", "the decline was not recorded").await;
    }
    reload_repeats_nothing(&p, &state, "declined", &[MAIL]).await;
    p.goto(&current).await;
    p.expect_text("declined-link", "Rechazaste esta solicitud")
        .await;
    p.shot("declined-link").await;

    // The same forms on a desktop: the language switch and a decline of a second request.
    a.goto(&format!("{base}/requests/new?client_id=1")).await;
    a.click("desktop", "input[name=delivery][value=link]").await;
    a.click("desktop", "form[action='/requests'] button[type=submit]")
        .await;
    let second = a
        .find("desktop", "input[value*='/r/lkr_']")
        .await
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    let d = Browser::open(&driver, "forms-desktop", 1280, 900).await;
    d.goto(&second).await;
    d.expect_text("desktop-landing", "Demo Agency solicita acceso")
        .await;
    d.click("desktop-switch", "a[hreflang='de']").await;
    d.expect_text("desktop-switch", "Demo Agency bittet um Zugriff")
        .await;
    d.shot("desktop-switch").await;
    d.click("desktop-decline", "a[href$='/decline']").await;
    d.click("desktop-decline", "input[name=reason][value=not_for_me]")
        .await;
    d.click(
        "desktop-decline",
        "form[action$='/decline'] button[type=submit]",
    )
    .await;
    d.expect_text("desktop-declined", "Es wurde nichts geteilt")
        .await;
    d.shot("desktop-declined").await;
    reload_repeats_nothing(&d, &state, "desktop-declined", &[MAIL]).await;

    // A withdrawn link and an expired one, each saying which, in Spanish.
    for (label, form_fill) in [("revoked", true), ("expired", false)] {
        a.goto(&format!("{base}/requests/new?client_id=1")).await;
        a.click(label, "input[name=delivery][value=link]").await;
        if !form_fill {
            a.fill(label, "#expiry_days", "1").await;
        }
        a.click(label, "form[action='/requests'] button[type=submit]")
            .await;
        let link = a
            .find(label, "input[value*='/r/lkr_']")
            .await
            .attr("value")
            .await
            .unwrap()
            .unwrap();
        let id = count(&state, "SELECT MAX(id) FROM access_requests").await;
        if form_fill {
            a.goto(&format!("{base}/requests/{id}/revoke")).await;
            a.click(
                label,
                &format!("form[action='/requests/{id}/revoke'] button"),
            )
            .await;
            a.expect_text(label, "The link was revoked").await;
            p.goto(&link).await;
            p.expect_text(label, "Este enlace fue retirado").await;
        } else {
            state.clock.advance(2 * 86_400);
            p.goto(&link).await;
            p.expect_text(label, "Este enlace ha caducado").await;
        }
        holds(
            &p,
            label,
            "return document.documentElement.lang === 'es' && document.querySelector('a[href=\"/\"], a[href=\"/login\"]') === null;",
            "a closed link's page is not the agency's Spanish page",
        )
        .await;
        p.shot(label).await;
    }

    for b in [a, p, d] {
        b.valid_html();
        b.client.close().await.ok();
    }
}

#[tokio::test]
async fn a_person_leaves_and_nothing_of_theirs_stays_behind() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, sandbox) = spawn().await;
    // Olivia owns the agency; Ava, a person in its Meta portfolio, is an admin there.
    let o = Browser::open(&driver, "owner", 1280, 900).await;
    o.goto(&base).await;
    o.find("setup", "form[action='/setup']").await;
    o.fill("setup", "#agency_name", "Demo Agency").await;
    o.fill("setup", "#name", "Olivia Owner").await;
    o.fill("setup", "#email", "olivia@agency.example").await;
    o.fill("setup", "#password", PASSWORD).await;
    o.fill("setup", "#confirm", PASSWORD).await;
    o.click("setup", "form[action='/setup'] button[type=submit]")
        .await;
    o.expect_text("setup", "Welcome to Latchkey.").await;
    o.goto(&format!("{base}/settings")).await;
    o.click("connect", "form[action='/settings/meta/sandbox'] button")
        .await;
    o.expect_text("connect", "Connected since").await;
    o.goto(&format!("{base}/team")).await;
    o.fill("invite", "#invite-email", "ava@agency.example")
        .await;
    o.script("document.querySelector('#invite-role').value = 'admin'; true")
        .await;
    o.click("invite", "form[action='/team/invite'] button[type=submit]")
        .await;
    o.expect_text("invite", "ava@agency.example").await;

    let a = Browser::open(&driver, "leaver", 1280, 900).await;
    // Account mail is never in the sandbox mailbox for others: the invitation's link is
    // read from the outbox, as the invited person's mail client would show it.
    let sealed: String =
        sqlx::query_scalar("SELECT text_body FROM outbox WHERE kind = 'staff_invite'")
            .fetch_one(&state.db.pool)
            .await
            .unwrap();
    let text = state.secrets.open(&sealed).unwrap();
    let invite = text
        .split_whitespace()
        .find(|w| w.contains("/invite/"))
        .unwrap()
        .to_owned();
    a.goto(&invite).await;
    a.fill("join", "#name", "Ava Agency").await;
    a.fill("join", "#password", PASSWORD).await;
    a.fill("join", "#confirm", PASSWORD).await;
    a.click("join", "form button[type=submit]").await;
    a.expect_text("join", "Ava Agency · Demo Agency").await;
    // Ava makes a key and a webhook.
    a.goto(&format!("{base}/settings/api-keys")).await;
    a.fill("key", "#name", "Ava's CRM sync").await;
    a.click("key", "input[name=scope][value=write]").await;
    a.click(
        "key",
        "form[action='/settings/api-keys'] button[type=submit]",
    )
    .await;
    a.expect_text("key", "This is the only time the key is shown")
        .await;
    a.goto(&format!("{base}/settings/webhooks")).await;
    a.fill("hook", "#url", "https://hooks.example.com/ava")
        .await;
    a.click(
        "hook",
        "form[action='/settings/webhooks'] button[type=submit]",
    )
    .await;
    a.expect_text("hook", "hooks.example.com/ava").await;

    // A client shares its Page with the agency; Latchkey assigns Ava to it.
    o.goto(&format!("{base}/clients/new")).await;
    o.fill("client", "#name", "Messy Co").await;
    o.fill("client", "#contact_email", "casey@bloom.example")
        .await;
    o.click("client", "form[action='/clients'] button[type=submit]")
        .await;
    o.expect_text("client", "Client added.").await;
    o.click("request", "a[href^='/requests/new?client_id=']")
        .await;
    o.click("request", "input[name=person][value='ava@agency.example']")
        .await;
    o.click("request", "form[action='/requests'] button[type=submit]")
        .await;
    o.expect_text("request", "This is the only time the link is shown")
        .await;
    let c = Browser::open(&driver, "client-of-leaver", 1280, 900).await;
    let link = link_from_mailbox(&c, &base, "Demo Agency asks for access", "mailbox").await;
    c.goto(&link).await;
    sandbox_login(&c, "input[name=person][value='9100000000000001']", "login").await;
    c.click("picker", "input[name=asset][value='1100000000000031']")
        .await;
    c.click("picker", "form[action='/approve'] button[type=submit]")
        .await;
    c.find("done", "main").await;
    c.shot("done").await;
    // The approval finishes (shares, assigns Ava, records) before the page says so.
    let deadline = std::time::Instant::now() + WAIT;
    while count(
        &state,
        "SELECT COUNT(*) FROM grants WHERE asset_id = '1100000000000031' AND mode = 'partner' AND status = 'active'",
    )
    .await
        == 0
    {
        assert!(std::time::Instant::now() < deadline, "the Page was not shared");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Olivia removes Ava: first everything tied to her, then the result per asset.
    let ava_id = count(
        &state,
        "SELECT id FROM users WHERE email = 'ava@agency.example'",
    )
    .await;
    o.goto(&format!("{base}/team/{ava_id}/remove")).await;
    for text in [
        "API keys they made — revoked at once",
        "Ava's CRM sync",
        "Webhooks they made — kept",
        "https://hooks.example.com/ava",
        "Client assets at Meta they are assigned to",
        "Messy Co (Facebook Page)",
    ] {
        o.expect_text("blast-radius", text).await;
    }
    o.shot("blast-radius").await;
    o.click("remove", "form[action$='/remove'] button.danger")
        .await;
    o.expect_text("removed", "Ava Agency was removed").await;
    o.expect_text("removed", "1 API key revoked").await;
    o.expect_text("removed", "Their assignments on client assets at Meta")
        .await;
    holds(
        &o,
        "removed",
        "return document.querySelectorAll('.results li.ok').length === 1 && !document.body.innerText.includes('Not removed');",
        "one asset, removed",
    )
    .await;
    o.shot("removed").await;
    // A reload repeats nothing and shows the result no more.
    o.client.refresh().await.unwrap();
    o.find("reload", "main").await;
    holds(
        &o,
        "reload",
        "return !document.body.innerText.includes('was removed');",
        "the result is shown once",
    )
    .await;
    // Her browser is signed out; her key stopped; Meta no longer lists her on the Page.
    a.goto(&format!("{base}/clients")).await;
    a.find("signed-out", "form[action='/login']").await;
    assert_eq!(
        count(
            &state,
            "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL"
        )
        .await,
        0
    );
    let sandbox = sandbox.as_ref().unwrap();
    let world = sandbox.world();
    let ava_here = world
        .members
        .iter()
        .find(|m| {
            m.person_id == "9100000000000003"
                && m.business_id == meta_sandbox::world::AGENCY_PORTFOLIO
        })
        .map(|m| m.bsuid.clone());
    assert!(
        !world
            .assignments
            .iter()
            .any(|x| x.asset_id == "1100000000000031" && Some(&x.bsuid) == ava_here.as_ref()),
        "Ava unassigned at Meta"
    );
    for b in [o, a, c] {
        b.valid_html();
        b.client.close().await.ok();
    }
}

#[tokio::test]
async fn two_factor_enrolment_and_sign_in_in_chromium() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, _state, _) = spawn().await;
    let a = Browser::open(&driver, "two-factor", 1280, 900).await;
    set_up_agency(&a, &base).await;
    a.click("security", "a[href='/account/security']").await;
    a.expect_text("security", "Two-factor sign-in").await;
    a.find("security", ".qr svg").await;
    a.shot("enrol").await;
    let secret = a
        .find("security", "code.secret")
        .await
        .text()
        .await
        .unwrap();
    let now = || time::OffsetDateTime::now_utc().unix_timestamp();
    let code = latchkey::domain::two_factor::code_at(&secret, now()).unwrap();
    a.fill("confirm", "#code", &code).await;
    a.click("confirm", "form[action='/account/security/confirm'] button")
        .await;
    a.expect_text("confirm", "Your recovery codes").await;
    holds(
        &a,
        "confirm",
        "return document.querySelectorAll('ul.codes li').length === 10;",
        "ten recovery codes",
    )
    .await;
    a.shot("recovery-codes").await;
    a.click("logout", "form[action='/logout'] button").await;
    a.fill("login", "#email", "ava@agency.example").await;
    a.fill("login", "#password", PASSWORD).await;
    a.click("login", "form[action='/login'] button[type=submit]")
        .await;
    a.expect_text("second-step", "Open your authenticator app")
        .await;
    a.shot("second-step").await;
    // The code just used is refused; the next step's code (within the allowed skew) works.
    a.fill("second-step", "#code", &code).await;
    a.click("second-step", "form[action='/login/verify'] button")
        .await;
    a.expect_text("replay", "That code does not match").await;
    let next = latchkey::domain::two_factor::code_at(&secret, now() + 30).unwrap();
    a.fill("second-step", "#code", &next).await;
    a.click("second-step", "form[action='/login/verify'] button")
        .await;
    a.expect_text("signed-in", "Ava Agency · Demo Agency").await;
    a.valid_html();
    a.client.close().await.ok();
}

/// Chromium's virtual authenticator (the WebDriver WebAuthn extension): a platform
/// authenticator with user verification, as a laptop's fingerprint reader is. Returns its
/// URL under the session, for reading its credentials.
async fn virtual_authenticator(b: &Browser) -> String {
    let session = b.client.session_id().await.unwrap().unwrap();
    let base = format!(
        "{}/session/{session}/webauthn/authenticator",
        b.driver.trim_end_matches('/')
    );
    let made: Value = reqwest::Client::new()
        .post(&base)
        .json(&json!({
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": true,
            "hasUserVerification": true, "isUserConsenting": true, "isUserVerified": true,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = made["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no authenticator: {made}"));
    format!("{base}/{id}")
}

async fn authenticator_credentials(authenticator: &str) -> Vec<Value> {
    let got: Value = reqwest::get(format!("{authenticator}/credentials"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    got["value"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_passkey_is_added_and_signs_in_in_chromium() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, _state, _) = spawn_at_localhost().await;
    let a = Browser::open(&driver, "passkey", 1280, 900).await;
    let authenticator = virtual_authenticator(&a).await;
    set_up_agency(&a, &base).await;
    a.click("security", "a[href='/account/security']").await;
    a.expect_text("security", "No passkeys yet.").await;
    // Without a name the browser's own validation stops it, before any ceremony.
    a.click("unnamed", "button[data-passkey=register]").await;
    assert!(authenticator_credentials(&authenticator).await.is_empty());
    a.fill("name", "#name", "Work laptop").await;
    a.click("add", "button[data-passkey=register]").await;
    a.expect_text("added", "Passkey added").await;
    // The first second factor brings recovery codes, shown once.
    a.expect_text("added", "Your recovery codes").await;
    holds(
        &a,
        "added",
        "return document.querySelectorAll('ul.codes li').length === 10 && document.querySelector('ul.passkeys').textContent.includes('Work laptop');",
        "ten recovery codes and the passkey listed",
    )
    .await;
    a.shot("added").await;
    let held = authenticator_credentials(&authenticator).await;
    assert_eq!(
        held.len(),
        1,
        "the authenticator holds one passkey: {held:?}"
    );
    assert_eq!(held[0]["rpId"], "localhost");
    // A second passkey from the same authenticator is refused by the browser itself: the
    // options exclude the one it holds.
    a.fill("again", "#name", "Same laptop").await;
    a.click("again", "button[data-passkey=register]").await;
    a.expect_text("again", "This device already holds a passkey for you here.")
        .await;
    assert_eq!(authenticator_credentials(&authenticator).await.len(), 1);

    a.click("logout", "form[action='/logout'] button").await;
    a.fill("login", "#email", "ava@agency.example").await;
    a.fill("login", "#password", PASSWORD).await;
    a.click("login", "form[action='/login'] button[type=submit]")
        .await;
    a.expect_text("second-step", "Use a passkey").await;
    // No app: the code box takes recovery codes only, and says so.
    a.expect_text("second-step", "Recovery code").await;
    a.shot("second-step").await;
    a.click("second-step", "button[data-passkey=sign-in]").await;
    a.expect_text("signed-in", "Ava Agency · Demo Agency").await;
    a.goto(&format!("{base}/account/security")).await;
    a.expect_text("used", "last used").await;
    let held = authenticator_credentials(&authenticator).await;
    assert!(
        held[0]["signCount"].as_u64().unwrap_or(0) >= 1,
        "the sign-in used the authenticator: {held:?}"
    );
    a.click(
        "remove",
        "form[action='/account/security/passkeys/remove'] button",
    )
    .await;
    a.expect_text("removed", "Passkey removed.").await;
    a.expect_text("removed", "No passkeys yet.").await;
    a.valid_html();
    a.client.close().await.ok();
}
