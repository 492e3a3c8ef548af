//! Google Ads through the built-in Google sandbox, over HTTP as with Google: the agency names
//! its manager account in Settings (checked with Google), a client's administrator links an
//! Ads account by accepting the manager's invitation, the link is read back from the
//! manager's side, verified, and ended at offboarding; a client without 2-Step Verification
//! leaves the invitation pending with the reason, and the next approval accepts it.

use google_sandbox::world::{
    AGENCY_MCC, BIG_CLIENT_EMAIL, CLIENT_EMAIL, NO_2SV_EMAIL, OTHER_MCC, VIEWER_EMAIL,
};
use latchkey::actions::verify::verify_agency;

use crate::helpers::{TestApp, google_consent, spawn_app, spawn_client_of};

const READ: &str = "https://www.googleapis.com/auth/analytics.readonly";
const MANAGE: &str = "https://www.googleapis.com/auth/analytics.manage.users";
const ADWORDS: &str = "https://www.googleapis.com/auth/adwords";
const ASKS: [(&str, &str); 2] = [("kind", "google_ads"), ("level_google_ads", "manage")];

/// Connects Google with Ads allowed and names the demo agency's manager account.
async fn set_up(app: &TestApp) {
    super::connect_google(app, &[READ, MANAGE, ADWORDS]).await;
    let r = app
        .post("/settings/google/ads", &[("manager_id", "123-456-7890")])
        .await;
    assert_eq!(
        r.location(),
        Some("/settings?notice=google_ads_manager_set"),
        "{}",
        r.body
    );
}

/// The client signs in with Google for `link`, allowing Google Ads.
async fn signed_in(app: &TestApp, link: &str, person: &str) -> TestApp {
    let client = spawn_client_of(app);
    let start = client.get(&format!("{link}/start")).await;
    let consent = start.location().unwrap().to_owned();
    assert!(consent.contains("auth%2Fadwords"), "{consent}");
    let cb = google_consent(&client, &consent, person, &[ADWORDS]).await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    client
}

