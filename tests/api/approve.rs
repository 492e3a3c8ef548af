//! The client's approval end to end, over HTTP, through the embedded sandbox.

use meta_sandbox::Faults;
use meta_sandbox::world::AGENCY_PORTFOLIO;

use crate::helpers::{
    ALL_SCOPES as ALL, Resp, TestApp, csrf_in, facebook_login, path_of, spawn_app, spawn_client_of,
};

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
async fn replayed_or_foreign_state_is_refused() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[("single_use", "0")]).await;
    let client = spawn_client_of(&app);
    // Capture the callback URL instead of following it.
    let start = client.get(&format!("{link}/start")).await;
    let dialog = url::Url::parse(start.location().unwrap()).unwrap();
    let q: Vec<(String, String)> = dialog.query_pairs().into_owned().collect();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let form = [
        ("client_id", get("client_id")),
        ("redirect_uri", get("redirect_uri")),
        ("state", get("state")),
        ("scope", get("scope")),
        ("person", CASEY.into()),
        ("action", "continue".into()),
    ];
    let mut pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for g in ALL {
        pairs.push(("grant", g));
    }
    let back = client
        .post_raw("/sandbox/www/dialog/oauth/confirm", &pairs)
        .await;
    let cb = url::Url::parse(back.location().unwrap()).unwrap();
    let callback = format!("{}?{}", cb.path(), cb.query().unwrap());

    // Another browser cannot use it.
    let stranger = spawn_client_of(&app);
    let r = stranger.get(&callback).await;
    assert_eq!(r.status, 410);
    assert!(r.body.contains("This sign-in has expired"));
    // A made-up state is refused too.
    assert_eq!(
        client
            .get("/oauth/callback?code=x&state=deadbeef")
            .await
            .status,
        410
    );

    // A fresh, legitimate round works once; replaying it does not.
    let ok = login(&client, &link, &ALL, "continue").await;
    assert_eq!(ok.location(), Some("/approve"));
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM approval_flows WHERE token_sealed IS NOT NULL")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn double_submit_makes_no_duplicate_grants() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[("single_use", "0")]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    let picker = client.get("/approve").await;
    let token = csrf_in(&picker.body).unwrap();
    let form = [("csrf", token.as_str()), ("asset", "1900000000000031")];
    let (a, b) = tokio::join!(
        client.post_raw("/approve", &form),
        client.post_raw("/approve", &form)
    );
    assert_eq!(
        (a.location(), b.location()),
        (Some("/approve/done"), Some("/approve/done"))
    );
    let again = client.post_raw("/approve", &form).await;
    assert_eq!(again.location(), Some("/approve/done"));
    assert_eq!(
        grants(&app)
            .await
            .iter()
            .filter(|g| g.1 == "partner")
            .count(),
        1
    );

    // Approving the same asset again through a new flow updates, never duplicates.
    login(&client, &link, &ALL, "continue").await;
    let picker = client.get("/approve").await;
    assert!(picker.body.contains("Already shared with Demo Agency."));
    assert_eq!(
        grants(&app)
            .await
            .iter()
            .filter(|g| g.1 == "partner")
            .count(),
        1
    );
}

