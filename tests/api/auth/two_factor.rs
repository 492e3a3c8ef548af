//! Two-factor sign-in: enrolment, replay, recovery codes, the lockout, and an agency that requires it.

use super::*;

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
