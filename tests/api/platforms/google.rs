//! Google Analytics through the built-in Google sandbox, over HTTP as with Google: the
//! agency connects its Google account on Settings (consent screen, code, refresh token),
//! a client approves a link for a Meta Page and a GA4 property on each platform, the access
//! binding is read back, verified with the agency's account, found lost when the client
//! removes it, and removed by the agency at offboarding; access given to the agency's Google
//! group is verified through its membership and its removal left to the client.

use google_sandbox::world::{AGENCY_EMAIL, CLIENT_EMAIL, VIEWER, VIEWER_EMAIL};
use latchkey::actions::verify::{verify_agency, verify_due};

use crate::helpers::{
    ALL_SCOPES, TestApp, facebook_login, google_consent, spawn_app, spawn_client_of,
};

const READ: &str = "https://www.googleapis.com/auth/analytics.readonly";
const MANAGE: &str = "https://www.googleapis.com/auth/analytics.manage.users";
const CASEY: &str = "9100000000000001";
const PAGE: &str = "1100000000000031";
const PROPERTY: &str = "properties/4001";

/// Settings → Connect Google, as the agency's Google account.
async fn connect_google(app: &TestApp) {
    super::connect_google(app, &[READ, MANAGE]).await;
    let settings = app.get("/settings?notice=google_connected").await;
    assert!(
        settings
            .body
            .contains("Ready</strong> · Your agency&#39;s Google account"),
        "{}",
        settings.body
    );
    assert!(
        settings
            .body
            .contains(&format!("Connected as <strong>{AGENCY_EMAIL}</strong>")),
        "{}",
        settings.body
    );
}

/// The Google grant: (status, tasks, platform_ref).
async fn google_grant(app: &TestApp) -> (String, String, String) {
    sqlx::query_as("SELECT status, tasks, platform_ref FROM grants WHERE platform = 'google'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// A link for Google Analytics only (view).
async fn analytics_link(app: &TestApp) -> String {
    let asks = [("kind", "ga4_property"), ("level_ga4_property", "view")];
    super::partner_link(app, &asks).await.1
}

#[tokio::test]
async fn one_link_shares_a_page_and_a_ga4_property_then_both_are_verified_and_offboarded() {
    let app = spawn_app().await;
    let google = app
        .google
        .clone()
        .expect("the embedded defaults host the Google sandbox");
    let (client_id, link) = super::two_platform_link(&app).await;
    connect_google(&app).await;
    app.post("/settings/meta/sandbox", &[]).await;

    let client = spawn_client_of(&app);
    let cb = facebook_login(&client, &link, CASEY, &ALL_SCOPES, "continue").await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    super::pick(&client, PAGE).await;
    let next = client.get("/approve/next/google").await;
    assert_eq!(next.status, 303, "{}", next.body);
    let consent = next.location().unwrap().to_owned();
    assert!(consent.contains("include_granted_scopes=true"), "{consent}");
    let cb = google_consent(&client, &consent, CLIENT_EMAIL, &[READ, MANAGE]).await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let picker = client.get("/approve").await;
    assert!(picker.body.contains("Messy App (GA4)"), "{}", picker.body);
    let done = super::pick(&client, PROPERTY).await;
    assert!(done.contains("Messy Web (GA4)"), "{done}");

    // Recorded from Google's own read-back: the binding's role and its resource name.
    let (status, tasks, binding) = google_grant(&app).await;
    assert_eq!((status.as_str(), tasks.as_str()), ("active", VIEWER));
    assert!(
        binding.starts_with("properties/4001/accessBindings/"),
        "{binding}"
    );
    let held = google.world().bindings;
    assert!(
        held.iter()
            .any(|b| b.name == binding && b.user == AGENCY_EMAIL && b.roles == [VIEWER]),
        "{held:?}"
    );
    assert_eq!(
        client.get(&link).await.status,
        410,
        "used up on both platforms"
    );

    // Verified with the agency's own Google account (its refresh token, sealed at rest).
    let sealed: String = sqlx::query_scalar("SELECT google_refresh_sealed FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(
        !sealed.contains("1//0"),
        "the refresh token is not stored in the clear"
    );
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.confirmed, report.lost), (2, 0));

    // Offboarded: the agency removes its own binding (no administrator role needed) and
    // reads back that its account no longer sees the property.
    let r = super::offboard(&app, client_id).await;
    assert!(r.body.contains("Messy Web (GA4)"), "{}", r.body);
    assert!(
        !google
            .world()
            .bindings
            .iter()
            .any(|b| b.user == AGENCY_EMAIL),
        "the binding is gone at Google"
    );
    let (status, ..) = google_grant(&app).await;
    assert_eq!(status, "revoked");
}

