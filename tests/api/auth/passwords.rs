//! Passwords: changing one ends other sessions; reset links are single-use, expire and are throttled.

use super::*;

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
