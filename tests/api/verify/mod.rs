//! Verification against Meta's client_* edges, the agency connection, offboarding.

use latchkey::actions::verify::{VerifyError, verify_agency};
use latchkey::meta::AccessToken;
use meta_sandbox::world::{AGENCY_PORTFOLIO, MESSY, SYSTEM_USER};

use crate::helpers::{PASSWORD, TestApp, approve_as, path_of, spawn_app, spawn_client_of};

mod connection;
mod offboard;

const CASEY: &str = "9100000000000001";
const ALL: [&str; 6] = [
    "business_management",
    "pages_show_list",
    "pages_manage_metadata",
    "ads_management",
    "instagram_basic",
    "catalog_management",
];

async fn approved(app: &TestApp, mode: &str, ids: &[&str]) -> i64 {
    app.setup_demo_agency().await;
    let client = app.create_client("Messy Co", "casey@bloom.example").await;
    let cid = client.to_string();
    let mut form: Vec<(&str, &str)> = vec![
        ("client_id", &cid),
        ("mode", mode),
        ("person", "ava@agency.example"),
        ("expiry_days", "14"),
        ("single_use", "0"),
        ("message", ""),
        ("delivery", "link"),
    ];
    for (k, l) in [
        ("page", "manage"),
        ("ad_account", "advertise"),
        ("pixel", "view"),
        ("catalog", "advertise"),
    ] {
        form.push(("kind", k));
        form.push((
            if k == "page" {
                "level_page"
            } else if k == "ad_account" {
                "level_ad_account"
            } else if k == "pixel" {
                "level_pixel"
            } else {
                "level_catalog"
            },
            l,
        ));
    }
    let r = app.post_shown("/requests", &form).await;
    let at = r.body.find("value=\"http").unwrap() + 7;
    let link = path_of(r.body[at..].split('"').next().unwrap());
    approve_as(app, &link, CASEY, ids).await;
    client
}

async fn status_of(app: &TestApp, asset: &str, mode: &str) -> (String, Option<i64>) {
    sqlx::query_as("SELECT status, verified_at FROM grants WHERE asset_id = $1 AND mode = $2")
        .bind(asset)
        .bind(mode)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn verification_confirms_finds_lost_and_recovered_grants() {
    let app = spawn_app().await;
    let client = approved(&app, "partner", &["1900000000000031", "1800000000000031"]).await;
    // Not connected yet.
    assert!(matches!(
        verify_agency(&app.state, 1).await,
        Err(VerifyError::NotConnected)
    ));
    let r = app.post(&format!("/clients/{client}/verify"), &[]).await;
    assert!(r.location().unwrap().ends_with("notice=not_connected"));

    assert_eq!(
        app.post("/settings/meta/sandbox", &[]).await.location(),
        Some("/settings?notice=saved")
    );
    assert!(app.get("/settings").await.body.contains("Connected since"));
    let r = app.post(&format!("/clients/{client}/verify"), &[]).await;
    assert!(r.location().unwrap().ends_with("notice=verified"));
    let (status, verified) = status_of(&app, "1900000000000031", "partner").await;
    assert_eq!(status, "active");
    assert!(verified.is_some());

    // The client removes the pixel's partner access in Meta.
    let casey = AccessToken(app.sandbox.as_ref().unwrap().issue_token(CASEY, &ALL, 3600));
    app.state
        .graph
        .remove_partner(&casey, "1900000000000031", AGENCY_PORTFOLIO)
        .await
        .unwrap();
    let report = verify_agency(&app.state, 1).await.unwrap();
    assert_eq!((report.lost, report.confirmed), (1, 1));
    assert_eq!(
        status_of(&app, "1900000000000031", "partner").await.0,
        "lost"
    );
    assert_eq!(
        status_of(&app, "1800000000000031", "partner").await.0,
        "active"
    );
    let mail = app.wait_for_emails("ava@agency.example", 2).await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "Access lost: Messy Co" && m.text.contains("Messy Pixel"))
    );
    // A second run does not e-mail again; re-sharing recovers the grant.
    assert_eq!(verify_agency(&app.state, 1).await.unwrap().lost, 0);
    app.state
        .graph
        .share_partner(&casey, "1900000000000031", AGENCY_PORTFOLIO, &["ANALYZE"])
        .await
        .unwrap();
    assert_eq!(verify_agency(&app.state, 1).await.unwrap().recovered, 1);
    assert_eq!(
        status_of(&app, "1900000000000031", "partner").await.0,
        "active"
    );

    // Never twice at once for one agency.
    let now = app.clock.now();
    assert!(
        latchkey::store::leases::acquire(
            &app.state.db.pool,
            "verify",
            "agency:1",
            "another-process",
            now,
            now + 600
        )
        .await
        .unwrap()
    );
    assert!(matches!(
        verify_agency(&app.state, 1).await,
        Err(VerifyError::AlreadyRunning)
    ));
    app.clock.advance(601);
    assert!(
        verify_agency(&app.state, 1).await.is_ok(),
        "resumes after the other's lease runs out"
    );
    // The periodic job picks up connected agencies that are due.
    app.clock.advance(7 * 3600);
    assert_eq!(
        latchkey::actions::verify::verify_due(&app.state, 6 * 3600).await,
        1
    );
    assert_eq!(
        latchkey::actions::verify::verify_due(&app.state, 6 * 3600).await,
        0
    );
}