#[tokio::test]
async fn two_concurrent_approvals_of_a_single_use_link_let_exactly_one_through() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let first = spawn_client_of(&app);
    let second = spawn_client_of(&app);
    login(&first, &link, &ALL, "continue").await;
    login(&second, &link, &ALL, "continue").await;
    let p1 = first.get("/approve").await;
    let p2 = second.get("/approve").await;
    let (t1, t2) = (csrf_in(&p1.body).unwrap(), csrf_in(&p2.body).unwrap());
    let f1 = [("csrf", t1.as_str()), ("asset", "1900000000000031")];
    let f2 = [("csrf", t2.as_str()), ("asset", "1800000000000031")];
    let (a, b) = tokio::join!(
        first.post_raw("/approve", &f1),
        second.post_raw("/approve", &f2)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert!(
        statuses == [303, 409] || statuses == [303, 410],
        "one proceeds, the other finds the link busy or used: {statuses:?}"
    );
    assert_eq!(
        grants(&app)
            .await
            .iter()
            .filter(|g| g.1 == "partner")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_link_that_expires_mid_flow_stops_the_approval() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[("expiry_days", "1")]).await;
    app.clock.advance(86_400 - 300);
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    let picker = client.get("/approve").await;
    let token = csrf_in(&picker.body).unwrap();
    app.clock.advance(600);
    let r = client
        .post_raw(
            "/approve",
            &[("csrf", &token), ("asset", "1900000000000031")],
        )
        .await;
    assert_eq!(r.status, 410);
    assert!(r.body.contains("This link has expired"));
    assert!(grants(&app).await.is_empty());
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

#[tokio::test]
async fn the_client_can_report_a_migration_on_the_done_page() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    approve(&client, &["1900000000000031"]).await;
    let done = client.get("/approve/done").await;
    assert!(done.body.contains("moving to managed Meta accounts"));
    let token = csrf_in(&done.body).unwrap();
    let bad = client
        .post_raw(
            "/approve/migration",
            &[("csrf", &token), ("status", "migrating"), ("date", "")],
        )
        .await;
    // Explained on the done page itself, beside the date, with the choice kept.
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("aria-describedby=\"move-error\""),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"migrating\" checked"));
    let r = client
        .post_raw(
            "/approve/migration",
            &[
                ("csrf", &token),
                ("status", "migrating"),
                ("date", "2027-01-15"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/approve/done?saved=1"));
    // The client's answer is their statement: the agency's record is unchanged.
    let (status, date): (String, Option<i64>) =
        sqlx::query_as("SELECT migration_status, migration_date FROM clients WHERE id = $1")
            .bind(client_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), date), ("not_started", None));
    let (person, said, day): (String, String, Option<i64>) =
        sqlx::query_as("SELECT person_name, status, day FROM client_statements")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(person, "Casey Client");
    assert_eq!(said, "migrating");
    assert_eq!(day, Some(1_799_971_200), "2027-01-15 00:00 UTC");
    // Staff see it beside their record, with the name.
    let page = app.get(&format!("/clients/{client_id}")).await;
    assert!(
        page.body
            .contains("The client says: <strong>the move is happening now (15 January 2027)</strong> — Casey Client"),
        "{}",
        page.body
    );
    let mail = app.wait_for_emails("ava@agency.example", 2).await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "Messy Co answered the managed-accounts question")
    );
}

