//! The platform seam, proved by a second platform: one link asking for a Meta Page and a
//! Google Analytics property (the scripted stand-in for Google), approved on each platform
//! in the same browser, recorded with each grant's platform, verified and offboarded — and
//! an installation without the second platform neither offers nor accepts its kinds.

mod google;
mod google_ads;
mod google_crash;
mod scripted;
mod tag_manager;

use std::sync::Arc;

use latchkey::actions::verify::verify_agency;
use latchkey::domain::Platform;
use latchkey::domain::access::AssetKind;
use scripted::{AGENCY_EMAIL, Scripted};

use crate::helpers::{
    ALL_SCOPES, TestApp, csrf_in, facebook_login, path_of, spawn_client_of, spawn_with,
    spawn_with_platform, test_settings,
};

const CASEY: &str = "9100000000000001";
const PAGE: &str = "1100000000000031";
const PROPERTY: &str = "properties/4001";

/// A single-use partner link for Messy Co's Page (manage) and an Analytics property (view).
pub(super) async fn two_platform_link(app: &TestApp) -> (i64, String) {
    let asks = [
        ("kind", "page"),
        ("level_page", "manage"),
        ("kind", "ga4_property"),
        ("level_ga4_property", "view"),
    ];
    partner_link(app, &asks).await
}

/// A single-use partner link for Messy Co asking `asks` (kinds and levels), shown once.
pub(super) async fn partner_link(app: &TestApp, asks: &[(&str, &str)]) -> (i64, String) {
    app.setup_demo_agency().await;
    let client = app.create_client("Messy Co", "casey@bloom.example").await;
    (client, request_link(app, client, asks).await)
}

/// Staff end the partnership with `client` (confirming its name): the result page.
pub(super) async fn offboard(app: &TestApp, client: i64) -> crate::helpers::Resp {
    let (_, r) = app
        .post_shown_at(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "Messy Co")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r
}

