//! Access-request links: creation, sending, tracking, expiry, revocation, reminders, the
//! client's landing page, and tenancy.

use crate::helpers::{PASSWORD, TestApp, link_in, path_of, spawn_app, spawn_client_of};

mod decline;
mod landing;
mod templates;

const ONE_DAY: i64 = 86_400;

async fn set_portfolio(app: &TestApp) {
    set_agency(app, "Acme Digital").await;
}

/// Saves the agency's settings with the name clients see.
async fn set_agency(app: &TestApp, display_name: &str) {
    let r = app
        .post(
            "/settings",
            &[
                ("name", "Acme Agency"),
                ("portfolio_id", "1000000001"),
                ("accent_color", "#aa3366"),
                ("reminder_days", "3"),
                ("display_name", display_name),
                ("default_expiry_days", "14"),
                ("default_level", "manage"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/settings?notice=saved"), "{}", r.body);
}

/// Creates a request and returns (request id, link path).
async fn create_request(app: &TestApp, client_id: i64, extra: &[(&str, &str)]) -> (i64, String) {
    let cid = client_id.to_string();
    let mut form: Vec<(&str, &str)> = vec![
        ("client_id", &cid),
        ("kind", "page"),
        ("level_page", "manage"),
        ("kind", "ad_account"),
        ("level_ad_account", "view"),
        ("mode", "partner"),
        ("expiry_days", "14"),
        ("single_use", "1"),
        (
            "message",
            "Hi Casey, this lets us run your spring campaign.",
        ),
        ("delivery", "email"),
    ];
    for (k, v) in extra {
        form.retain(|(fk, _)| fk != k);
        form.push((k, v));
    }
    let r = app.post_shown("/requests", &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("This is the only time the link is shown"));
    let at = r.body.find("value=\"http").expect("link on the page") + 7;
    let link = r.body[at..].split('"').next().unwrap().to_owned();
    let id_at = r.body.find("href=\"/requests/").unwrap() + 16;
    let id = r.body[id_at..].split('"').next().unwrap().parse().unwrap();
    (id, path_of(&link))
}

async fn ready(app: &TestApp) -> i64 {
    app.setup_and_login().await;
    set_portfolio(app).await;
    app.create_client("Bloom Bakery", "casey@bloom.test").await
}

#[tokio::test]
async fn a_request_is_emailed_opened_and_tracked() {
    let app = spawn_app().await;
    let client = ready(&app).await;
    let (id, path) = create_request(&app, client, &[]).await;
    assert!(path.starts_with("/r/lkr_"));

    let mail = app.wait_for_emails("casey@bloom.test", 1).await;
    assert!(mail[0].subject.contains("Acme Digital asks for access"));
    assert_eq!(path_of(&link_in(&mail[0].text, "/r/")), path);
    assert!(mail[0].text.contains("spring campaign"));
    assert!(
        app.get(&format!("/requests/{id}"))
            .await
            .body
            .contains("E-mailed")
    );

    let client_browser = spawn_client_of(&app);
    let landing = client_browser.get(&path).await;
    assert_eq!(landing.status, 200);
    assert!(landing.body.contains("Acme Digital asks for access"));
    assert!(landing.body.contains(
        "Manage your Facebook Pages: post, reply to messages and comments, run ads, see insights"
    ));
    assert!(landing.body.contains("View your ad accounts: see reports"));
    assert!(
        landing
            .body
            .contains("remove it at any time in Meta Business Settings")
    );
    assert!(landing.body.contains("Continue with Facebook"));
    assert!(landing.body.contains("Olivia Owner at Acme Digital"));
    assert!(landing.body.contains("/brand/"));
    let css = client_browser.get(&format!("/brand/{}.css", 1)).await;
    assert!(css.body.contains("--accent: #aa3366"));

    // The agency hears about the first open only.
    let opened = app.wait_for_emails("owner@acme.test", 1).await;
    assert!(
        opened[0]
            .subject
            .contains("Bloom Bakery opened your access request")
    );
    // The same visitor within the hour is one open; an hour later, another.
    client_browser.get(&path).await;
    let detail = app.get(&format!("/requests/{id}")).await;
    assert!(!detail.body.contains("2 times"));
    app.clock.advance(3600);
    client_browser.get(&path).await;
    app.login("owner@acme.test", PASSWORD).await;
    let detail = app.get(&format!("/requests/{id}")).await;
    assert!(detail.body.contains("Opened"));
    assert!(detail.body.contains("2 times"));
    assert!(
        app.get("/audit?action=request.opened")
            .await
            .body
            .contains("Bloom Bakery (lkr_")
    );
    for event in ["Created", "E-mailed", "Opened by the client"] {
        assert!(
            detail.body.contains(&format!("<strong>{event}</strong>")),
            "{event}"
        );
    }
    let n = app.emails_to("owner@acme.test").len();
    assert_eq!(n, 1);

    // "Continue with Facebook" leads to Facebook Login (the sandbox here).
    let start = client_browser.get(&format!("{path}/start")).await;
    assert_eq!(start.status, 303);
    assert!(
        start
            .location()
            .unwrap()
            .contains("/dialog/oauth?client_id=")
    );

    let list = app.get("/requests?status=opened").await;
    assert!(list.body.contains("Bloom Bakery"));
    assert!(
        !app.get("/requests?status=completed")
            .await
            .body
            .contains("Bloom Bakery")
    );
}

#[tokio::test]
async fn link_only_requests_send_nothing() {
    let app = spawn_app().await;
    let client = ready(&app).await;
    let (id, _) = create_request(&app, client, &[("delivery", "link")]).await;
    assert!(
        app.get(&format!("/requests/{id}"))
            .await
            .body
            .contains("Created")
    );
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_addr = 'casey@bloom.test'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn bad_requests_are_explained_and_create_nothing() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let client = app.create_client("Bloom Bakery", "casey@bloom.test").await;
    let cid = client.to_string();
    let base = |extra: Vec<(&'static str, String)>| {
        let mut f: Vec<(&str, String)> = vec![
            ("client_id", cid.clone()),
            ("kind", "page".into()),
            ("level_page", "manage".into()),
            ("mode", "partner".into()),
            ("expiry_days", "14".into()),
            ("single_use", "1".into()),
            ("message", String::new()),
            ("delivery", "email".into()),
        ];
        for (k, v) in extra {
            f.retain(|(fk, _)| *fk != k);
            f.push((k, v));
        }
        f
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post("/requests", &pairs).await
        }
    };
    // No portfolio ID yet: partner mode explains and links to settings.
    let r = post(base(vec![])).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("Partner access needs your agency's Meta business portfolio ID")
    );
    assert!(r.body.contains("href=\"/settings\""));
    set_portfolio(&app).await;

    let cases: Vec<(Vec<(&'static str, String)>, &str)> = vec![
        (vec![("kind", "spaceship".into())], "not one Latchkey knows"),
        (
            vec![("level_page", "root".into())],
            "Choose manage, advertise or view",
        ),
        (vec![("expiry_days", "0".into())], "1 to 90 days"),
        (vec![("expiry_days", "91".into())], "1 to 90 days"),
        (
            vec![("message", "m".repeat(1001))],
            "at most 1000 characters",
        ),
        (vec![("mode", "user".into())], "tick the agency people"),
        (
            vec![
                ("mode", "user".into()),
                ("person", "stranger@evil.test".into()),
            ],
            "Only people on your team",
        ),
        (
            vec![("mode", "sideways".into())],
            "Choose partner or user access",
        ),
    ];
    for (extra, expected) in cases {
        let r = post(base(extra)).await;
        assert_eq!(r.status, 422, "{expected}");
        assert!(r.body.contains(expected), "{expected}: {}", r.body);
    }
    // Nothing typed is lost: the message comes back.
    let r = post(base(vec![
        ("expiry_days", "0".into()),
        ("message", "keep me".into()),
    ]))
    .await;
    assert!(r.body.contains(">keep me</textarea>"));
    // A foreign client id is a 404.
    let other = app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta_client: i64 = sqlx::query_scalar(
        "INSERT INTO clients (agency_id, name, name_key, contact_name, contact_email, notes, created_at, updated_at)
         VALUES ($1, 'Beta Client', 'beta client', '', 'b@beta.test', '', 0, 0) RETURNING id",
    )
    .bind(other)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        post(base(vec![("client_id", beta_client.to_string())]))
            .await
            .status,
        404
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn expired_revoked_regenerated_and_unknown_links() {
    let app = spawn_app().await;
    let client = ready(&app).await;
    let visitor = spawn_client_of(&app);

    let (_, short) = create_request(&app, client, &[("expiry_days", "1")]).await;
    app.clock.advance(ONE_DAY + 1);
    let r = visitor.get(&short).await;
    assert_eq!(r.status, 410);
    assert!(r.body.contains("This link has expired"));
    assert!(r.body.contains("Ask Acme Digital for a new link"));
    app.login("owner@acme.test", PASSWORD).await;

    let (id, revoked) = create_request(&app, client, &[]).await;
    assert!(
        app.get(&format!("/requests/{id}/revoke"))
            .await
            .body
            .contains("Revoke the link for Bloom Bakery?")
    );
    assert_eq!(
        app.post(&format!("/requests/{id}/revoke"), &[])
            .await
            .status,
        303
    );
    let gone = visitor.get(&revoked).await;
    let unknown = visitor
        .get("/r/lkr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    // A withdrawn link says so on the agency's page, and whom to ask; an unknown token is a
    // plain "not found" with no way into the staff's side.
    assert_eq!((gone.status, unknown.status), (410, 404));
    assert!(
        gone.body.contains("This link was withdrawn"),
        "{}",
        gone.body
    );
    assert!(
        gone.body.contains("ask Owner") || gone.body.contains("ask "),
        "{}",
        gone.body
    );
    assert!(!gone.body.contains("href=\"/\"") && !unknown.body.contains("href=\"/\""));
    assert_eq!(visitor.get("/r/not-even-a-token").await.status, 404);
    assert_eq!(visitor.get("/r/lkr_%00%ff").await.status, 404);

    let (id, old) = create_request(&app, client, &[]).await;
    let confirm = app.get(&format!("/requests/{id}/regenerate")).await;
    assert!(confirm.body.contains("stops working at once"));
    let (shown_at, r) = app
        .post_shown_at(&format!("/requests/{id}/regenerate"), &[])
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Your new link"));
    let at = r.body.find("value=\"http").unwrap() + 7;
    let new = path_of(r.body[at..].split('"').next().unwrap());
    assert_ne!(new, old);
    // A reload of the page that showed it shows it no more, and makes no other link.
    let reload = app.get(&shown_at).await;
    assert!(!reload.body.contains(&new) && reload.body.contains("shown once"));
    // The old link tells its holder it was replaced, on the agency's page.
    let replaced = visitor.get(&old).await;
    assert_eq!(replaced.status, 410);
    assert!(
        replaced.body.contains("This link was replaced"),
        "{}",
        replaced.body
    );
    assert!(replaced.body.contains("Acme Digital"));
    assert_eq!(visitor.get(&new).await.status, 200);
    assert!(
        app.get(&format!("/requests/{id}"))
            .await
            .body
            .contains("<strong>New link made</strong>")
    );
}

#[tokio::test]
async fn repeated_failed_lookups_from_one_ip_get_429() {
    let app = spawn_app().await;
    let client = ready(&app).await;
    let (_, good) = create_request(&app, client, &[("delivery", "link")]).await;
    let visitor = spawn_client_of(&app);
    for i in 0..21 {
        let r = visitor.get(&format!("/r/lkr_{:0>43}", i)).await;
        assert_eq!(r.status, 404, "attempt {i}");
    }
    let r = visitor
        .get("/r/lkr_guessguessguessguessguessguessguessguessg")
        .await;
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());
    // Even a good link waits out the delay from that address.
    assert_eq!(visitor.get(&good).await.status, 429);
    app.clock.advance(5);
    assert_eq!(visitor.get(&good).await.status, 200);
}

#[tokio::test]
async fn reminders_are_limited_to_one_a_day_and_sent_automatically_when_unopened() {
    let app = spawn_app().await;
    let client = ready(&app).await;
    let (id, first_link) = create_request(&app, client, &[]).await;
    app.wait_for_emails("casey@bloom.test", 1).await;

    let r = app.post(&format!("/requests/{id}/remind"), &[]).await;
    assert_eq!(
        r.location(),
        Some(format!("/requests/{id}?notice=reminded").as_str())
    );
    let mail = app.wait_for_emails("casey@bloom.test", 2).await;
    assert!(mail[1].subject.starts_with("Reminder:"));
    let fresh = path_of(&link_in(&mail[1].text, "/r/"));
    assert_ne!(fresh, first_link);
    let visitor = spawn_client_of(&app);
    let replaced = visitor.get(&first_link).await;
    assert_eq!(
        replaced.status, 410,
        "the reminder's link replaces the old one"
    );
    assert!(
        replaced
            .body
            .contains("Check your newest e-mail from Acme Digital"),
        "{}",
        replaced.body
    );

    let page = app.get(&format!("/requests/{id}")).await;
    assert!(page.body.contains("The next one is possible after"));
    let again = app.post(&format!("/requests/{id}/remind"), &[]).await;
    assert_eq!(again.status, 429);
    assert!(again.body.contains("hour"));
    app.clock.advance(ONE_DAY);
    app.login("owner@acme.test", PASSWORD).await;
    assert_eq!(
        app.post(&format!("/requests/{id}/remind"), &[])
            .await
            .status,
        303
    );

    // Automatic: e-mailed, unopened for the agency's 3 days → one reminder, once.
    let (auto_id, _) = create_request(&app, client, &[]).await;
    let auto_events = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND kind = 'reminded'",
            )
            .bind(auto_id)
            .fetch_one(&pool)
            .await
            .unwrap();
            n
        }
    };
    app.clock.advance(2 * ONE_DAY);
    latchkey::actions::reminders::send_auto_reminders(&app.state)
        .await
        .unwrap();
    assert_eq!(auto_events(&app).await, 0, "not yet: only two days");
    app.clock.advance(ONE_DAY + 60);
    latchkey::actions::reminders::send_auto_reminders(&app.state)
        .await
        .unwrap();
    assert_eq!(auto_events(&app).await, 1);
    app.clock.advance(ONE_DAY);
    latchkey::actions::reminders::send_auto_reminders(&app.state)
        .await
        .unwrap();
    assert_eq!(auto_events(&app).await, 1, "only once");
    app.login("owner@acme.test", PASSWORD).await;
    assert!(
        app.get(&format!("/requests/{auto_id}"))
            .await
            .body
            .contains("automatically, after 3 days unopened")
    );
}

