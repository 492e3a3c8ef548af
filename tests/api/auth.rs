//! Setup, login, throttling, sessions, CSRF, password change and reset.

use crate::helpers::{PASSWORD, TestApp, link_in, path_of, spawn_app, spawn_with, test_settings};

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

#[tokio::test]
async fn password_change_needs_the_current_password_and_ends_other_sessions() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let other = crate::helpers::spawn_client_of(&app);
    assert_eq!(other.login("owner@acme.test", PASSWORD).await.status, 303);

    let new = "a completely new passphrase";
    let r = app
        .post(
            "/account/password",
            &[
                ("current", "wrong wrong wrong"),
                ("password", new),
                ("confirm", new),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("current password is not correct"));

    let r = app
        .post(
            "/account/password",
            &[("current", PASSWORD), ("password", new), ("confirm", new)],
        )
        .await;
    assert_eq!(r.location(), Some("/?notice=password_changed"));
    assert_eq!(app.get("/clients").await.status, 200, "this session stays");
    assert_eq!(
        other.get("/clients").await.status,
        303,
        "the other session ended"
    );
    app.post("/logout", &[]).await;
    assert_eq!(app.login("owner@acme.test", PASSWORD).await.status, 401);
    assert_eq!(app.login("owner@acme.test", new).await.status, 303);
}

