//! The Meta connection: portfolio ids, API version warnings, system users, and the set-up shown in Settings.

use super::*;

#[tokio::test]
async fn a_portfolio_id_meta_does_not_know_is_refused_where_it_is_entered() {
    let app = spawn_app().await;
    let form = |portfolio: &'static str| {
        vec![
            ("agency_name", "Demo Agency"),
            ("portfolio_id", portfolio),
            ("name", "Ava Agency"),
            ("email", "ava@agency.example"),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ]
    };
    let r = app.post("/setup", &form("1234567890")).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Meta has no business portfolio with ID 1234567890")
    );
    let agencies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(agencies, 0, "nothing created");
    assert_eq!(
        app.post("/setup", &form(AGENCY_PORTFOLIO)).await.status,
        303
    );

    let settings = |portfolio: &'static str| {
        vec![
            ("name", "Demo Agency"),
            ("portfolio_id", portfolio),
            ("accent_color", "#aa3366"),
            ("reminder_days", "3"),
            ("display_name", ""),
            ("default_expiry_days", "14"),
            ("default_level", "manage"),
        ]
    };
    let r = app.post("/settings", &settings("1234567890")).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Meta has no business portfolio with ID 1234567890")
    );
    let kept: Option<String> = sqlx::query_scalar("SELECT portfolio_id FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(AGENCY_PORTFOLIO), "nothing saved");
    let r = app.post("/settings", &settings(AGENCY_PORTFOLIO)).await;
    assert_eq!(r.location(), Some("/settings?notice=saved"), "{}", r.body);
}

#[tokio::test]
async fn staff_are_warned_sixty_days_before_meta_stops_serving_the_api_version() {
    let mut s = crate::helpers::test_settings().await;
    s.meta_api_version = "v25.0".into();
    let app = crate::helpers::spawn_with(s).await;
    app.setup_and_login().await;
    let expiry = latchkey::meta::versions::expires_at("v25.0").unwrap();
    let now = app.clock.now();
    if now < expiry - 61 * 86_400 {
        app.clock.advance(expiry - 61 * 86_400 - now);
        assert!(!app.get("/").await.body.contains("Meta stops serving"));
    }
    app.clock.advance(expiry - 30 * 86_400 - app.clock.now());
    app.login("owner@acme.test", PASSWORD).await;
    let home = app.get("/").await.body;
    assert!(
        home.contains("Meta stops serving Graph API v25.0 on 23 February 2027 (in 30 days)")
            && home.contains("LATCHKEY_META_API_VERSION=v27.0"),
        "{home}"
    );
    // The default is the newest version: nothing to say.
    let fresh = spawn_app().await;
    fresh.setup_and_login().await;
    fresh
        .clock
        .advance(expiry - 30 * 86_400 - fresh.clock.now());
    fresh.login("owner@acme.test", PASSWORD).await;
    assert!(!fresh.get("/").await.body.contains("Meta stops serving"));
}

#[tokio::test]
async fn an_employee_system_user_is_refused_with_how_to_fix_it() {
    let app = spawn_app().await;
    crate::approve::agency(&app).await;
    let sandbox = app.sandbox.as_ref().unwrap();
    sandbox.set_role(AGENCY_PORTFOLIO, SYSTEM_USER, "EMPLOYEE");
    let token = sandbox.issue_token(SYSTEM_USER, &ALL, 3600);
    let r = app.post("/settings/meta", &[("token", &token)]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("not an Admin of your business portfolio")
            && r.body.contains("give it the Admin role"),
        "{}",
        r.body
    );
    let stored: Option<String> = sqlx::query_scalar("SELECT meta_token_sealed FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(stored.is_none(), "nothing stored");
    sandbox.set_role(AGENCY_PORTFOLIO, SYSTEM_USER, "ADMIN");
    let r = app.post("/settings/meta", &[("token", &token)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
}

#[tokio::test]
async fn settings_show_the_meta_set_up_before_the_first_link() {
    let app = spawn_app().await;
    crate::approve::agency(&app).await;
    let page = app.get("/settings").await.body;
    assert!(page.contains("Meta set-up"), "{page}");
    assert!(page.contains("Meta app: the built-in sandbox app (100000000000001)"));
    assert!(page.contains("Graph API version: v27.0: served"));
    for p in [
        "business_management",
        "pages_show_list",
        "pages_manage_metadata",
        "ads_management",
        "instagram_basic",
        "catalog_management",
    ] {
        assert!(
            page.contains(&format!("Ready</strong> · Permission {p}: Advanced Access")),
            "{p}: {page}"
        );
    }
    assert!(page.contains("To do</strong> · System user: not connected"));
    // Connected with an Admin system user: ready; an Employee one would not be.
    app.post("/settings/meta/sandbox", &[]).await;
    let page = app.get("/settings").await.body;
    assert!(
        page.contains("Ready</strong> · System user: an Admin of your portfolio"),
        "{page}"
    );
    let sandbox = app.sandbox.as_ref().unwrap();
    sandbox.set_role(AGENCY_PORTFOLIO, SYSTEM_USER, "EMPLOYEE");
    let page = app.get("/settings").await.body;
    assert!(
        page.contains("To do</strong> · System user: cannot list your portfolio"),
        "{page}"
    );
}