#[tokio::test]
async fn another_agency_cannot_touch_a_request() {
    let app = spawn_app().await;
    let client = ready(&app).await;
    let (id, link) = create_request(&app, client, &[("delivery", "link")]).await;
    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(&app);
    assert_eq!(beta.login("boss@beta.test", PASSWORD).await.status, 303);
    for path in [
        format!("/requests/{id}"),
        format!("/requests/{id}/regenerate"),
        format!("/requests/{id}/revoke"),
    ] {
        assert_eq!(beta.get(&path).await.status, 404, "{path}");
    }
    for path in [
        format!("/requests/{id}/regenerate"),
        format!("/requests/{id}/revoke"),
        format!("/requests/{id}/remind"),
    ] {
        assert_eq!(beta.post(&path, &[]).await.status, 404, "{path}");
    }
    assert!(!beta.get("/requests").await.body.contains("Bloom Bakery"));
    assert_eq!(
        beta.get(&format!("/requests?client_id={client}"))
            .await
            .status,
        404
    );
    // The link itself still works for the client.
    assert_eq!(spawn_client_of(&app).get(&link).await.status, 200);
}

#[tokio::test]
async fn the_landing_page_has_the_required_headers_and_no_external_urls() {
    let app = spawn_app().await;
    let client = ready(&app).await;
    let (_, link) = create_request(&app, client, &[]).await;
    let r = spawn_client_of(&app).get(&link).await;
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert!(r.header("x-robots-tag").unwrap().contains("noindex"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(
        r.header("content-security-policy")
            .unwrap()
            .contains("default-src 'self'")
    );
    for attr in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "url(http",
    ] {
        assert!(!r.body.contains(attr), "external reference {attr}");
    }
    assert!(app.get("/robots.txt").await.body.contains("Disallow: /r/"));
}

#[tokio::test]
async fn logos_are_checked_by_content_and_served_by_latchkey() {
    let app = spawn_app().await;
    let client = ready(&app).await;
    let token = app.csrf().await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82".to_vec();
    let upload = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "logo",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}/settings/logo?csrf={token}", app.base))
            .header(
                "cookie",
                format!("lk_session={}", app.cookie("lk_session").unwrap()),
            )
            .header("origin", app.public.clone())
            .multipart(form)
            .send()
    };
    let svg = upload(
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec(),
        "logo.png",
    )
    .await
    .unwrap();
    assert_eq!(svg.status().as_u16(), 400);
    assert!(svg.text().await.unwrap().contains("PNG or JPEG"));
    let big = upload(vec![0xFF; 600 * 1024], "big.jpg").await.unwrap();
    assert!(
        matches!(big.status().as_u16(), 400 | 413),
        "{}",
        big.status()
    );
    let ok = upload(png.clone(), "logo.png").await.unwrap();
    assert_eq!(ok.status().as_u16(), 303);
    let (_, link) = create_request(&app, client, &[("delivery", "link")]).await;
    let landing = spawn_client_of(&app).get(&link).await;
    assert!(landing.body.contains("/brand/1/logo"));
    let served = reqwest::get(format!("{}/brand/1/logo", app.base))
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
}
