//! Security headers, error pages, body limit, health, robots.

use crate::helpers::spawn_app;

fn assert_security_headers(r: &crate::helpers::Resp, what: &str) {
    assert_eq!(
        r.header("content-security-policy"),
        Some(
            "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        ),
        "{what}"
    );
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        r.header("cross-origin-opener-policy"),
        Some("same-origin"),
        "{what}"
    );
    assert!(r.header("referrer-policy").is_some(), "{what}");
}

#[tokio::test]
async fn security_headers_on_every_kind_of_response() {
    let app = spawn_app().await;
    let redirect = app.get("/").await;
    assert_eq!(redirect.status, 303);
    assert_security_headers(&redirect, "redirect");
    let form = app.get("/setup").await;
    assert_security_headers(&form, "anonymous page");
    assert_eq!(form.header("cache-control"), Some("no-store"));
    app.setup_and_login().await;
    let page = app.get("/clients").await;
    assert_security_headers(&page, "staff page");
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(
        page.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert_security_headers(&missing, "404");
    assert!(missing.body.contains("Page not found"));
    let css = app.get("/static/app.css").await;
    assert_security_headers(&css, "stylesheet");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    let link = app.get("/r/lkr_unknown").await;
    assert_eq!(link.header("referrer-policy"), Some("no-referrer"));
    assert!(link.header("x-robots-tag").unwrap().contains("noindex"));
    assert_security_headers(&app.get("/healthz").await, "health");
}

#[tokio::test]
async fn error_pages_never_show_internals() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let r = app.get("/clients/not-a-number").await;
    assert_eq!(r.status, 400);
    assert!(
        r.body.contains("<h1>"),
        "rendered as the error page: {}",
        r.body
    );
    assert!(
        !r.body.contains("Cannot parse"),
        "no parser internals: {}",
        r.body
    );
    let r = app.get("/clients/999999").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
}

#[tokio::test]
async fn oversized_bodies_get_413_and_change_nothing() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let huge = "x".repeat(200 * 1024);
    let r = app
        .post(
            "/clients",
            &[
                ("name", "Big"),
                ("contact_name", ""),
                ("contact_email", "big@x.test"),
                ("notes", &huge),
            ],
        )
        .await;
    assert_eq!(r.status, 413);
    assert!(r.body.contains("That was too large"), "{}", r.body);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn health_and_robots() {
    let app = spawn_app().await;
    let h = app.get("/healthz").await;
    assert_eq!((h.status, h.body.as_str()), (200, "ok"));
    let robots = app.get("/robots.txt").await;
    assert!(robots.body.contains("Disallow: /r/"));
    app.state.db.pool.close().await;
    assert_eq!(app.get("/healthz").await.status, 503);
}

/// PostgreSQL only: connections the server ended (a restart, a failover) are found by the
/// ping a connection gets after a second unused, so no request meets a dead one.
#[tokio::test]
async fn connections_the_database_ended_are_replaced_before_a_request_meets_them() {
    let app = spawn_app().await;
    if app.state.db.backend != latchkey::store::Backend::Postgres {
        return;
    }
    assert_eq!(app.get("/healthz").await.status, 200);
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let admin = std::env::var("LATCHKEY_TEST_DATABASE_URL").unwrap();
    let other = sqlx::AnyPool::connect(&admin).await.unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(database)
    .fetch_all(&other)
    .await
    .unwrap();
    assert!(!ended.is_empty() && ended.iter().all(|e| *e), "{ended:?}");
    // sqlx measures idleness on the real clock, which a test cannot move.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for _ in 0..3 {
        let h = app.get("/healthz").await;
        assert_eq!((h.status, h.body.as_str()), (200, "ok"));
    }
}

#[tokio::test]
async fn audit_log_records_who_did_what() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.create_client("Audited Co", "a@audited.test").await;
    app.post("/logout", &[]).await;
    app.login("owner@acme.test", "wrong password again").await;
    app.login("owner@acme.test", crate::helpers::PASSWORD).await;
    let log = app.get("/audit").await;
    for action in [
        "agency.created",
        "client.created",
        "login.failed",
        "login.succeeded",
    ] {
        assert!(log.body.contains(action), "{action} missing");
    }
    assert!(!log.body.contains(crate::helpers::PASSWORD));
    assert!(!log.body.contains("wrong password again"));
}