#[tokio::test]
async fn a_pasted_token_is_checked_before_it_is_stored() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let r = app
        .post("/settings/meta", &[("token", "EAASnot-a-real-token")])
        .await;
    // Said on Settings, beside the token's field; the token is not echoed back.
    assert_eq!(r.status, 422);
    assert!(r.body.contains("not valid") || r.body.contains("did not accept"));
    assert!(r.body.contains("aria-describedby=\"meta-token-error\""));
    assert!(!r.body.contains("EAASnot-a-real-token"));
    let sandbox = app.sandbox.as_ref().unwrap();
    // A person's token works today but leaves with the person (and stops at a managed-
    // account migration): refused, with why.
    let personal = sandbox.issue_token(CASEY, &ALL, 3600);
    let r = app.post("/settings/meta", &[("token", &personal)]).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("person&#39;s token, not a system user"),
        "{}",
        r.body
    );
    assert!(r.body.contains("managed Meta accounts"));
    let token = sandbox.issue_token(SYSTEM_USER, &ALL, 3600);
    assert_eq!(
        app.post("/settings/meta", &[("token", &token)])
            .await
            .status,
        303
    );
    // Its expiry is kept and, an hour away, shown as a warning.
    let expires: Option<i64> = sqlx::query_scalar("SELECT meta_token_expires_at FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(expires.unwrap() > app.clock.now());
    let settings = app.get("/settings").await;
    assert!(
        settings.body.contains("The token expires on"),
        "{}",
        settings.body
    );
    assert!(settings.body.contains("Generate a new system-user token"));
    let sealed: Option<String> = sqlx::query_scalar("SELECT meta_token_sealed FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let sealed = sealed.unwrap();
    assert!(!sealed.contains(&token), "stored sealed");
    assert_eq!(app.post("/settings/meta/disconnect", &[]).await.status, 303);
    let gone: Option<String> = sqlx::query_scalar("SELECT meta_token_sealed FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(gone.is_none());
}

#[tokio::test]
async fn offboarding_removes_partner_access_and_lists_user_access() {
    let app = spawn_app().await;
    let client = approved(&app, "partner", &["1100000000000031", "1900000000000031"]).await;
    let confirm = app.get(&format!("/clients/{client}/offboard")).await;
    assert!(
        confirm
            .body
            .contains("Type <strong>Messy Co</strong> to confirm")
    );
    assert!(confirm.body.contains("Connect your agency's Meta account"));
    let r = app
        .post(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "Messy Co")],
        )
        .await;
    assert_eq!(r.status, 422, "not connected yet");
    app.post("/settings/meta/sandbox", &[]).await;
    let r = app
        .post(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "messy")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("exactly to confirm"));
    assert_eq!(
        status_of(&app, "1900000000000031", "partner").await.0,
        "active",
        "nothing changed"
    );

    // An integrator listening for removals (no receiver needed: the queued delivery is
    // what is checked).
    app.post_shown(
        "/settings/webhooks",
        &[
            ("url", "http://127.0.0.1:9/hook"),
            ("event", "grant.removed"),
        ],
    )
    .await;
    let (shown_at, r) = app
        .post_shown_at(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "Messy Co")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Removed"));
    // A reload shows the confirmation again and removes nothing more.
    let events_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'client.offboarded'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let reload = app.get(&shown_at).await;
    assert!(!reload.body.contains("Removed"));
    let events_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'client.offboarded'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!((events_before, events_after), (1, 1));
    let removed: Vec<String> = sqlx::query_scalar(
        "SELECT payload FROM webhook_deliveries WHERE event_type = 'grant.removed'",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        removed.len(),
        2,
        "two grants removed, two events: {removed:?}"
    );
    for asset in ["1100000000000031", "1900000000000031"] {
        assert!(
            removed
                .iter()
                .any(|r| r.contains(&format!("\"asset_id\":\"{asset}\""))),
            "{removed:?}"
        );
    }
    assert!(
        r.body.contains("Remove these by hand") && r.body.contains("ava@agency.example"),
        "the inventory's user-based access"
    );
    // The Page too, though the agency holds no Page token for it: the agency's own side
    // (`DELETE /{business}/pages?page_id=…`) gives it up, and Meta's listing confirms.
    for asset in ["1900000000000031", "1100000000000031"] {
        assert_eq!(
            status_of(&app, asset, "partner").await.0,
            "revoked",
            "{asset}"
        );
    }
    let world = app.sandbox.as_ref().unwrap().world();
    assert!(
        !world
            .shares
            .iter()
            .any(
                |s| (s.asset_id == "1900000000000031" || s.asset_id == "1100000000000031")
                    && s.business_id == AGENCY_PORTFOLIO
            ),
        "gone in Meta too"
    );
    assert!(app.get("/audit").await.body.contains("client.offboarded"));
}