#[tokio::test]
async fn forgot_password_answers_the_same_and_reset_links_are_single_use_and_expire() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.post("/logout", &[]).await;

    let unknown = app
        .post("/password/forgot", &[("email", "nobody@acme.test")])
        .await;
    let known = app
        .post("/password/forgot", &[("email", "owner@acme.test")])
        .await;
    assert_eq!(unknown.status, known.status);
    assert!(unknown.body.contains("If an account exists"));
    assert_eq!(
        unknown.body.replace(
            &crate::helpers::csrf_in(&unknown.body).unwrap_or_default(),
            ""
        ),
        known.body.replace(
            &crate::helpers::csrf_in(&known.body).unwrap_or_default(),
            ""
        )
    );

    let mail = app.wait_for_emails("owner@acme.test", 1).await;
    assert!(mail[0].subject.contains("Reset your Latchkey password"));
    let link = link_in(&mail[0].text, "/password/reset/");
    let path = path_of(&link);
    assert!(app.get(&path).await.body.contains("Choose a new password"));
    let new = "the brand new passphrase";
    let r = app
        .post(&path, &[("password", new), ("confirm", new)])
        .await;
    assert_eq!(r.location(), Some("/login?notice=password_reset"));
    // Used: gone.
    assert_eq!(app.get(&path).await.status, 410);
    assert_eq!(
        app.post(
            &path,
            &[
                ("password", "another new passphrase"),
                ("confirm", "another new passphrase")
            ]
        )
        .await
        .status,
        410
    );
    assert_eq!(app.login("owner@acme.test", new).await.status, 303);
    app.post("/logout", &[]).await;

    // A second link expires after an hour.
    app.post("/password/forgot", &[("email", "owner@acme.test")])
        .await;
    let mail = app.wait_for_emails("owner@acme.test", 2).await;
    let path = path_of(&link_in(&mail[1].text, "/password/reset/"));
    app.clock.advance(3601);
    let r = app.get(&path).await;
    assert_eq!(r.status, 410);
    assert!(r.body.contains("expired or was already used"));
    // A made-up token is simply not found.
    assert_eq!(
        app.get("/password/reset/lkp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn reset_requests_are_throttled_and_only_the_newest_link_works() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.post("/logout", &[]).await;
    // Three requests for one address are answered; each voids the link before it.
    for _ in 0..3 {
        let r = app
            .post("/password/forgot", &[("email", "owner@acme.test")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let mail = app.wait_for_emails("owner@acme.test", 3).await;
    let paths: Vec<String> = mail
        .iter()
        .map(|m| path_of(&link_in(&m.text, "/password/reset/")))
        .collect();
    assert_eq!(app.get(&paths[0]).await.status, 410, "voided by the second");
    assert_eq!(app.get(&paths[1]).await.status, 410, "voided by the third");
    assert_eq!(app.get(&paths[2]).await.status, 200, "the newest works");
    // The fourth within the hour waits, and no fourth e-mail is queued — the same for an
    // address with no account, so the limit tells nothing about who has one.
    let r = app
        .post("/password/forgot", &[("email", "owner@acme.test")])
        .await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("Too many reset requests"), "{}", r.body);
    for _ in 0..3 {
        app.post("/password/forgot", &[("email", "nobody@acme.test")])
            .await;
    }
    let r = app
        .post("/password/forgot", &[("email", "nobody@acme.test")])
        .await;
    assert_eq!(r.status, 429);
    app.drain_outbox().await;
    assert_eq!(app.emails_to("owner@acme.test").len(), 3);
    let queued: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'password_reset'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(queued, 3);
    // Per client address too: a flood over many addresses stops at ten.
    let mut answered = 0;
    for n in 0..20 {
        let r = app
            .post("/password/forgot", &[("email", &format!("x{n}@acme.test"))])
            .await;
        if r.status == 200 {
            answered += 1;
        }
    }
    // Six were counted from this address already (3 + 3; refused ones do not count).
    assert_eq!(answered, 4, "ten in all from one address");
    // An hour later, the address may ask again.
    app.clock.advance(3601);
    let r = app
        .post("/password/forgot", &[("email", "owner@acme.test")])
        .await;
    assert_eq!(r.status, 200);
}

/// The Base32 secret on the set-up page.
fn secret_on(page: &str) -> String {
    let at = page.find("class=\"secret\">").expect("the key on the page") + 15;
    page[at..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn two_factor_enrolment_sign_in_replay_recovery_and_lockout() {
    use latchkey::domain::two_factor::code_at;
    let app = spawn_app().await;
    app.setup_and_login().await;
    // Enrolment: a QR code and its key; a wrong code changes nothing.
    let page = app.get("/account/security").await.body;
    assert!(page.contains("<svg") && page.contains("QR code for your authenticator app"));
    let secret = secret_on(&page);
    let wrong = app
        .post("/account/security/confirm", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("That code does not match"));
    assert_eq!(
        secret_on(&wrong.body),
        secret,
        "the same key until confirmed"
    );
    let now = app.clock.now();
    let r = app
        .post(
            "/account/security/confirm",
            &[("code", &code_at(&secret, now).unwrap())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = app.get(r.location().unwrap()).await.body;
    assert!(shown.contains("Your recovery codes"));
    let codes: Vec<String> = shown
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    // Shown once.
    assert!(
        !app.get(r.location().unwrap())
            .await
            .body
            .contains("Your recovery codes")
    );
    app.post("/logout", &[]).await;

    // Sign-in: the password is now the first of two steps.
    let first = app.login("owner@acme.test", PASSWORD).await;
    assert_eq!(first.status, 303);
    assert!(first.location().unwrap().starts_with("/login/verify"));
    assert_eq!(app.get("/clients").await.status, 303, "not signed in yet");
    // The code used to confirm is refused (replay within its window).
    let replay = app
        .post(
            "/login/verify",
            &[("code", &code_at(&secret, now).unwrap())],
        )
        .await;
    assert_eq!(replay.status, 401, "{}", replay.body);
    // A fresh code signs in; the same code again is refused.
    app.clock.advance(30);
    let code = code_at(&secret, app.clock.now()).unwrap();
    let ok = app.post("/login/verify", &[("code", &code)]).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(app.get("/clients").await.status, 200);
    app.post("/logout", &[]).await;
    app.login("owner@acme.test", PASSWORD).await;
    assert_eq!(
        app.post("/login/verify", &[("code", &code)]).await.status,
        401,
        "a used code works once"
    );
    // A recovery code works, once.
    let r = app
        .post("/login/verify", &[("code", &codes[0].to_uppercase())])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    app.post("/logout", &[]).await;
    app.login("owner@acme.test", PASSWORD).await;
    assert_eq!(
        app.post("/login/verify", &[("code", &codes[0])])
            .await
            .status,
        401
    );
    // Five wrong codes lock the second step for 15 minutes, even for a right one.
    for _ in 0..4 {
        app.post("/login/verify", &[("code", "123456")]).await;
    }
    app.clock.advance(30);
    let locked = app
        .post(
            "/login/verify",
            &[("code", &code_at(&secret, app.clock.now()).unwrap())],
        )
        .await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(locked.body.contains("Too many wrong answers"));
    // The challenge lasts five minutes: after the lock, sign in again from the password.
    app.clock.advance(15 * 60 + 1);
    let r = app
        .post(
            "/login/verify",
            &[("code", &code_at(&secret, app.clock.now()).unwrap())],
        )
        .await;
    assert_eq!(r.location(), Some("/login?notice=second_factor_expired"));
    app.login("owner@acme.test", PASSWORD).await;
    let r = app
        .post(
            "/login/verify",
            &[("code", &code_at(&secret, app.clock.now()).unwrap())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'login.second_factor_failed'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(audit >= 7, "{audit}");
}

#[tokio::test]
async fn an_agency_can_require_two_factor_and_sessions_can_be_ended() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    // A second browser of the owner.
    let other = crate::helpers::spawn_client_of(&app);
    assert_eq!(other.login("owner@acme.test", PASSWORD).await.status, 303);
    let page = app.get("/account/security").await.body;
    assert_eq!(
        page.matches("<tr>").count(),
        3,
        "header and two sessions: {page}"
    );
    assert!(page.contains("this browser"));
    let r = app.post("/account/security/sessions/end-others", &[]).await;
    assert_eq!(
        r.location(),
        Some("/account/security?notice=sessions_ended")
    );
    assert_eq!(other.get("/clients").await.status, 303, "signed out there");
    assert_eq!(app.get("/clients").await.status, 200, "not here");
    // Owners require two-factor: without it, every page leads to setting it up.
    let r = app.post("/settings/two-factor", &[("require", "1")]).await;
    assert_eq!(
        r.location(),
        Some("/settings?notice=two_factor_required_on")
    );
    let r = app.get("/clients").await;
    assert_eq!(
        r.location(),
        Some("/account/security?notice=two_factor_required")
    );
    let page = app
        .get("/account/security?notice=two_factor_required")
        .await
        .body;
    assert!(page.contains("Your agency requires two-factor sign-in"));
    let secret = secret_on(&page);
    let code = latchkey::domain::two_factor::code_at(&secret, app.clock.now()).unwrap();
    app.post("/account/security/confirm", &[("code", &code)])
        .await;
    assert_eq!(app.get("/clients").await.status, 200);
    // While required, it cannot be turned off.
    let r = app
        .post("/account/security/off", &[("password", PASSWORD)])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("requires two-factor sign-in"));
}

/// Latchkey at `http://localhost:<port>`, where browsers allow passkeys.
async fn spawn_at_localhost() -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut s = test_settings().await;
    s.bind = format!("127.0.0.1:{port}").parse().unwrap();
    s.base_url = Some(format!("http://localhost:{port}"));
    spawn_with(s).await
}

async fn passkeys_of(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM passkeys")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn passkeys_need_a_domain_name_and_say_so() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let page = app.get("/account/security").await.body;
    assert!(page.contains("Passkeys need Latchkey at a domain name"));
    assert!(!page.contains("data-passkey=\"register\""));
    let r = app.post("/account/security/passkeys/options", &[]).await;
    assert_eq!(r.status, 409);
    let said: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(said["error"].as_str().unwrap().contains("IP address"));
    let r = app
        .post(
            "/account/security/passkeys",
            &[("name", "Laptop"), ("credential", "{}")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(passkeys_of(&app).await, 0);
}

#[tokio::test]
async fn a_passkey_answer_that_does_not_verify_adds_nothing_and_its_challenge_works_once() {
    let app = spawn_at_localhost().await;
    app.setup_and_login().await;
    let page = app.get("/account/security").await.body;
    assert!(page.contains("data-passkey=\"register\""), "{page}");
    let r = app.post("/account/security/passkeys/options", &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let options: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let pk = &options["publicKey"];
    assert_eq!(pk["rp"]["id"], "localhost");
    assert_eq!(pk["user"]["name"], "owner@acme.test");
    assert_eq!(pk["authenticatorSelection"]["userVerification"], "required");
    assert!(pk["challenge"].as_str().unwrap().len() >= 43);
    // No name: said beside the field, the ceremony kept for the next try.
    let r = app
        .post(
            "/account/security/passkeys",
            &[("name", " "), ("credential", "{}")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Name the passkey"), "{}", r.body);
    // No answer (no JavaScript): said so.
    let r = app
        .post(
            "/account/security/passkeys",
            &[("name", "Laptop"), ("credential", "")],
        )
        .await;
    assert!(r.body.contains("needs JavaScript"), "{}", r.body);
    // A forged attestation (none format, no key, nobody's signature) is refused ...
    let forged = serde_json::json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"attestationObject": "o2NmbXRkbm9uZQ", "clientDataJSON": "e30"}
    })
    .to_string();
    let r = app
        .post(
            "/account/security/passkeys",
            &[("name", "Laptop"), ("credential", &forged)],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("could not be checked"), "{}", r.body);
    assert!(r.body.contains("value=\"Laptop\"") || r.body.contains("aria-invalid"));
    assert_eq!(passkeys_of(&app).await, 0, "nothing stored");
    // ... and used up its challenge: the same answer again finds none.
    let r = app
        .post(
            "/account/security/passkeys",
            &[("name", "Laptop"), ("credential", &forged)],
        )
        .await;
    assert!(r.body.contains("used twice"), "{}", r.body);
    // A challenge lasts five minutes.
    app.post("/account/security/passkeys/options", &[]).await;
    app.clock.advance(5 * 60 + 1);
    let r = app
        .post(
            "/account/security/passkeys",
            &[("name", "Laptop"), ("credential", &forged)],
        )
        .await;
    assert!(r.body.contains("took too long"), "{}", r.body);
    assert_eq!(passkeys_of(&app).await, 0);
}

#[tokio::test]
async fn a_wrong_passkey_at_sign_in_counts_towards_the_lock_like_a_wrong_code() {
    use latchkey::domain::two_factor::code_at;
    let app = spawn_at_localhost().await;
    app.setup_and_login().await;
    let secret = secret_on(&app.get("/account/security").await.body);
    let code = code_at(&secret, app.clock.now()).unwrap();
    let r = app
        .post("/account/security/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status, 303);
    app.post("/logout", &[]).await;
    app.login("owner@acme.test", PASSWORD).await;
    // The app only: no passkey button, and no options to ask with.
    let page = app.get("/login/verify").await.body;
    assert!(!page.contains("data-passkey"), "{page}");
    let r = app.post("/login/verify/passkey/options", &[]).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("no passkey"), "{}", r.body);
    // An answer without a ceremony, or a junk one, is a wrong answer: five lock the step.
    for _ in 0..5 {
        let r = app
            .post("/login/verify/passkey", &[("credential", "{\"id\":\"x\"}")])
            .await;
        assert!(r.status == 401 || r.status == 429, "{}", r.status);
    }
    app.clock.advance(30);
    let r = app
        .post(
            "/login/verify",
            &[("code", &code_at(&secret, app.clock.now()).unwrap())],
        )
        .await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(app.get("/clients").await.status, 303, "not signed in");
}

#[tokio::test]
async fn the_last_second_factor_stays_while_the_agency_requires_one() {
    let app = spawn_at_localhost().await;
    app.setup_and_login().await;
    let pool = &app.state.db.pool;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'owner@acme.test'")
        .fetch_one(pool)
        .await
        .unwrap();
    // A passkey as registration leaves it (its record is opaque to removal).
    sqlx::query(
        "INSERT INTO passkeys (user_id, credential_id, user_handle, name, passkey, created_at)
         VALUES ($1, 'cred-1', 'handle', 'YubiKey', '{}', 0)",
    )
    .bind(user)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("UPDATE agencies SET require_two_factor = 1")
        .execute(pool)
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM passkeys")
        .fetch_one(pool)
        .await
        .unwrap();
    let page = app.get("/account/security").await.body;
    assert!(
        page.contains("YubiKey") && page.contains("not used yet"),
        "{page}"
    );
    let r = app
        .post(
            "/account/security/passkeys/remove",
            &[("id", &id.to_string())],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("only second factor"), "{}", r.body);
    assert_eq!(passkeys_of(&app).await, 1, "kept");
    // Someone else's passkey (or none): not found, nothing removed.
    let r = app
        .post("/account/security/passkeys/remove", &[("id", "999")])
        .await;
    assert_eq!(
        r.status, 422,
        "still refused first: the rule is about this person"
    );
    sqlx::query("UPDATE agencies SET require_two_factor = 0")
        .execute(pool)
        .await
        .unwrap();
    let r = app
        .post("/account/security/passkeys/remove", &[("id", "999")])
        .await;
    assert_eq!(r.status, 404);
    let r = app
        .post(
            "/account/security/passkeys/remove",
            &[("id", &id.to_string())],
        )
        .await;
    assert_eq!(
        r.location(),
        Some("/account/security?notice=passkey_removed")
    );
    assert_eq!(passkeys_of(&app).await, 0);
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'passkey.removed'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(audit, 1);
}
