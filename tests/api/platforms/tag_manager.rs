//! Google Tag Manager through the built-in Google sandbox, over HTTP as with Google: a
//! client shares containers with the agency's Google account by one user permission per
//! account (created, then updated), twenty containers in three calls under the project's
//! quota; each is read back, verified, found lost when the client takes it away; and
//! offboarding, which Tag Manager leaves to the account's administrators, gives the client
//! the steps.

use google_sandbox::world::{AGENCY_EMAIL, CLIENT_EMAIL, VIEWER_EMAIL};
use latchkey::actions::verify::verify_agency;

use crate::helpers::{TestApp, google_consent, spawn_app, spawn_client_of};

const READ: &str = "https://www.googleapis.com/auth/analytics.readonly";
const MANAGE: &str = "https://www.googleapis.com/auth/analytics.manage.users";
const TM_READ: &str = "https://www.googleapis.com/auth/tagmanager.readonly";
const TM_MANAGE: &str = "https://www.googleapis.com/auth/tagmanager.manage.users";

fn container(id: u32) -> String {
    format!("accounts/6001/containers/{id}")
}

/// Settings → Connect Google, allowing everything the agency's account is asked for.
async fn connect_google(app: &TestApp) {
    super::connect_google(app, &[READ, MANAGE, TM_READ, TM_MANAGE]).await;
}

/// The client signs in with Google for `link`, allowing Tag Manager's scopes.
async fn signed_in(app: &TestApp, link: &str, person: &str) -> TestApp {
    let client = spawn_client_of(app);
    let start = client.get(&format!("{link}/start")).await;
    assert_eq!(start.status, 303, "{}", start.body);
    let consent = start.location().unwrap().to_owned();
    assert!(consent.contains("tagmanager.manage.users"), "{consent}");
    let cb = google_consent(&client, &consent, person, &[TM_READ, TM_MANAGE]).await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    client
}

/// The Tag Manager grants: (asset id, status, tasks, platform_ref), by asset.
async fn tag_grants(app: &TestApp) -> Vec<(String, String, String, String)> {
    sqlx::query_as(
        "SELECT asset_id, status, tasks, platform_ref FROM grants WHERE kind = 'gtm_container' ORDER BY asset_id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn twenty_containers_share_in_one_permission_read_back_verified_and_offboarded_by_the_client()
{
    let app = spawn_app().await;
    let google = app.google.clone().unwrap();
    google.change(|w| {
        for id in 7003..=7020 {
            w.add_container(
                "6001",
                &id.to_string(),
                &format!("Site {id}"),
                &format!("GTM-S{id}"),
            );
        }
    });
    let asks = [
        ("kind", "gtm_container"),
        ("level_gtm_container", "advertise"),
    ];
    let (client_id, link) = super::partner_link(&app, &asks).await;
    connect_google(&app).await;

    // First approval: two containers, one new permission for the agency's account.
    let client = signed_in(&app, &link, CLIENT_EMAIL).await;
    let picker = client.get("/approve").await;
    assert!(
        picker.body.contains("Messy Web (GTM-MESSY01)"),
        "{}",
        picker.body
    );
    let done = super::pick_all(&client, &[&container(7001), &container(7002)]).await;
    assert!(done.contains("Messy App (GTM-MESSY02)"), "{done}");
    let held = google
        .world()
        .permission_of("6001", AGENCY_EMAIL)
        .cloned()
        .unwrap();
    assert_eq!(held.account_access, "user");
    assert_eq!(held.containers.len(), 2);
    assert!(held.containers.iter().all(|c| c.permission == "edit"));

    // Second approval: all twenty. The picker costs three calls (accounts, containers, the
    // account's permissions); the share updates the same permission once for all of them
    // (the permissions listed, one update, read back): three more, not sixty.
    let link = super::request_link(&app, client_id, &asks).await;
    let client = signed_in(&app, &link, CLIENT_EMAIL).await;
    let all: Vec<String> = (7001..=7020).map(container).collect();
    let ids: Vec<&str> = all.iter().map(String::as_str).collect();
    let before = google.calls();
    super::pick_all(&client, &ids).await;
    assert_eq!(google.calls() - before, 6, "one batch for the account");
    let held = google
        .world()
        .permission_of("6001", AGENCY_EMAIL)
        .cloned()
        .unwrap();
    assert_eq!(held.containers.len(), 20);

    // Recorded from the read-back: each container with its permission and the permission's
    // path; the first two kept as they were.
    let grants = tag_grants(&app).await;
    let active: Vec<_> = grants.iter().filter(|g| g.1 == "active").collect();
    assert_eq!(active.len(), 20, "{grants:?}");
    assert!(
        active.iter().all(|g| g.2 == "edit" && g.3 == held.path()),
        "{grants:?}"
    );
    assert_eq!(grants.len(), 20, "the first two recorded once: {grants:?}");

    // Verified with the agency's own account; the client takes one container away.
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.confirmed, report.lost), (20, 0));
    google.change(|w| {
        let p = w
            .permissions
            .iter_mut()
            .find(|p| p.email == AGENCY_EMAIL)
            .unwrap();
        p.containers.retain(|c| c.container_id != "7001");
    });
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.confirmed, report.lost), (19, 1));

    // Offboarding: Tag Manager lets only the account's administrators remove users, so the
    // agency is refused and the client is given the steps; nothing is marked removed.
    let r = super::offboard(&app, client_id).await;
    assert!(
        r.body
            .contains("in Tag Manager under Admin → User Management"),
        "{}",
        r.body
    );
    assert!(google.world().permission_of("6001", AGENCY_EMAIL).is_some());
    let still = tag_grants(&app)
        .await
        .iter()
        .filter(|g| g.1 == "active")
        .count();
    assert_eq!(
        still, 19,
        "not marked removed while Google still lists them"
    );
}