#[tokio::test]
async fn another_agency_cannot_verify_or_offboard() {
    let app = spawn_app().await;
    let client = approved(&app, "partner", &["1900000000000031"]).await;
    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(&app);
    beta.login("boss@beta.test", PASSWORD).await;
    assert_eq!(
        beta.post(&format!("/clients/{client}/verify"), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        beta.get(&format!("/clients/{client}/offboard"))
            .await
            .status,
        404
    );
    assert_eq!(
        beta.post(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "Messy Co")]
        )
        .await
        .status,
        404
    );
    assert_eq!(
        status_of(&app, "1900000000000031", "partner").await.0,
        "active"
    );
}

#[tokio::test]
async fn the_agency_is_warned_before_its_meta_connection_expires_and_when_it_stops() {
    let app = spawn_app().await;
    app.setup_demo_agency().await;
    assert!(
        app.get("/")
            .await
            .body
            .contains("Not connected: verification")
    );
    let sandbox = app.sandbox.as_ref().unwrap();
    let token = sandbox.issue_token(SYSTEM_USER, &ALL, 20 * 86_400);
    let r = app.post("/settings/meta", &[("token", &token)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let home = app.get("/").await.body;
    assert!(home.contains("Connected; the token expires on"), "{home}");
    assert!(
        !home.contains("class=\"warning\">Connected"),
        "20 days away is fine"
    );
    let warn = || latchkey::actions::connection::warn_expiring_connections(&app.state);
    assert_eq!(warn().await.unwrap(), 0, "20 days away: nothing yet");
    app.clock.advance(7 * 86_400);
    assert_eq!(warn().await.unwrap(), 1, "13 days left");
    // A week later the session has ended: log in again to look.
    app.login("ava@agency.example", PASSWORD).await;
    let home = app.get("/").await.body;
    assert!(
        home.contains("class=\"warning\">Connected; the token expires on"),
        "{home}"
    );
    assert_eq!(warn().await.unwrap(), 0, "each warning once");
    app.drain_outbox().await;
    app.clock.advance(10 * 86_400 + 3600);
    assert_eq!(warn().await.unwrap(), 1, "under 3 days left");
    let mail = app.wait_for_emails("ava@agency.example", 2).await;
    let subjects: Vec<String> = mail
        .iter()
        .map(|m| m.subject.clone())
        .filter(|s| s.contains("Meta connection"))
        .collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(subjects[0].starts_with("Your Meta connection expires on"));
    // Meta refuses the token: verification warns at once, and only once.
    sandbox.expire_tokens();
    let e = verify_agency(&app.state, 1).await.unwrap_err();
    assert!(matches!(e, VerifyError::Platform { .. }), "{e:?}");
    assert!(verify_agency(&app.state, 1).await.is_err());
    let mail = app.wait_for_emails("ava@agency.example", 3).await;
    let stopped = mail
        .iter()
        .filter(|m| m.subject == "Your Meta connection stopped working")
        .count();
    assert_eq!(stopped, 1);
    assert_eq!(
        warn().await.unwrap(),
        0,
        "the token is past due, and that was said"
    );
}

#[tokio::test]
async fn what_offboarding_cannot_remove_comes_with_the_steps_to_do_it_by_hand() {
    let app = spawn_app().await;
    let client = approved(&app, "partner", &["1900000000000031"]).await;
    app.post("/settings/meta/sandbox", &[]).await;
    // Meta is down for every call: nothing can be removed through the API.
    app.sandbox
        .as_ref()
        .unwrap()
        .set_faults(meta_sandbox::Faults {
            transient_percent: 100,
            ..Default::default()
        });
    let r = app
        .post_shown(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "Messy Co")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Not removed"), "{}", r.body);
    assert!(
        r.body.contains(
            "open Data sources → Datasets (pixels), select the dataset and choose Remove"
        ),
        "{}",
        r.body
    );
    assert_eq!(
        status_of(&app, "1900000000000031", "partner").await.0,
        "active",
        "a grant Meta still holds is not marked revoked"
    );
}
