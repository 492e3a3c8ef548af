//! Safe to expose: what a stranger can reach in each configuration, redirects, the OAuth
//! state, files at rest, hand-recorded grants and link-open bookkeeping.

use std::time::Duration;

use latchkey::config::MailTransportKind;

use crate::helpers::{
    BROWSER_UA, PASSWORD, TestApp, link_request, spawn_app, spawn_client_of, spawn_with,
    test_settings,
};

mod writes;

/// Waits until the file transport wrote `n` messages; returns their file names.
async fn mail_files(app: &TestApp, dir: &std::path::Path, n: usize) -> Vec<String> {
    for _ in 0..400 {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|n| n.ends_with(".eml") && !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        if names.len() >= n {
            names.sort();
            return names;
        }
        app.state.mailer.wake();
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("expected {n} mail files in {}", dir.display());
}

/// The file whose subject contains `needle`.
fn file_with(dir: &std::path::Path, names: &[String], needle: &str) -> String {
    names
        .iter()
        .find(|n| {
            std::fs::read_to_string(dir.join(n))
                .unwrap_or_default()
                .contains(needle)
        })
        .unwrap_or_else(|| panic!("no mail with {needle}"))
        .clone()
}

/// Sets up "Acme Agency" (with the sandbox's agency portfolio) and logs its owner in.
async fn setup(app: &TestApp) {
    let r = app
        .post(
            "/setup",
            &[
                ("agency_name", "Acme Agency"),
                ("portfolio_id", meta_sandbox::world::AGENCY_PORTFOLIO),
                ("name", "Olivia Owner"),
                ("email", "owner@acme.test"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// A request e-mailed to a client; returns nothing (the mail lands in the mailbox).
async fn email_a_request(app: &TestApp) {
    let client = app.create_client("Bloom Bakery", "casey@bloom.test").await;
    let cid = client.to_string();
    let r = app
        .post(
            "/requests",
            &[
                ("client_id", cid.as_str()),
                ("kind", "page"),
                ("level_page", "manage"),
                ("mode", "partner"),
                ("expiry_days", "14"),
                ("single_use", "1"),
                ("message", ""),
                ("delivery", "email"),
            ],
        )
        .await;
    assert!(
        r.status == 303 || r.status == 200,
        "{} {}",
        r.status,
        r.body
    );
}

#[tokio::test]
async fn with_a_real_meta_app_no_sandbox_route_exists() {
    let mut s = test_settings().await;
    s.mail_transport = MailTransportKind::File;
    s.meta_app_id = Some("1234567890".into());
    s.meta_app_secret = Some("a-real-looking-secret".into());
    let app = spawn_with(s).await;
    assert!(app.sandbox.is_none());
    for path in [
        "/sandbox",
        "/sandbox/mail",
        "/sandbox/mail/000000000001-00000001.eml",
        "/sandbox/graph/v27.0/me",
        "/sandbox/www/v27.0/dialog/oauth",
    ] {
        assert_eq!(app.get(path).await.status, 404, "{path}");
    }
    for path in [
        "/sandbox/admin/clock",
        "/sandbox/admin/reset",
        "/sandbox/www/dialog/oauth/confirm",
    ] {
        assert_eq!(
            app.post(path, &[("days", "365")]).await.status,
            404,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_sandbox_controls_act_only_for_the_installations_owner() {
    let app = spawn_app().await;
    let before = app.clock.now();
    // Anonymous: sent to log in, nothing moves.
    let anon = spawn_client_of(&app);
    let r = anon.post("/sandbox/admin/clock", &[("days", "365")]).await;
    assert_eq!(r.status, 303);
    assert!(r.location().unwrap().starts_with("/login"));
    assert!(anon.post("/sandbox/admin/reset", &[]).await.status >= 300);
    assert!(app.clock.now() < before + 86_400, "the clock did not move");

    setup(&app).await;
    // A member of the install's agency, and the owner of another agency: refused.
    app.post(
        "/team/invite",
        &[("email", "mia@acme.test"), ("role", "member")],
    )
    .await;
    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(&app);
    beta.login("boss@beta.test", PASSWORD).await;
    assert_eq!(beta.get("/sandbox").await.status, 403);
    let r = beta.post("/sandbox/admin/clock", &[("days", "365")]).await;
    assert_eq!(r.status, 403);
    assert!(app.clock.now() < before + 86_400);
    let r = beta
        .post(
            "/sandbox/admin/faults",
            &[("latency_ms", "5000"), ("transient_percent", "100")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.sandbox.as_ref().unwrap().faults().latency_ms, 0);

    // The install's owner may.
    let r = app
        .sandbox_post("/sandbox/admin/clock", &[("days", "1")])
        .await;
    assert_eq!(r.status, 303);
    assert!(app.clock.now() >= before + 86_400);
}

#[tokio::test]
async fn the_mailbox_shows_account_mail_only_to_its_recipient_and_client_mail_to_its_agency() {
    // Reached through a public name: not a loopback-only demo.
    let mut s = test_settings().await;
    s.mail_transport = MailTransportKind::File;
    s.base_url = Some("http://latchkey.test".into());
    let dir = s.data_dir.join("mail");
    let app = spawn_with(s).await;
    *app.origin.lock().unwrap() = Some("http://latchkey.test".into());
    setup(&app).await;
    app.post(
        "/team/invite",
        &[("email", "mia@acme.test"), ("role", "member")],
    )
    .await;
    email_a_request(&app).await;
    // A stranger asks for the owner's password reset: the attack that was run.
    let stranger = spawn_client_of(&app);
    *stranger.origin.lock().unwrap() = Some("http://latchkey.test".into());
    stranger
        .post("/password/forgot", &[("email", "owner@acme.test")])
        .await;
    let names = mail_files(&app, &dir, 3).await;
    let invite = file_with(&dir, &names, "invited you");
    let reset = file_with(&dir, &names, "password");
    let access = file_with(&dir, &names, "/r/lkr_");

    // The stranger sees nothing at all.
    let list = stranger.get("/sandbox/mail").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains(".eml"), "{}", list.body);
    for name in [&invite, &reset, &access] {
        let r = stranger.get(&format!("/sandbox/mail/{name}")).await;
        assert_eq!(r.status, 404, "{name}");
        assert!(!r.body.contains("/password/reset/") && !r.body.contains("/r/lkr_"));
    }

    // The owner sees the agency's client mail and her own reset, never Mia's invitation.
    let list = app.get("/sandbox/mail").await;
    assert!(list.body.contains(&access) && list.body.contains(&reset));
    assert!(!list.body.contains(&invite));
    assert_eq!(
        app.get(&format!("/sandbox/mail/{invite}")).await.status,
        404
    );
    let shown = app.get(&format!("/sandbox/mail/{access}")).await;
    assert!(shown.body.contains("<a href=\"http://latchkey.test/r/lkr_"));

    // Staff of another agency see none of it.
    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(&app);
    *beta.origin.lock().unwrap() = Some("http://latchkey.test".into());
    beta.login("boss@beta.test", PASSWORD).await;
    let list = beta.get("/sandbox/mail").await;
    assert!(!list.body.contains(".eml"));
    assert_eq!(
        beta.get(&format!("/sandbox/mail/{access}")).await.status,
        404
    );
    assert_eq!(app.get("/sandbox/mail/..%2Flatchkey.db").await.status, 404);
}

#[tokio::test]
async fn a_loopback_only_demo_shows_client_mail_but_never_account_mail() {
    let mut s = test_settings().await;
    s.mail_transport = MailTransportKind::File;
    let dir = s.data_dir.join("mail");
    let app = spawn_with(s).await;
    setup(&app).await;
    app.post(
        "/team/invite",
        &[("email", "mia@acme.test"), ("role", "member")],
    )
    .await;
    email_a_request(&app).await;
    let names = mail_files(&app, &dir, 2).await;
    let invite = file_with(&dir, &names, "invited you");
    let access = file_with(&dir, &names, "/r/lkr_");
    let local = spawn_client_of(&app);
    let list = local.get("/sandbox/mail").await;
    assert!(list.body.contains(&access));
    assert!(!list.body.contains(&invite));
    let shown = local.get(&format!("/sandbox/mail/{access}")).await;
    assert!(
        shown.body.contains("/r/lkr_"),
        "clickable for the local demo"
    );
    assert_eq!(
        local.get(&format!("/sandbox/mail/{invite}")).await.status,
        404
    );
}

#[tokio::test]
async fn sandbox_mode_refuses_a_public_address_unless_told() {
    let mut s = test_settings().await;
    s.bind = "0.0.0.0:0".parse().unwrap();
    let err = latchkey::Application::build(s, latchkey::Clock::system())
        .await
        .err()
        .expect("refused");
    assert!(
        format!("{err:#}").contains("LATCHKEY_SANDBOX_PUBLIC"),
        "{err:#}"
    );

    let mut s = test_settings().await;
    s.base_url = Some("https://access.example".into());
    assert!(
        latchkey::Application::build(s, latchkey::Clock::system())
            .await
            .is_err()
    );

    let mut s = test_settings().await;
    s.base_url = Some("https://access.example".into());
    s.sandbox_public = true;
    assert!(
        latchkey::Application::build(s, latchkey::Clock::system())
            .await
            .is_ok()
    );

    // A real Meta app may be public: no sandbox there.
    let mut s = test_settings().await;
    s.bind = "0.0.0.0:0".parse().unwrap();
    s.meta_app_id = Some("1234567890".into());
    s.meta_app_secret = Some("secret".into());
    assert!(
        latchkey::Application::build(s, latchkey::Clock::system())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn login_redirects_stay_on_this_site() {
    let app = spawn_app().await;
    setup(&app).await;
    app.post("/logout", &[]).await;
    let tried = [
        "/..//evil.host/phish",
        "/.//evil.host",
        "/%2e%2e//evil.host",
        "/\t/evil.host/x",
        "/%09/evil.host/x",
        "/\r\n/evil.host/x",
        "//evil.host/x",
        "/\\evil.host/x",
        "%2F%2Fevil.host/x",
        "/%2F/evil.host",
        "https://evil.host/x",
        "https:evil.host",
        "\u{FF0F}\u{FF0F}evil.host",
        "/\u{2215}evil.host",
    ];
    for next in tried {
        // The login page carries `next` into its form...
        let page = app
            .get(&format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ))
            .await;
        assert!(
            !page.body.contains("evil.host"),
            "{next:?} kept on the page"
        );
        // ...and a forged form still lands at home.
        let r = app
            .post(
                "/login",
                &[
                    ("email", "owner@acme.test"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{next:?}");
        assert_eq!(r.location(), Some("/"), "{next:?}");
        // Signed in, the login page sends the visitor on at once: home, never away.
        let r = app
            .get(&format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ))
            .await;
        assert_eq!(r.location(), Some("/"), "{next:?} signed in");
        app.post("/logout", &[]).await;
    }
    let r = app
        .post(
            "/login",
            &[
                ("email", "owner@acme.test"),
                ("password", PASSWORD),
                ("next", "/clients?page=2"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/clients?page=2"));
}

#[tokio::test]
async fn a_callback_in_the_wrong_browser_does_not_use_up_the_real_state() {
    let app = spawn_app().await;
    setup(&app).await;
    let client = app.create_client("Bloom Bakery", "casey@bloom.test").await;
    let link = link_request(&app, client, "page", false).await;
    let real = spawn_client_of(&app);
    let start = real.get(&format!("{link}/start")).await;
    let dialog = url::Url::parse(start.location().unwrap()).unwrap();
    let q: Vec<(String, String)> = dialog.query_pairs().into_owned().collect();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let form = [
        ("client_id", get("client_id")),
        ("redirect_uri", get("redirect_uri")),
        ("state", get("state")),
        ("scope", get("scope")),
        ("person", "9100000000000001".to_owned()),
        ("action", "continue".to_owned()),
    ];
    let mut pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for g in crate::helpers::ALL_SCOPES {
        pairs.push(("grant", g));
    }
    let back = real
        .post_raw("/sandbox/www/dialog/oauth/confirm", &pairs)
        .await;
    let cb = url::Url::parse(back.location().unwrap()).unwrap();
    let callback = format!("{}?{}", cb.path(), cb.query().unwrap());
    // The callback is opened first in a browser that did not start the flow...
    let other = spawn_client_of(&app);
    assert_eq!(other.get(&callback).await.status, 410);
    // ...and the real client's sign-in still completes.
    let mine = real.get(&callback).await;
    assert_eq!(mine.location(), Some("/approve"), "{}", mine.body);
}

#[cfg(unix)]
#[tokio::test]
async fn files_at_rest_are_private() {
    use std::os::unix::fs::PermissionsExt;
    if std::env::var("LATCHKEY_TEST_DATABASE_URL").is_ok() {
        return; // the SQLite files are what this test is about
    }
    let mut s = test_settings().await;
    s.mail_transport = MailTransportKind::File;
    let data = s.data_dir.clone();
    let app = spawn_with(s).await;
    setup(&app).await;
    email_a_request(&app).await;
    let names = mail_files(&app, &data.join("mail"), 1).await;
    let mode = |p: std::path::PathBuf| {
        std::fs::metadata(&p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(data.clone()), 0o700, "data dir");
    assert_eq!(mode(data.join("mail")), 0o700, "mail dir");
    for f in [
        "latchkey.db",
        "latchkey.db-wal",
        "latchkey.db-shm",
        "secret.key",
    ] {
        assert_eq!(mode(data.join(f)), 0o600, "{f}");
    }
    for n in &names {
        assert_eq!(mode(data.join("mail").join(n)), 0o600, "{n}");
    }
    // The sandbox's world, once it changed.
    app.sandbox
        .as_ref()
        .unwrap()
        .set_migration("1000000000000003", Some(1_800_000_000));
    assert_eq!(mode(data.join("sandbox.json")), 0o600, "sandbox.json");
}