/// The Ads grants: (asset id, status, grantee, platform_ref, status_reason).
async fn ads_grants(app: &TestApp) -> Vec<(String, String, String, String, String)> {
    sqlx::query_as(
        "SELECT asset_id, status, grantee, platform_ref, COALESCE(status_reason, '') FROM grants
         WHERE kind = 'google_ads' ORDER BY asset_id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

/// Saves the Google Ads requests the sandbox answered in this test under
/// `target/google-ads-requests/`, for Google's own types to judge (`scripts/google-check`).
fn save_requests(app: &TestApp, test: &str) {
    let sent = app.google.as_ref().unwrap().ads_requests();
    assert!(!sent.is_empty());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/google-ads-requests");
    std::fs::create_dir_all(&dir).unwrap();
    let db = if std::env::var("LATCHKEY_TEST_DATABASE_URL").is_ok() {
        "pg"
    } else {
        "sqlite"
    };
    let json = serde_json::to_vec(&sent).unwrap();
    std::fs::write(dir.join(format!("{test}-{db}.json")), json).unwrap();
}

fn link_status(app: &TestApp, client: &str) -> Vec<String> {
    let world = app.google.as_ref().unwrap().world();
    world
        .ads_links
        .iter()
        .filter(|l| l.manager_id == AGENCY_MCC && l.client_id == client)
        .map(|l| l.status.clone())
        .collect()
}

#[tokio::test]
async fn an_ads_account_is_linked_to_the_agency_s_manager_account_read_back_verified_and_unlinked()
{
    let app = spawn_app().await;
    let (client_id, link) = super::partner_link(&app, &ASKS).await;
    super::connect_google(&app, &[READ, MANAGE, ADWORDS]).await;

    // The manager account is checked with Google as it is entered; a refusal keeps what
    // was typed beside the field and saves nothing.
    for (typed, says) in [
        ("12345", "ten digits"),
        (
            "555-000-0001",
            "has no access to Google Ads account 555-000-0001",
        ),
    ] {
        let r = app
            .post("/settings/google/ads", &[("manager_id", typed)])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(says), "{typed}: {}", r.body);
        assert!(r.body.contains(&format!("value=\"{typed}\"")), "{}", r.body);
    }
    let settings = app.get("/settings").await;
    assert!(
        settings
            .body
            .contains("To do</strong> · Google Ads manager account")
    );
    let unready = "Needs your Google Ads manager account: enter it in Settings.";
    assert!(app.get("/requests/new").await.body.contains(unready));
    set_up_manager(&app).await;
    assert!(!app.get("/requests/new").await.body.contains(unready));

    // A colleague who may only read the account sees why they cannot link it.
    let vic = signed_in(&app, &link, VIEWER_EMAIL).await;
    let picker = vic.get("/approve").await;
    assert!(
        picker.body.contains("Messy Co Ads (555-000-0001)"),
        "{}",
        picker.body
    );
    assert!(
        picker
            .body
            .contains("You need administrator access to this Google Ads account"),
        "{}",
        picker.body
    );

    // The administrator links it: invited by the manager, accepted by the client, read back.
    let link = super::request_link(&app, client_id, &ASKS).await;
    let casey = signed_in(&app, &link, CLIENT_EMAIL).await;
    let done = super::pick(&casey, "customers/5550000001").await;
    assert!(done.contains("Messy Co Ads (555-000-0001)"), "{done}");
    assert_eq!(link_status(&app, "5550000001"), ["ACTIVE"]);
    let grants = ads_grants(&app).await;
    assert_eq!(grants.len(), 1, "{grants:?}");
    let (asset, status, grantee, reference, _) = &grants[0];
    assert_eq!(
        (asset.as_str(), status.as_str(), grantee.as_str()),
        ("customers/5550000001", "active", "123-456-7890")
    );
    assert!(
        reference.starts_with(&format!(
            "customers/{AGENCY_MCC}/customerClientLinks/5550000001~"
        )),
        "{reference}"
    );

    // Verified from the manager's side.
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.confirmed, report.lost), (1, 0));

    // Offboarding ends the link from the manager's side and reads it back.
    let r = super::offboard(&app, client_id).await;
    assert!(r.body.contains("Messy Co Ads (555-000-0001)"), "{}", r.body);
    assert_eq!(link_status(&app, "5550000001"), ["INACTIVE"]);
    assert_eq!(ads_grants(&app).await[0].1, "revoked");
    save_requests(&app, "linked");
}

async fn set_up_manager(app: &TestApp) {
    let r = app
        .post("/settings/google/ads", &[("manager_id", "123-456-7890")])
        .await;
    assert_eq!(
        r.location(),
        Some("/settings?notice=google_ads_manager_set"),
        "{}",
        r.body
    );
    let settings = app.get("/settings").await;
    assert!(
        settings.body.contains(
            "Agency Manager (MCC) (123-456-7890): clients&#39; Ads accounts are linked to it"
        ),
        "{}",
        settings.body
    );
}