/// Settings → Connect Google as the agency's Google account, allowing `grants` of what it
/// is asked for.
pub(super) async fn connect_google(app: &TestApp, grants: &[&str]) {
    let r = app.post("/settings/google/connect", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let consent = r.location().unwrap().to_owned();
    assert!(consent.contains("access_type=offline"), "{consent}");
    let back =
        crate::helpers::google_consent(app, &consent, google_sandbox::world::AGENCY_EMAIL, grants)
            .await;
    assert_eq!(
        back.location(),
        Some("/settings?notice=google_connected"),
        "{}",
        back.body
    );
}

/// Another single-use partner link for `client`, asking `asks`.
pub(super) async fn request_link(app: &TestApp, client: i64, asks: &[(&str, &str)]) -> String {
    let cid = client.to_string();
    let mut form = vec![("client_id", cid.as_str())];
    form.extend_from_slice(asks);
    form.extend([
        ("mode", "partner"),
        ("expiry_days", "14"),
        ("single_use", "1"),
        ("message", ""),
        ("delivery", "link"),
    ]);
    let r = app.post_shown("/requests", &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("value=\"http").unwrap() + 7;
    path_of(r.body[at..].split('"').next().unwrap())
}

/// Ticks `id` on this browser's picker and approves; returns the done page.
pub(super) async fn pick(client: &TestApp, id: &str) -> String {
    pick_all(client, &[id]).await
}

/// Ticks each of `ids` on this browser's picker and approves; returns the done page.
pub(super) async fn pick_all(client: &TestApp, ids: &[&str]) -> String {
    let picker = client.get("/approve").await;
    for id in ids {
        assert!(
            picker.body.contains(&format!("value=\"{id}\"")),
            "{id} offered"
        );
    }
    let csrf = csrf_in(&picker.body).unwrap();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(ids.iter().map(|id| ("asset", *id)));
    let r = client.post_raw("/approve", &form).await;
    assert_eq!(r.location(), Some("/approve/done"), "{}", r.body);
    client.get("/approve/done").await.body
}

/// The partner grants (Meta also records the user access it found on the Page).
async fn grants(app: &TestApp) -> Vec<(String, String, String, String)> {
    sqlx::query_as(
        "SELECT platform, kind, asset_id, status FROM grants WHERE mode = 'partner' ORDER BY platform",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn used(app: &TestApp) -> (Option<i64>, Option<String>) {
    sqlx::query_as("SELECT used_at, outcome FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn one_link_for_two_platforms_is_approved_on_each_then_verified_and_offboarded() {
    let google = Scripted::with_properties();
    let app = spawn_with_platform(test_settings().await, Some(Arc::new(google.clone()))).await;
    let (client_id, link) = two_platform_link(&app).await;
    let form = app.get("/requests/new").await;
    assert!(form.body.contains("Google Analytics properties"), "offered");
    assert_eq!(
        sqlx::query_scalar::<_, String>("SELECT platforms FROM access_requests")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap(),
        "meta,google"
    );

    // The landing offers each platform; Meta first.
    let client = spawn_client_of(&app);
    let landing = client.get(&link).await;
    assert!(landing.body.contains("Continue with Facebook"));
    assert!(
        landing
            .body
            .contains(&format!("{link}/start?platform=google"))
    );

    let cb = facebook_login(&client, &link, CASEY, &ALL_SCOPES, "continue").await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let done = pick(&client, PAGE).await;
    assert!(done.contains("Messy Co"), "{done}");
    assert!(done.contains("href=\"/approve/next/google\""), "{done}");
    assert!(done.contains("Also share on Google"));
    // One platform of two: the single-use link still works, the request is partial.
    assert_eq!(used(&app).await, (None, Some("partial".into())));
    let again = client.get(&link).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("Shared"), "Meta is marked done");

    // Google, from the done page, in the same browser.
    let next = client.get("/approve/next/google").await;
    assert_eq!(next.status, 303, "{}", next.body);
    let dialog = url::Url::parse(next.location().unwrap()).unwrap();
    let cb = client
        .get(&format!("{}?{}", dialog.path(), dialog.query().unwrap()))
        .await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let done = pick(&client, PROPERTY).await;
    assert!(done.contains("Messy Web (GA4)"), "{done}");
    assert!(!done.contains("/approve/next/"), "nothing left to share");
    assert!(
        !done.contains("name=\"status\""),
        "Meta's migration question is Meta's"
    );

    // Each sign-in asked its own platform for its own kinds only.
    let asked = google.world.lock().unwrap().sign_ins.clone();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].iter().all(|a| a.kind == AssetKind::Ga4Property));

    // Recorded: a grant on each platform; the link is used up and the request complete.
    let recorded = grants(&app).await;
    assert_eq!(
        recorded,
        vec![
            (
                "google".into(),
                "ga4_property".into(),
                PROPERTY.into(),
                "active".into()
            ),
            ("meta".into(), "page".into(), PAGE.into(), "active".into()),
        ]
    );
    let (used_at, outcome) = used(&app).await;
    assert!(used_at.is_some());
    assert_eq!(outcome.as_deref(), Some("completed"));
    assert_eq!(
        google.world.lock().unwrap().bindings.get(PROPERTY),
        Some(&(AGENCY_EMAIL.to_owned(), "predefinedRoles/viewer".to_owned()))
    );
    assert_eq!(client.get(&link).await.status, 410, "used up");

    // Verified on both platforms; then the client removes the Google access itself.
    app.post("/settings/meta/sandbox", &[]).await;
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.confirmed, report.lost), (2, 0));
    google.world.lock().unwrap().bindings.clear();
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.confirmed, report.lost), (1, 1));
    let lost: String =
        sqlx::query_scalar("SELECT status FROM grants WHERE platform = $1 AND asset_id = $2")
            .bind(Platform::Google.as_str())
            .bind(PROPERTY)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(lost, "lost");

    // Shared again, then offboarded: each platform removes its own and reads it back.
    google.world.lock().unwrap().bindings.insert(
        PROPERTY.into(),
        (AGENCY_EMAIL.into(), "predefinedRoles/viewer".into()),
    );
    assert_eq!(verify_agency(&app.state, 1).await.unwrap().confirmed, 2);
    let r = offboard(&app, client_id).await;
    assert!(r.body.contains("Messy Web (GA4)"), "{}", r.body);
    assert!(google.world.lock().unwrap().bindings.is_empty());
    let left: Vec<(String, String, String, String)> = grants(&app).await;
    assert!(
        left.iter().all(|(_, _, _, status)| status == "revoked"),
        "{left:?}"
    );
}

#[tokio::test]
async fn an_installation_without_the_platform_neither_offers_nor_accepts_its_kinds() {
    let mut settings = test_settings().await;
    settings.google_disabled = true;
    let app = spawn_with(settings).await;
    app.setup_demo_agency().await;
    let client = app.create_client("Messy Co", "casey@bloom.example").await;
    let form = app.get("/requests/new").await;
    assert!(form.body.contains("Facebook Pages"));
    assert!(!form.body.contains("ga4_property"), "not offered");
    let cid = client.to_string();
    let r = app
        .post(
            "/requests",
            &[
                ("client_id", cid.as_str()),
                ("kind", "page"),
                ("level_page", "view"),
                ("kind", "ga4_property"),
                ("level_ga4_property", "view"),
                ("mode", "partner"),
                ("expiry_days", "14"),
                ("single_use", "1"),
                ("message", "keep me"),
                ("delivery", "link"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains(
        "Google is not set up on this installation, so Google Analytics properties cannot be asked for."
    ));
    assert!(r.body.contains("keep me"), "what was typed is kept");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing stored");
}