#[tokio::test]
async fn a_graph_outage_shares_nothing_keeps_the_link_and_can_be_retried() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    let picker = client.get("/approve").await;
    let token = csrf_in(&picker.body).unwrap();
    let sandbox = app.sandbox.as_ref().unwrap();
    // Meta is down for every call.
    sandbox.set_faults(Faults {
        transient_percent: 100,
        ..Faults::default()
    });
    let r = client
        .post_raw(
            "/approve",
            &[
                ("csrf", &token),
                ("asset", "1900000000000031"),
                ("asset", "1800000000000031"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/approve/done"));
    let done = client.get("/approve/done").await;
    assert!(
        done.body.contains("Nothing was shared yet"),
        "{}",
        done.body
    );
    assert!(!done.body.contains("Here is what was shared"));
    assert!(done.body.contains("Try again for the 2 assets not shared"));
    assert!(grants(&app).await.is_empty());
    // The link was not used up: it still opens.
    assert_eq!(spawn_client_of(&app).get(&link).await.status, 200);
    let used: Option<i64> = sqlx::query_scalar("SELECT used_at FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(used, None);
    // No receipt claims the client shared anything.
    app.drain_outbox().await;
    assert!(
        app.emails_to("casey@bloom.example")
            .iter()
            .all(|m| !m.subject.contains("You shared"))
    );

    // Meta is back: the retry shares what failed, and only then is the link used up.
    sandbox.set_faults(Faults::default());
    let token = csrf_in(&done.body).unwrap();
    let r = client.post_raw("/approve/again", &[("csrf", &token)]).await;
    assert_eq!(r.location(), Some("/approve/done"), "{}", r.body);
    let done = client.get("/approve/done").await;
    assert!(done.body.contains("Done — thank you!"), "{}", done.body);
    let g = grants(&app).await;
    assert_eq!(
        g.iter()
            .filter(|r| r.1 == "partner" && r.3 == "active")
            .count(),
        2
    );
    assert_eq!(spawn_client_of(&app).get(&link).await.status, 410);
}

#[tokio::test]
async fn a_partial_failure_says_what_was_not_shared_and_retries_only_that() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    client.get("/approve").await;
    // Casey may only analyse act_2200000032: offer it anyway, so Meta refuses it.
    offer_anyway(&app, "act_2200000032").await;
    let token = csrf_in(&client.get("/login").await.body).unwrap();
    client
        .post_raw(
            "/approve",
            &[
                ("csrf", &token),
                ("asset", "act_2200000031"),
                ("asset", "act_2200000032"),
            ],
        )
        .await;
    let done = client.get("/approve/done").await;
    assert!(done.body.contains("Almost done"), "{}", done.body);
    assert!(done.body.contains("Shared") && done.body.contains("Not shared"));
    assert!(done.body.contains("Try again for the asset not shared"));
    // One grant was recorded, so the single-use link is used up for everyone else...
    assert_eq!(spawn_client_of(&app).get(&link).await.status, 410);
    // ...but this client may retry what failed, and only that.
    let sandbox = app.sandbox.as_ref().unwrap();
    let shares_before = sandbox.world().shares.len();
    let token = csrf_in(&done.body).unwrap();
    let r = client.post_raw("/approve/again", &[("csrf", &token)]).await;
    assert_eq!(r.location(), Some("/approve/done"));
    let items: Vec<(i64, String)> =
        sqlx::query_as("SELECT attempt, asset_id FROM approval_items ORDER BY attempt, asset_id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        items,
        vec![
            (1, "act_2200000031".to_owned()),
            (1, "act_2200000032".to_owned()),
            (2, "act_2200000032".to_owned()),
        ]
    );
    assert_eq!(sandbox.world().shares.len(), shares_before);
    let done = client.get("/approve/done").await;
    assert!(done.body.contains("Act 2200000031") || done.body.contains("Shared"));
    assert!(
        done.body.contains("full control"),
        "the reason is still given"
    );
    assert_eq!(
        grants(&app)
            .await
            .iter()
            .filter(|g| g.1 == "partner")
            .count(),
        1
    );
}

#[tokio::test]
async fn the_migration_answer_needs_the_login_a_live_link_and_is_rate_limited() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[("single_use", "0")]).await;
    // The agency records the move.
    let r = app
        .post(
            &format!("/clients/{client_id}/migration"),
            &[
                ("status", "migrating"),
                ("date", "2026-12-20"),
                ("grace_days", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    // A flow cookie without a Facebook login is not enough.
    let stranger = spawn_client_of(&app);
    let start = stranger.get(&format!("{link}/start")).await;
    assert_eq!(start.status, 303);
    let r = stranger
        .post(
            "/approve/migration",
            &[("status", "not_started"), ("date", "")],
        )
        .await;
    assert_eq!(r.status, 410, "{}", r.body);

    // A logged-in client says "not that we know of": their statement, not the record.
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    approve(&client, &["1900000000000031"]).await;
    let r = client
        .post(
            "/approve/migration",
            &[("status", "not_started"), ("date", "")],
        )
        .await;
    assert_eq!(r.location(), Some("/approve/done?saved=1"));
    let (status, date): (String, Option<i64>) =
        sqlx::query_as("SELECT migration_status, migration_date FROM clients WHERE id = $1")
            .bind(client_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(status, "migrating", "staff's record stands");
    assert!(date.is_some());

    // Rate-limited: five statements, then wait.
    let mut last = 0;
    for _ in 0..6 {
        last = client
            .post("/approve/migration", &[("status", "invited"), ("date", "")])
            .await
            .status;
    }
    assert_eq!(last, 429);

    // After the link is revoked, nothing more is taken.
    let id: i64 = sqlx::query_scalar("SELECT id FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    app.post(&format!("/requests/{id}/revoke"), &[]).await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM client_statements")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    app.clock.advance(3600);
    let r = client
        .post(
            "/approve/migration",
            &[("status", "migrated"), ("date", "2026-12-01")],
        )
        .await;
    assert!(r.status == 404 || r.status == 410, "{}", r.status);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM client_statements")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_kind_meta_will_not_list_is_named_and_the_rest_stays_choosable() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    // Meta refuses to list pixels for this app (code 270), as for an app without the
    // access level that kind needs.
    app.sandbox.as_ref().unwrap().set_faults(Faults {
        refuse_edge: Some("owned_pixels".into()),
        ..Faults::default()
    });
    let picker = client.get("/approve").await;
    assert_eq!(picker.status, 200, "{}", picker.body);
    assert!(
        picker
            .body
            .contains("Pixels and datasets of Messy Co: couldn&#39;t be listed"),
        "{}",
        picker.body
    );
    assert!(
        picker
            .body
            .contains("Meta does not yet let this app work with this kind of asset")
    );
    let ids = offered(&picker.body);
    assert!(
        ids.contains(&"1800000000000031".to_owned()),
        "catalogs still offered"
    );
    assert!(
        !ids.contains(&"1900000000000031".to_owned()),
        "no pixel offered"
    );
    let r = approve(&client, &["1800000000000031"]).await;
    assert_eq!(r.location(), Some("/approve/done"));
    let g = grants(&app).await;
    assert!(g.iter().any(|g| g.0 == "1800000000000031"), "{g:?}");
}

#[tokio::test]
async fn what_the_person_may_share_comes_from_what_meta_exposes_of_their_rights() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    // Dana is an employee of Messy Co with analyst tasks on its Page.
    let cb = facebook_login(&client, &link, "9100000000000002", &ALL, "continue").await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let picker = client.get("/approve").await.body;
    // Page: her tasks from /me/accounts lack MANAGE.
    assert!(
        picker.contains("You are not an admin of this Page"),
        "{picker}"
    );
    // Catalog, pixel and Instagram carry no per-person tasks in Meta's schema: her role in
    // the portfolio (/me/business_users) decides.
    assert_eq!(
        picker
            .matches("Only an admin of Messy Co can share this")
            .count(),
        3,
        "{picker}"
    );
    assert!(
        offered(&picker).is_empty(),
        "nothing she may share is offered"
    );
}

#[tokio::test]
async fn an_app_without_meta_s_approval_for_partner_sharing_is_the_agency_s_to_fix() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    // Meta answers code 3 to `POST /{asset}/agencies` for an app it has not approved for
    // partner sharing (limited since 8 June 2021).
    app.sandbox.as_ref().unwrap().set_faults(Faults {
        no_partner_sharing: true,
        ..Faults::default()
    });
    let r = approve(&client, &["1100000000000031", "act_2200000031"]).await;
    assert_eq!(r.location(), Some("/approve/done"));
    // The client is told it is not their doing, and never what to click in a Meta app.
    let done = client.get("/approve/done").await.body;
    assert!(
        done.contains("Meta does not yet let this app work with this kind of asset"),
        "{done}"
    );
    assert!(!done.contains("App Review"), "{done}");
    // Nothing was shared, and the agency reads what to fix, on the grants and in its e-mail.
    let g = grants(&app).await;
    let made: Vec<_> = g.iter().filter(|g| g.1 == "partner").collect();
    assert!(
        made.iter().all(|g| g.3 == "failed"),
        "nothing shared: {made:?}"
    );
    let events: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM request_events WHERE kind = 'approval_failed'")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(
        events[0].contains("Not shared: Messy Co (Facebook Page), Messy Main Ads (Ad account)")
            && events[0].contains("not the client's doing"),
        "{events:?}"
    );
    let page = app.get("/requests/1").await.body;
    assert!(
        page.contains("Advanced Access for business_management"),
        "{page}"
    );
    let mail = app.wait_for_emails("ava@agency.example", 1).await;
    let told = mail
        .iter()
        .find(|m| m.subject.contains("nothing was shared"))
        .expect("the agency is told");
    assert!(told.text.contains("App Review"), "{}", told.text);
}
