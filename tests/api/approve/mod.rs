//! The client's approval end to end, over HTTP, through the embedded sandbox.

use meta_sandbox::Faults;
use meta_sandbox::world::AGENCY_PORTFOLIO;

use crate::helpers::{
    ALL_SCOPES as ALL, Resp, TestApp, csrf_in, facebook_login, path_of, spawn_app, spawn_client_of,
};

mod done_page;
mod picker;
mod races;

pub(crate) const CASEY: &str = "9100000000000001";

/// An agency whose owner is the sandbox's agency person (so inventory recognises her).
pub(crate) async fn agency(app: &TestApp) -> i64 {
    app.setup_demo_agency().await;
    app.create_client("Messy Co", "casey@bloom.example").await
}

/// Creates a request and returns its link path.
pub(crate) async fn request(app: &TestApp, client: i64, extra: &[(&str, &str)]) -> String {
    let cid = client.to_string();
    let mut form: Vec<(&str, &str)> = vec![("client_id", &cid)];
    for k in ["page", "ad_account", "instagram", "catalog", "pixel"] {
        form.push(("kind", k));
    }
    form.extend([
        ("level_page", "manage"),
        ("level_ad_account", "advertise"),
        ("level_instagram", "view"),
        ("level_catalog", "advertise"),
        ("level_pixel", "view"),
        ("mode", "partner"),
        ("expiry_days", "14"),
        ("single_use", "1"),
        ("message", ""),
        ("delivery", "link"),
    ]);
    for (k, v) in extra {
        form.retain(|(fk, _)| fk != k);
        form.push((k, v));
    }
    let r = app.post_shown("/requests", &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("value=\"http").unwrap() + 7;
    path_of(r.body[at..].split('"').next().unwrap())
}

async fn login(client: &TestApp, link: &str, grants: &[&str], action: &str) -> Resp {
    facebook_login(client, link, CASEY, grants, action).await
}

/// The shareable asset ids on the picker.
pub(crate) fn offered(picker: &str) -> Vec<String> {
    picker
        .split("name=\"asset\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

pub(crate) async fn approve(client: &TestApp, ids: &[&str]) -> Resp {
    let picker = client.get("/approve").await;
    let token = csrf_in(&picker.body).expect("csrf on the picker");
    let mut form: Vec<(&str, &str)> = vec![("csrf", &token)];
    for id in ids {
        form.push(("asset", id));
    }
    client.post_raw("/approve", &form).await
}

async fn grants(
    app: &TestApp,
) -> Vec<(
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
)> {
    sqlx::query_as("SELECT asset_id, mode, grantee, status, tasks, owner_portfolio_id, approved_by_name FROM grants ORDER BY asset_id, mode")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

/// Marks an asset the picker refused as shareable in the flow's inventory, as if the
/// person's role changed after the picker loaded: Meta then refuses the share.
async fn offer_anyway(app: &TestApp, id: &str) {
    let inv: String = sqlx::query_scalar("SELECT inventory FROM approval_flows")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let mut offered: Vec<serde_json::Value> = serde_json::from_str(&inv).unwrap();
    for o in offered.iter_mut().filter(|o| o["id"] == id) {
        o["shareable"] = serde_json::json!(true);
    }
    sqlx::query("UPDATE approval_flows SET inventory = $1")
        .bind(serde_json::to_string(&offered).unwrap())
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

pub(crate) const MESSY_ASSETS: [&str; 5] = [
    "1100000000000031",
    "act_2200000031",
    "1700000000000031",
    "1800000000000031",
    "1900000000000031",
];

#[tokio::test]
async fn partner_mode_for_all_five_kinds_with_inventory_records_and_emails() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    let cb = login(&client, &link, &ALL, "continue").await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);

    let picker = client.get("/approve").await;
    assert!(picker.body.contains("Logged in as Casey Client"));
    // Grouped per portfolio and kind; Northwind's 120 Pages start collapsed, small groups
    // open; the share button sits in an action bar with the running count.
    assert!(
        picker.body.contains(
            "<details class=\"kind-group\" data-kind-group>\n      <summary>Facebook Pages <span class=\"muted\">(120)</span>"
        ),
        "{}",
        &picker.body[picker.body.find("(120)").unwrap_or(0).saturating_sub(200)..][..400]
    );
    assert!(picker.body.contains(
        "data-kind-group open>\n      <summary>Facebook Pages <span class=\"muted\">(2)</span>"
    ));
    assert!(
        picker.body.contains("class=\"action-bar\"") && picker.body.contains("data-selected-count")
    );
    let named = picker
        .body
        .find("aria-label=\"Messy Analyst-only Ads")
        .map(|i| &picker.body[i..i + 62]);
    assert_eq!(
        named,
        Some("aria-label=\"Messy Analyst-only Ads: can&#39;t be shared\" aria-"),
        "unavailable assets are named for screen readers"
    );
    for group in [
        "Bloom Bakery",
        "Northwind Retail",
        "Messy Co",
        "Not in a business portfolio",
    ] {
        assert!(picker.body.contains(group), "{group}");
    }
    assert!(
        picker
            .body
            .contains("You are not an admin of this ad account"),
        "{}",
        &picker.body[picker.body.find("Analyst").unwrap_or(0).saturating_sub(400)..][..900]
    );
    assert!(
        picker
            .body
            .contains("This Page is not in a business portfolio")
    );
    assert!(
        picker.body.contains("Already shared with Demo Agency."),
        "Bloom Bakery Catering was shared before"
    );
    assert!(
        picker.body.contains("data-filter"),
        "a filter box for the large portfolio"
    );
    let ids = offered(&picker.body);
    assert!(
        ids.len() > 150,
        "the whole large portfolio, every page: {}",
        ids.len()
    );
    assert!(
        !ids.contains(&"act_2200000032".to_owned())
            && !ids.contains(&"1100000000000032".to_owned())
    );

    let r = approve(&client, &MESSY_ASSETS).await;
    assert_eq!(r.location(), Some("/approve/done"), "{}", r.body);
    let done = client.get("/approve/done").await;
    assert!(done.body.contains("Done — thank you!"));
    assert!(
        done.body.contains("To remove this access later") && done.body.contains("Users → Partners"),
        "the done page says how to undo it"
    );
    assert!(
        done.body.contains("Messy Co") && done.body.contains("Waiting for confirmation"),
        "Instagram shares are pending"
    );

    let g = grants(&app).await;
    let partner: Vec<_> = g.iter().filter(|r| r.1 == "partner").collect();
    assert_eq!(partner.len(), 5);
    for row in &partner {
        assert_eq!(row.2, AGENCY_PORTFOLIO);
        assert_eq!(row.5.as_deref(), Some("2000000003"));
        assert_eq!(row.6, "Casey Client");
    }
    let page = partner.iter().find(|r| r.0 == "1100000000000031").unwrap();
    assert_eq!(
        (page.3.as_str(), page.4.as_str()),
        (
            "active",
            "MANAGE,CREATE_CONTENT,MODERATE,MESSAGING,ADVERTISE,ANALYZE"
        )
    );
    let ad = partner.iter().find(|r| r.0 == "act_2200000031").unwrap();
    assert_eq!(ad.4, "ADVERTISE,ANALYZE");
    let ig = partner.iter().find(|r| r.0 == "1700000000000031").unwrap();
    assert_eq!(ig.3, "pending");
    // Inventory: the agency person's own access found on the Page and ad account.
    let user: Vec<_> = g.iter().filter(|r| r.1 == "user").collect();
    assert_eq!(user.len(), 2, "{g:?}");
    assert!(
        user.iter()
            .all(|r| r.2 == "ava@agency.example" && r.3 == "active")
    );
    let history: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grant_events")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(history, 7);

    // The request is completed and the single-use link is closed.
    let (outcome, used): (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT outcome, used_at FROM access_requests")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(outcome.as_deref(), Some("completed"));
    assert!(used.is_some());
    assert_eq!(spawn_client_of(&app).get(&link).await.status, 410);
    // E-mails: the agency (with per-asset results) and the client's receipt.
    let agency_mail = app.wait_for_emails("ava@agency.example", 2).await;
    let approved = agency_mail
        .iter()
        .find(|m| m.subject.contains("Messy Co approved access"))
        .expect("the approval e-mail");
    assert!(approved.text.contains("Messy Pixel"));
    // One count of the outcome, the same in the e-mail and on the request's timeline: 4 of
    // the 5 working, the Instagram share waiting for the agency.
    let said = "4 of 5 granted, 1 waiting for your agency to accept";
    assert!(approved.subject.ends_with(said), "{}", approved.subject);
    assert!(
        app.get("/requests/1").await.body.contains(said),
        "the timeline counts the same way"
    );
    // The waiting share is on the dashboard's to-do list, with what to do.
    let dashboard = app.get("/").await;
    assert!(
        dashboard
            .body
            .contains("1 share is waiting for your agency to accept at Meta")
            && dashboard.body.contains("Requests → Received"),
        "{}",
        dashboard.body
    );
    assert!(!dashboard.body.contains("Nothing needs you right now"));
    // Messy Co has a person on a managed work account: a signal for staff, nothing more.
    assert!(agency_mail.iter().any(
        |m| m.subject.contains("may be moving to managed Meta accounts")
            && m.text.contains("1 of 4 people in Messy Co")
    ));
    let receipt = app.wait_for_emails("casey@bloom.example", 1).await;
    assert!(
        receipt[0]
            .subject
            .contains("You shared access with Demo Agency")
    );
    // The client's token is gone.
    let sealed: Option<String> = sqlx::query_scalar("SELECT token_sealed FROM approval_flows")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(sealed.is_none());
    // The agency sees the grants on the request.
    let detail = app.get("/requests/1").await;
    assert!(
        detail.body.contains("Messy Pixel") && detail.body.contains("Partner — survives migration")
    );
}

#[tokio::test]
async fn user_mode_assigns_the_named_agency_people() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(
        &app,
        client_id,
        &[("mode", "user"), ("person", "ava@agency.example")],
    )
    .await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    let r = approve(&client, &["1900000000000031", "1800000000000031"]).await;
    assert_eq!(r.location(), Some("/approve/done"));
    let g = grants(&app).await;
    assert_eq!(g.len(), 2);
    for row in &g {
        assert_eq!(
            (row.1.as_str(), row.2.as_str(), row.3.as_str()),
            ("user", "ava@agency.example", "active")
        );
    }
    let world = app.sandbox.as_ref().unwrap().world();
    assert!(
        world
            .assignments
            .iter()
            .any(|a| a.asset_id == "1900000000000031")
    );
}

#[tokio::test]
async fn a_refusal_by_meta_is_a_partial_completion_with_the_reason() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    client.get("/approve").await;
    // Casey's role changed after the picker loaded: the analyst-only account is offered.
    offer_anyway(&app, "act_2200000032").await;
    let token = csrf_in(&client.get("/login").await.body).unwrap();
    let r = client
        .post_raw(
            "/approve",
            &[
                ("csrf", &token),
                ("asset", "act_2200000031"),
                ("asset", "act_2200000032"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/approve/done"));
    let done = client.get("/approve/done").await;
    assert!(
        done.body.contains("Not shared") && done.body.contains("full control"),
        "{}",
        done.body
    );
    let outcome: Option<String> = sqlx::query_scalar("SELECT outcome FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(outcome.as_deref(), Some("partial"));
    assert!(
        app.get("/requests/1")
            .await
            .body
            .contains("Partially completed")
    );
}

#[tokio::test]
async fn denial_and_declined_scopes_explain_and_offer_to_try_again() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[("single_use", "0")]).await;
    let client = spawn_client_of(&app);
    let denied = login(&client, &link, &ALL, "cancel").await;
    assert_eq!(denied.status, 200);
    assert!(
        denied.body.contains("You did not log in with Facebook")
            && denied.body.contains("/approve/retry")
    );

    let declined = login(&client, &link, &["business_management"], "continue").await;
    assert!(declined.body.contains("A permission is missing"));
    assert!(
        declined
            .body
            .contains("see the Pages you manage (pages_show_list)")
    );
    // A Page request asks for pages_manage_metadata (a Page's people are read with it);
    // a login without it is explained, naming it, and shares nothing.
    let start = client.get(&format!("{link}/start")).await;
    let dialog = url::Url::parse(start.location().unwrap()).unwrap();
    let scope = dialog
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    assert!(
        scope.split(',').any(|s| s == "pages_manage_metadata"),
        "{scope}"
    );
    let without: Vec<&str> = ALL
        .iter()
        .copied()
        .filter(|s| *s != "pages_manage_metadata")
        .collect();
    let declined = login(&client, &link, &without, "continue").await;
    assert!(declined.body.contains("A permission is missing"));
    assert!(
        declined
            .body
            .contains("read and manage who works on your Pages (pages_manage_metadata)"),
        "{}",
        declined.body
    );
    let retry = client.get("/approve/retry").await;
    assert!(retry.location().unwrap().contains("auth_type=rerequest"));
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn transient_graph_errors_are_retried_during_approval() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    let picker = client.get("/approve").await;
    let token = csrf_in(&picker.body).unwrap();
    app.sandbox.as_ref().unwrap().set_faults(Faults {
        fail_next: 2,
        ..Faults::default()
    });
    let r = client
        .post_raw(
            "/approve",
            &[("csrf", &token), ("asset", "1900000000000031")],
        )
        .await;
    assert_eq!(r.location(), Some("/approve/done"));
    let g = grants(&app).await;
    assert!(
        g.iter()
            .any(|r| r.0 == "1900000000000031" && r.1 == "partner" && r.3 == "active")
    );
}

#[tokio::test]
async fn an_abandoned_flow_forgets_the_token_and_times_out() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    let sealed: Option<String> = sqlx::query_scalar("SELECT token_sealed FROM approval_flows")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let sealed = sealed.expect("held during the flow");
    assert!(
        sealed.starts_with("v1:") && !sealed.contains("EAAS"),
        "sealed, not plain"
    );
    app.clock.advance(16 * 60);
    assert_eq!(
        client.get("/approve").await.status,
        410,
        "idle for 16 minutes"
    );
    app.clock.advance(3600);
    let purged = latchkey::store::flows::purge_tokens(&app.state.db.pool, app.clock.now())
        .await
        .unwrap();
    assert_eq!(purged, 1);
}