#[tokio::test]
async fn without_two_step_verification_the_invitation_waits_with_the_reason_and_is_accepted_next_time()
 {
    let app = spawn_app().await;
    let google = app.google.clone().unwrap();
    let (client_id, link) = super::partner_link(&app, &ASKS).await;
    set_up(&app).await;

    // Where the account requires 2-Step Verification, the picker says so at once.
    let noel = signed_in(&app, &link, NO_2SV_EMAIL).await;
    let picker = noel.get("/approve").await;
    assert!(
        picker.body.contains("turn on 2-Step Verification"),
        "{}",
        picker.body
    );
    assert!(!picker.body.contains("value=\"customers/5550000002\""));

    // The requirement switched on between the picker and the approval: the manager's
    // invitation is made, the acceptance is refused, the grant waits with the reason.
    google.change(|w| {
        w.ads_customers
            .iter_mut()
            .for_each(|c| c.requires_two_step = false)
    });
    let link = super::request_link(&app, client_id, &ASKS).await;
    let noel = signed_in(&app, &link, NO_2SV_EMAIL).await;
    let picker = noel.get("/approve").await;
    assert!(
        picker.body.contains("value=\"customers/5550000002\""),
        "{}",
        picker.body
    );
    google.change(|w| {
        w.ads_customers
            .iter_mut()
            .filter(|c| c.id == "5550000002")
            .for_each(|c| c.requires_two_step = true)
    });
    let csrf = crate::helpers::csrf_in(&picker.body).unwrap();
    let r = noel
        .post_raw(
            "/approve",
            &[("csrf", csrf.as_str()), ("asset", "customers/5550000002")],
        )
        .await;
    assert_eq!(r.location(), Some("/approve/done"), "{}", r.body);
    let done = noel.get("/approve/done").await.body;
    assert!(done.contains("2-Step Verification"), "{done}");
    assert_eq!(link_status(&app, "5550000002"), ["PENDING"]);
    let grants = ads_grants(&app).await;
    assert_eq!(grants[0].1, "pending", "{grants:?}");
    assert!(grants[0].4.contains("2-Step Verification"), "{grants:?}");
    // Verification sees the invitation still waiting: not lost.
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!(report.lost, 0);

    // Enrolled now: the next approval accepts the same invitation (no second one).
    google.change(|w| w.without_two_step.clear());
    let link = super::request_link(&app, client_id, &ASKS).await;
    let noel = signed_in(&app, &link, NO_2SV_EMAIL).await;
    let picker = noel.get("/approve").await;
    assert!(
        picker.body.contains("value=\"customers/5550000002\""),
        "{}",
        picker.body
    );
    super::pick(&noel, "customers/5550000002").await;
    assert_eq!(link_status(&app, "5550000002"), ["ACTIVE"]);
    let grants = ads_grants(&app).await;
    assert!(grants.iter().any(|g| g.1 == "active"), "{grants:?}");

    // The client ends the link in Google Ads: verification finds it lost.
    google.change(|w| {
        w.ads_links
            .iter_mut()
            .filter(|l| l.client_id == "5550000002")
            .for_each(|l| l.status = "INACTIVE".into())
    });
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.confirmed, report.lost), (0, 1));
    save_requests(&app, "two_step");
}

#[tokio::test]
async fn forty_accounts_under_another_manager_are_listed_with_it_and_a_full_account_is_refused_plainly()
 {
    let app = spawn_app().await;
    let google = app.google.clone().unwrap();
    let (_, link) = super::partner_link(&app, &ASKS).await;
    set_up(&app).await;
    let morgan = signed_in(&app, &link, BIG_CLIENT_EMAIL).await;
    let picker = morgan.get("/approve").await;
    let offered = picker
        .body
        .matches("name=\"asset\" value=\"customers/")
        .count();
    assert_eq!(offered, 40, "{}", picker.body);
    let other = format!(
        "{}-{}-{}",
        &OTHER_MCC[..3],
        &OTHER_MCC[3..6],
        &OTHER_MCC[6..]
    );
    assert_eq!(
        picker
            .body
            .matches(&format!("Also managed by manager account {other}"))
            .count(),
        40
    );

    // One account already has as many managers as Google allows.
    google.change(|w| {
        for m in 0..4 {
            let id = format!("88800000{m:02}");
            w.ads_link(&id, "5551000001", "ACTIVE");
        }
    });
    let done = super::pick_all(&morgan, &["customers/5551000001", "customers/5551000002"]).await;
    assert!(
        done.contains("as many manager accounts as Google allows"),
        "{done}"
    );
    assert_eq!(link_status(&app, "5551000001"), Vec::<String>::new());
    assert_eq!(link_status(&app, "5551000002"), ["ACTIVE"]);
    save_requests(&app, "forty");
}