#[tokio::test]
async fn unticked_scopes_a_viewer_and_a_removed_binding_are_each_said_plainly() {
    let app = spawn_app().await;
    let google = app.google.clone().unwrap();
    let link = analytics_link(&app).await;
    connect_google(&app).await;

    // A client who unticks "manage users" is told what is missing, and nothing is shared.
    let client = spawn_client_of(&app);
    let start = client.get(&format!("{link}/start")).await;
    assert_eq!(start.status, 303, "{}", start.body);
    let consent = start.location().unwrap().to_owned();
    let cb = google_consent(&client, &consent, CLIENT_EMAIL, &[READ]).await;
    let page = if cb.status == 303 {
        client.get(cb.location().unwrap()).await
    } else {
        cb
    };
    assert!(
        page.body
            .contains("Manage Google Analytics Account users by email address"),
        "{}",
        page.body
    );
    assert!(
        google
            .world()
            .bindings
            .iter()
            .all(|b| b.user != AGENCY_EMAIL)
    );

    // A colleague who may only view a property sees it, and why it cannot be shared.
    let viewer = spawn_client_of(&app);
    let start = viewer.get(&format!("{link}/start")).await;
    let consent = start.location().unwrap().to_owned();
    let cb = google_consent(&viewer, &consent, VIEWER_EMAIL, &[READ, MANAGE]).await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let picker = viewer.get("/approve").await;
    assert!(picker.body.contains("Messy Web (GA4)"), "{}", picker.body);
    assert!(
        picker
            .body
            .contains("You need the Administrator role on this property"),
        "{}",
        picker.body
    );

    // The administrator shares; later they remove the agency in Google Analytics:
    // verification finds the grant lost.
    let admin = spawn_client_of(&app);
    let start = admin.get(&format!("{link}/start")).await;
    let consent = start.location().unwrap().to_owned();
    let cb = google_consent(&admin, &consent, CLIENT_EMAIL, &[READ, MANAGE]).await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    super::pick(&admin, PROPERTY).await;
    assert_eq!(google_grant(&app).await.0, "active");
    // The periodic job picks an agency connected to Google alone (no Meta connection here).
    google.change(|w| w.bindings.retain(|b| b.user != AGENCY_EMAIL));
    assert_eq!(
        verify_due(&app.state, 0).await,
        1,
        "the agency was verified"
    );
    assert_eq!(google_grant(&app).await.0, "lost");
}

#[tokio::test]
async fn an_agency_without_its_google_account_fails_the_share_in_the_client_s_words() {
    let app = spawn_app().await;
    let link = analytics_link(&app).await;
    let client = spawn_client_of(&app);
    let start = client.get(&format!("{link}/start?lang=es")).await;
    let consent = start.location().unwrap().to_owned();
    let cb = google_consent(&client, &consent, CLIENT_EMAIL, &[READ, MANAGE]).await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let done = super::pick(&client, PROPERTY).await;
    assert!(
        done.contains("aún no ha terminado de configurar Google"),
        "{done}"
    );
    let failed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM grants WHERE platform = 'google' AND status = 'active'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(failed, 0, "nothing recorded as shared");
    assert!(
        app.google
            .as_ref()
            .unwrap()
            .world()
            .bindings
            .iter()
            .all(|b| b.user != AGENCY_EMAIL),
        "nothing shared at Google"
    );
}

