//! The sandbox's state across restarts, its admin page, and the redirects it takes.

use super::*;

#[tokio::test]
async fn sandbox_state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!(
        "lk-sandbox-{}",
        latchkey::domain::token::random_hex(4)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sandbox.json");
    let clock = Clock::system();
    let first = Sandbox::new(
        clock.clone(),
        "http://127.0.0.1:1",
        Some(file.clone()),
        vec![],
    );
    first.set_migration(MESSY, Some(1_800_000_000));
    let token = first.issue_token(CASEY, &ALL_SCOPES, 3600);
    drop(first);
    let second = Sandbox::new(clock, "http://127.0.0.1:1", Some(file), vec![]);
    let world = second.world();
    assert_eq!(world.migrations.get(MESSY), Some(&1_800_000_000));
    assert!(world.tokens.contains_key(&token));
}

#[tokio::test]
async fn the_embedded_sandbox_is_mounted_with_its_admin_page() {
    let app = crate::helpers::spawn_app().await;
    // Setup offers the demo agency portfolio.
    assert!(
        app.get("/setup")
            .await
            .body
            .contains(&format!("value=\"{AGENCY_PORTFOLIO}\""))
    );
    // The controls answer only the installation's owner.
    assert_eq!(app.get("/sandbox").await.status, 303);
    app.setup_and_login().await;
    let admin = app.get("/sandbox").await;
    assert!(admin.body.contains(APP_ID) && admin.body.contains("Northwind Retail"));
    assert!(admin.body.contains("Move the clock"));
    // The app reaches its sandbox over HTTP through the same client.
    let token = AccessToken(
        app.sandbox
            .as_ref()
            .unwrap()
            .issue_token(CASEY, &ALL_SCOPES, 3600),
    );
    assert_eq!(
        app.state.graph.me(&token).await.unwrap().name,
        "Casey Client"
    );
    assert!(
        app.state
            .graph
            .config()
            .graph_base
            .ends_with("/sandbox/graph")
    );
    // Migration switch.
    assert_eq!(
        app.sandbox_post(
            "/sandbox/admin/migration",
            &[("business_id", MESSY), ("date", "2026-12-01")]
        )
        .await
        .status,
        303
    );
    assert!(
        app.sandbox
            .as_ref()
            .unwrap()
            .world()
            .migrations
            .contains_key(MESSY)
    );
    assert_eq!(
        app.sandbox_post(
            "/sandbox/admin/migration",
            &[("business_id", MESSY), ("date", "tomorrow")]
        )
        .await
        .status,
        400
    );
    // The clock can be moved from the admin page.
    let before = app.clock.now();
    let r = app
        .sandbox_post("/sandbox/admin/clock", &[("days", "2")])
        .await;
    assert_eq!(r.status, 303);
    assert!(app.clock.now() >= before + 2 * 86_400);
}

/// The login dialog's status for a redirect URI.
async fn dialog_status(base: &str, redirect: &str) -> u16 {
    let redirect: String = url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect();
    let url = format!(
        "{base}/sandbox/www/v27.0/dialog/oauth?client_id={APP_ID}&redirect_uri={redirect}&state=s&scope=business_management"
    );
    reqwest::get(url).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn the_standalone_sandbox_takes_registered_and_loopback_redirects_like_a_dev_mode_app() {
    // An app in live mode (the embedded sandbox): registered redirects only.
    let m = spawn_sandbox().await;
    assert_eq!(dialog_status(&m.base, REDIRECT).await, 200);
    assert_eq!(
        dialog_status(&m.base, "http://localhost:5173/cb").await,
        400
    );
    // `latchkey sandbox` runs as a development-mode app: loopback redirects are accepted,
    // anything else still has to be registered.
    let mut dev = m.sandbox.clone();
    dev.development_mode = true;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, dev.router()).into_future());
    assert_eq!(dialog_status(&base, "http://localhost:5173/cb").await, 200);
    assert_eq!(dialog_status(&base, "http://127.0.0.1:9/oauth").await, 200);
    assert_eq!(dialog_status(&base, "https://evil.example/cb").await, 400);
    assert_eq!(
        dialog_status(&base, "http://localhost.evil.example/cb").await,
        400
    );
}