#[tokio::test]
async fn a_colleague_who_is_not_an_administrator_sees_why_a_container_cannot_be_shared() {
    let app = spawn_app().await;
    let asks = [("kind", "gtm_container"), ("level_gtm_container", "view")];
    let (_, link) = super::partner_link(&app, &asks).await;
    connect_google(&app).await;
    let viewer = signed_in(&app, &link, VIEWER_EMAIL).await;
    let picker = viewer.get("/approve").await;
    assert!(
        picker.body.contains("Messy Web (GTM-MESSY01)"),
        "{}",
        picker.body
    );
    assert!(
        !picker.body.contains("Messy App"),
        "only what they may read"
    );
    assert!(
        picker
            .body
            .contains("You need the Administrator permission on this Tag Manager account"),
        "{}",
        picker.body
    );
}

#[tokio::test]
async fn a_quota_spent_by_another_process_is_waited_out_not_failed() {
    let app = spawn_app().await;
    let sandbox = app.google.clone().unwrap();
    // Google's rule at a smaller scale so the test runs in under a second: 2 calls per
    // 400 ms window for the project; this process's pacer allows 4 per 400 ms (its share
    // of the project's quota unknown to it, as with two processes).
    sandbox.set_faults(google_sandbox::Faults {
        tagmanager_quota: Some(2),
        tagmanager_window_ms: Some(400),
        ..Default::default()
    });
    let mut cfg = app.state.google.as_ref().unwrap().config().clone();
    cfg.tagmanager_quota = (4, std::time::Duration::from_millis(400));
    let ours = latchkey::google::GoogleClient::new(cfg).unwrap();
    let token = sandbox.issue_token(CLIENT_EMAIL, &[TM_READ, TM_MANAGE]);
    // "Another process" of the same project spends the window.
    let other = app.state.google.as_ref().unwrap();
    other.tag_accounts(&token).await.unwrap();
    other.tag_accounts(&token).await.unwrap();
    let before = sandbox.calls();
    let accounts = ours.tag_accounts(&token).await.unwrap();
    assert_eq!(accounts[0].account_id, "6001");
    assert!(
        sandbox.calls() - before >= 2,
        "refused at least once (403), then answered"
    );
}