#[tokio::test]
async fn google_s_own_failures_and_quota_are_retried_and_a_lasting_failure_is_said_plainly() {
    let app = spawn_app().await;
    let sandbox = app.google.clone().unwrap();
    let google = app.state.google.as_ref().unwrap();
    let token = sandbox.issue_token(CLIENT_EMAIL, &[READ]);

    // Two 503s, then an answer: three calls, the properties listed.
    sandbox.set_faults(google_sandbox::Faults {
        fail_next: 2,
        ..Default::default()
    });
    let before = sandbox.calls();
    let found = google.account_summaries(&token).await.unwrap();
    assert_eq!(sandbox.calls() - before, 3);
    assert_eq!(found[0].property_summaries.len(), 2);

    // A 429 (quota), then an answer.
    sandbox.set_faults(google_sandbox::Faults {
        quota_next: 1,
        ..Default::default()
    });
    let before = sandbox.calls();
    assert!(google.account_summaries(&token).await.is_ok());
    assert_eq!(sandbox.calls() - before, 2);

    // Google failing on every try: the retry policy's attempts, then plain words.
    sandbox.set_faults(google_sandbox::Faults {
        fail_next: 100,
        ..Default::default()
    });
    let before = sandbox.calls();
    let e = google.account_summaries(&token).await.unwrap_err();
    let attempts = u64::from(google.config().retry.attempts());
    assert_eq!(
        sandbox.calls() - before,
        attempts,
        "every attempt of the policy, no more"
    );
    assert!(attempts > 1);
    assert_eq!(
        e.plain(),
        "Google is having trouble; try again in a minute."
    );
}

#[tokio::test]
async fn access_given_to_the_agency_s_group_is_verified_through_membership_and_its_removal_left_to_the_client()
 {
    use google_sandbox::world::AGENCY_GROUP;
    let app = spawn_app().await;
    let google = app.google.clone().unwrap();
    let asks = [("kind", "ga4_property"), ("level_ga4_property", "view")];
    let (client_id, link) = super::partner_link(&app, &asks).await;
    connect_google(&app).await;

    // A group is named in Settings; what is not an address is refused beside the field.
    let r = app
        .post("/settings/google/group", &[("group", "analytics team")])
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("Enter the group&#39;s e-mail address"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"analytics team\""), "{}", r.body);
    let r = app
        .post("/settings/google/group", &[("group", AGENCY_GROUP)])
        .await;
    assert_eq!(r.location(), Some("/settings?notice=saved"), "{}", r.body);
    let settings = app.get("/settings").await;
    assert!(
        settings
            .body
            .contains(&format!("to the group {AGENCY_GROUP}")),
        "{}",
        settings.body
    );

    // The client shares with the group; Google lists the property for its member, the
    // agency's account, so it is verified.
    let client = spawn_client_of(&app);
    let start = client.get(&format!("{link}/start")).await;
    let consent = start.location().unwrap().to_owned();
    let cb = google_consent(&client, &consent, CLIENT_EMAIL, &[READ, MANAGE]).await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    super::pick(&client, PROPERTY).await;
    let grantee: String =
        sqlx::query_scalar("SELECT grantee FROM grants WHERE platform = 'google'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(grantee, AGENCY_GROUP);
    assert!(
        google
            .world()
            .bindings
            .iter()
            .any(|b| b.user == AGENCY_GROUP && b.parent == PROPERTY)
    );
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.confirmed, report.lost), (1, 0));

    // Offboarding: a member may not remove the group's access, so the client is told how.
    let r = super::offboard(&app, client_id).await;
    assert!(
        r.body.contains(&format!(
            "Ask the client to remove {AGENCY_GROUP} in Google Analytics"
        )),
        "{}",
        r.body
    );
    assert!(
        google
            .world()
            .bindings
            .iter()
            .any(|b| b.user == AGENCY_GROUP)
    );

    // Taken out of the group, the agency's account no longer sees it: lost.
    google.change(|w| w.groups.clear());
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!(report.lost, 1);
}
