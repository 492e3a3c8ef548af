//! Setup, login, throttling, sessions, CSRF, password change and reset.

use crate::helpers::{PASSWORD, TestApp, link_in, path_of, spawn_app, spawn_with, test_settings};

mod passkeys;
mod passwords;
mod two_factor;

#[tokio::test]
async fn setup_works_once_then_answers_404() {
    let app = spawn_app().await;
    assert_eq!(app.get("/").await.location(), Some("/setup"));
    let r = app.setup_and_login().await;
    assert_eq!(r.location(), Some("/?notice=welcome"));
    let home = app.get("/").await;
    assert!(home.body.contains("Olivia Owner"), "{}", home.body);
    assert!(home.body.contains("Add a client"));
    assert!(
        home.body.contains("Nothing needs you right now"),
        "an empty to-do list says so"
    );

    app.clear_cookies();
    assert_eq!(app.get("/setup").await.status, 404);
    let again = app.setup("Evil Agency", "evil@x.test").await;
    assert_eq!(again.status, 404);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn setup_with_bad_input_explains_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/setup",
            &[
                ("agency_name", "Acme Agency"),
                ("portfolio_id", "12ab"),
                ("name", "Olivia"),
                ("email", "olivia@acme.test"),
                ("password", "password1234"),
                ("confirm", "password1234"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("5 to 20 digits"), "{}", r.body);
    assert!(r.body.contains("most common passwords"));
    assert!(r.body.contains("value=\"Acme Agency\""));
    assert!(r.body.contains("value=\"olivia@acme.test\""));
    assert!(
        !r.body.contains("password1234"),
        "passwords are never echoed"
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn login_succeeds_and_failures_look_the_same_for_unknown_accounts() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.post("/logout", &[]).await;

    let wrong = app.login("owner@acme.test", "not the right password").await;
    let unknown = app
        .login("nobody@acme.test", "not the right password")
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    let msg = "That e-mail and password do not match an account.";
    assert!(wrong.body.contains(msg) && unknown.body.contains(msg));
    assert!(app.cookie("lk_session").is_none());

    let ok = app.login("OWNER@acme.test", PASSWORD).await;
    assert_eq!(ok.status, 303);
    assert_eq!(ok.location(), Some("/"));
    assert!(app.get("/clients").await.body.contains("No clients yet"));
}

#[tokio::test]
async fn login_redirects_back_but_never_off_site() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.post("/logout", &[]).await;
    let r = app.get("/clients?page=2").await;
    assert_eq!(r.location(), Some("/login?next=%2Fclients%3Fpage%3D2"));
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
    app.post("/logout", &[]).await;
    let r = app
        .post(
            "/login",
            &[
                ("email", "owner@acme.test"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/"));
}

#[tokio::test]
async fn throttling_engages_and_releases_when_time_passes() {
    let app = spawn_app().await;
    // Delays are whole seconds: a second ticking by itself between two requests (hashing
    // in a debug build takes a while) would release the brake early.
    app.clock.freeze();
    app.setup_and_login().await;
    app.post("/logout", &[]).await;
    for _ in 0..6 {
        assert_eq!(
            app.login("owner@acme.test", "wrong password here")
                .await
                .status,
            401
        );
    }
    // Even the right password is refused while the delay runs.
    let blocked = app.login("owner@acme.test", PASSWORD).await;
    assert_eq!(blocked.status, 429);
    assert!(blocked.body.contains("Too many failed attempts"));
    assert!(blocked.header("retry-after").is_some());

    app.clock.advance(2);
    assert_eq!(
        app.login("owner@acme.test", "wrong password here")
            .await
            .status,
        401
    );
    // Seven failures: the delay has grown to 2 seconds.
    assert_eq!(app.login("owner@acme.test", PASSWORD).await.status, 429);
    app.clock.advance(1);
    assert_eq!(app.login("owner@acme.test", PASSWORD).await.status, 429);
    app.clock.advance(2);
    assert_eq!(app.login("owner@acme.test", PASSWORD).await.status, 303);
}

#[tokio::test]
async fn account_locks_after_100_failures_and_the_lock_expires() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let now = app.clock.now();
    for _ in 0..100 {
        latchkey::store::throttle::record_failure(
            &mut conn,
            "acct:owner@acme.test",
            latchkey::store::throttle::ACCOUNT,
            now,
        )
        .await
        .unwrap();
    }
    drop(conn);
    // A browser that never signed in to the account is held off…
    let stranger = crate::helpers::spawn_client_of(&app);
    let r = stranger.login("owner@acme.test", PASSWORD).await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains("1 hour"), "{}", r.body);
    app.clock.advance(3601);
    assert_eq!(
        stranger.login("owner@acme.test", PASSWORD).await.status,
        303
    );
}

#[tokio::test]
async fn strangers_cannot_lock_the_owner_out() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.post("/logout", &[]).await;
    // The owner signs in once from this browser: it is known from now on.
    let r = app.login("owner@acme.test", PASSWORD).await;
    assert_eq!(r.status, 303);
    assert!(
        r.set_cookies()
            .iter()
            .any(|c| c.starts_with("lk_device=lkd_")
                && c.contains("HttpOnly")
                && c.contains("Max-Age=31536000")),
        "{:?}",
        r.set_cookies()
    );
    app.post("/logout", &[]).await;
    // Six wrong passwords from six addresses: nobody is slowed down, the owner least.
    for n in 0..6 {
        let attacker = crate::helpers::spawn_client_from(&app, &format!("127.0.0.{}", 10 + n));
        assert_eq!(
            attacker
                .login("owner@acme.test", "wrong guess here")
                .await
                .status,
            401
        );
    }
    assert_eq!(app.login("owner@acme.test", PASSWORD).await.status, 303);
    app.post("/logout", &[]).await;
    // A hundred from a hundred addresses lock the account — for strangers, not for the
    // owner's own browser.
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let now = app.clock.now();
    for _ in 0..100 {
        latchkey::store::throttle::record_failure(
            &mut conn,
            "acct:owner@acme.test",
            latchkey::store::throttle::ACCOUNT_WIDE,
            now,
        )
        .await
        .unwrap();
    }
    drop(conn);
    let stranger = crate::helpers::spawn_client_of(&app);
    assert_eq!(
        stranger.login("owner@acme.test", PASSWORD).await.status,
        429
    );
    assert_eq!(app.login("owner@acme.test", PASSWORD).await.status, 303);
    // A device cookie of another account does not help.
    let other = crate::helpers::spawn_client_of(&app);
    other.create_agency("Beta Agency", "bea@beta.test").await;
    assert_eq!(other.login("bea@beta.test", PASSWORD).await.status, 303);
    other.post("/logout", &[]).await;
    assert_eq!(other.login("owner@acme.test", PASSWORD).await.status, 429);
}

#[tokio::test]
async fn session_cookie_attributes_over_http_and_https() {
    let app = spawn_app().await;
    let r = app.setup_and_login().await;
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("lk_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(cookie.contains("Path=/"));
    assert!(!cookie.to_lowercase().contains("domain"));
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("lk_session=");
    assert!(
        value.starts_with("lks_") && value.len() >= 4 + 43,
        "≥ 256 bits: {value}"
    );
    // Only the hash is stored.
    let stored: String = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_ne!(stored, value);
    assert_eq!(stored.len(), 64);

    let mut s = test_settings().await;
    s.base_url = Some("https://latchkey.example".into());
    // An https base URL in sandbox mode is a public demo: the operator must say so.
    s.sandbox_public = true;
    let secure = spawn_with(s).await;
    *secure.origin.lock().unwrap() = Some("https://latchkey.example".into());
    let login = secure.get("/login").await;
    let csrf_cookie = login
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-lk_csrf="))
        .unwrap();
    assert!(csrf_cookie.contains("Secure"));
    let token = crate::helpers::csrf_in(&login.body).unwrap();
    let r = secure
        .post_raw(
            "/setup",
            &[
                ("csrf", &token),
                ("agency_name", "Secure Agency"),
                ("portfolio_id", ""),
                ("name", "Sam"),
                ("email", "sam@secure.test"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-lk_session="))
        .unwrap();
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"));
    assert_eq!(
        r.header("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
}

#[tokio::test]
async fn csrf_missing_wrong_or_cross_origin_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let fields = [
        ("name", "Sneaky Co"),
        ("contact_name", ""),
        ("contact_email", "a@sneaky.test"),
        ("notes", ""),
    ];

    let missing = app.post_raw("/clients", &fields).await;
    assert_eq!(missing.status, 403);
    assert!(missing.body.contains("This form has expired"));

    let mut wrong = fields.to_vec();
    wrong.push((
        "csrf",
        "0000000000000000000000000000000000000000000000000000000000000000",
    ));
    assert_eq!(app.post_raw("/clients", &wrong).await.status, 403);

    let token = app.csrf().await;
    let mut good = fields.to_vec();
    good.push(("csrf", &token));
    *app.origin.lock().unwrap() = Some("https://evil.example".into());
    assert_eq!(app.post_raw("/clients", &good).await.status, 403);
    // `Origin: null` (what Chromium sends from a page under `no-referrer`) names no site:
    // without the token it is refused like any other post.
    *app.origin.lock().unwrap() = Some("null".into());
    assert_eq!(app.post_raw("/clients", &fields).await.status, 403);
    *app.origin.lock().unwrap() = None;

    // The anonymous login form is protected too.
    app.clear_cookies();
    assert_eq!(
        app.post_raw(
            "/login",
            &[("email", "owner@acme.test"), ("password", PASSWORD)]
        )
        .await
        .status,
        403
    );

    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn cross_site_fetch_metadata_is_refused() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let token = app.csrf().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/logout", app.base))
        .header(
            "cookie",
            format!("lk_session={}", app.cookie("lk_session").unwrap()),
        )
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    // `Origin: null` from a cross-site page is still refused by its fetch metadata.
    let resp = reqwest::Client::new()
        .post(format!("{}/logout", app.base))
        .header(
            "cookie",
            format!("lk_session={}", app.cookie("lk_session").unwrap()),
        )
        .header("sec-fetch-site", "cross-site")
        .header("origin", "null")
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    // Still logged in.
    assert_eq!(app.get("/clients").await.status, 200);
}

#[tokio::test]
async fn logout_kills_the_session_on_the_server() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let old = app.cookie("lk_session").unwrap();
    let r = app.post("/logout", &[]).await;
    assert_eq!(r.location(), Some("/login?notice=logged_out"));
    app.set_cookie("lk_session", &old);
    let r = app.get("/clients").await;
    assert_eq!(r.status, 303);
    assert!(r.location().unwrap().starts_with("/login"));
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn login_issues_a_new_session_id() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let first = app.cookie("lk_session").unwrap();
    let r = app.login("owner@acme.test", PASSWORD).await;
    assert_eq!(r.status, 303);
    let second = app.cookie("lk_session").unwrap();
    assert_ne!(first, second);
    app.set_cookie("lk_session", &first);
    assert_eq!(
        app.get("/clients").await.status,
        303,
        "the old id died at the new login"
    );
}

#[tokio::test]
async fn sessions_expire_when_idle_and_absolutely() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.clock.advance(29 * 60);
    assert_eq!(app.get("/clients").await.status, 200);
    app.clock.advance(31 * 60);
    assert_eq!(app.get("/clients").await.status, 303, "idle for 31 minutes");

    app.login("owner@acme.test", PASSWORD).await;
    // Active every 20 minutes, but never beyond 8 hours.
    for _ in 0..23 {
        app.clock.advance(20 * 60);
        assert_eq!(app.get("/clients").await.status, 200);
    }
    app.clock.advance(20 * 60 + 1);
    assert_eq!(
        app.get("/clients").await.status,
        303,
        "past the 8-hour limit"
    );
}

/// The Base32 secret on the set-up page.
fn secret_on(page: &str) -> String {
    let at = page.find("class=\"secret\">").expect("the key on the page") + 15;
    page[at..].split('<').next().unwrap().to_owned()
}
