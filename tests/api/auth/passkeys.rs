//! Passkeys: a domain name is needed, forged answers add nothing, wrong ones count towards the lock, the last factor stays.

use super::*;

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
