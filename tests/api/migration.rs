//! The migration rule, the re-authorisation queue and link (through the sandbox, with its
//! migration switch), and deadline reminders.

use latchkey::domain::access::AssetKind;
use latchkey::meta::{AccessToken, client::Edge};
use meta_sandbox::world::{AGENCY_PORTFOLIO, MESSY};

use crate::helpers::{PASSWORD, TestApp, approve_as, link_in, path_of, spawn_app, spawn_client_of};

const DAY: i64 = 86_400;
const CASEY_WORK: &str = "9100000000000005";
const ALL: [&str; 5] = [
    "business_management",
    "pages_show_list",
    "ads_management",
    "instagram_basic",
    "catalog_management",
];

async fn agency(app: &TestApp) -> i64 {
    app.setup_demo_agency().await;
    app.create_client("Messy Co", "casey@messy.example").await
}

/// User-based grants of the agency person on the Messy Page and ad account.
async fn user_grants(app: &TestApp, client: i64) -> String {
    let cid = client.to_string();
    let r = app
        .post_shown(
            "/requests",
            &[
                ("client_id", &cid),
                ("kind", "page"),
                ("level_page", "manage"),
                ("kind", "ad_account"),
                ("level_ad_account", "advertise"),
                ("mode", "user"),
                ("person", "ava@agency.example"),
                ("expiry_days", "14"),
                ("single_use", "1"),
                ("message", ""),
                ("delivery", "link"),
            ],
        )
        .await;
    let at = r.body.find("value=\"http").unwrap() + 7;
    let link = path_of(r.body[at..].split('"').next().unwrap());
    approve_as(
        app,
        &link,
        "9100000000000001",
        &["1100000000000031", "act_2200000031"],
    )
    .await;
    link
}

async fn statuses(app: &TestApp) -> Vec<(String, String, String, Option<i64>)> {
    sqlx::query_as("SELECT asset_id, mode, status, due_at FROM grants ORDER BY asset_id, mode")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

fn day(ts: i64) -> String {
    latchkey::clock::format_utc(ts)[..10].to_owned()
}

#[tokio::test]
async fn the_migration_rule_flags_user_grants_and_recomputes() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    // A partner grant on the pixel, which must stay untouched.
    let cid = client.to_string();
    let r = app
        .post_shown(
            "/requests",
            &[
                ("client_id", &cid),
                ("kind", "pixel"),
                ("level_pixel", "view"),
                ("mode", "partner"),
                ("expiry_days", "14"),
                ("single_use", "1"),
                ("message", ""),
                ("delivery", "link"),
            ],
        )
        .await;
    let at = r.body.find("value=\"http").unwrap() + 7;
    approve_as(
        &app,
        &path_of(r.body[at..].split('"').next().unwrap()),
        "9100000000000001",
        &["1900000000000031"],
    )
    .await;

    let now = app.clock.now();
    let d = now - now % DAY;
    let r = app
        .post(
            &format!("/clients/{client}/migration"),
            &[
                ("status", "migrating"),
                ("date", &day(d)),
                ("grace_days", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let s = statuses(&app).await;
    let user: Vec<_> = s.iter().filter(|g| g.1 == "user").collect();
    assert_eq!(user.len(), 2);
    assert!(
        user.iter()
            .all(|g| g.2 == "needs_reauth" && g.3 == Some(d + 30 * DAY))
    );
    let partner = s.iter().find(|g| g.1 == "partner").unwrap();
    assert_eq!(
        (partner.2.as_str(), partner.3),
        ("active", None),
        "partner grants are untouched"
    );
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body
            .contains("2</strong> grants need re-authorisation")
    );
    assert!(
        page.body.contains("Partner — survives migration")
            && page.body.contains("User-based — at risk")
    );
    // E-mails to the agency and the client.
    assert!(
        app.wait_for_emails("ava@agency.example", 1)
            .await
            .iter()
            .any(|m| m.subject.contains("need re-authorisation"))
    );
    assert!(
        app.wait_for_emails("casey@messy.example", 1)
            .await
            .iter()
            .any(|m| m.subject.contains("Please reconnect Demo Agency"))
    );
    // The queue.
    let queue = app.get("/reauth").await;
    assert!(queue.body.contains("Messy Co") && queue.body.contains("Messy Main Ads"));
    assert!(
        queue.body.contains(">29<") || queue.body.contains(">30<"),
        "days left shown"
    );

    // Without the organisation's deadline the due date is an estimate, and says so.
    assert!(
        page.body.contains("estimate") && page.body.contains("Ask the client"),
        "an estimate is labelled as one"
    );
    // The organisation's deadline, as the client told staff, replaces the estimate.
    let d2 = d + 10 * DAY;
    let deadline = d + 45 * DAY;
    app.post(
        &format!("/clients/{client}/migration"),
        &[
            ("status", "migrated"),
            ("date", &day(d2)),
            ("people_deadline", &day(deadline)),
            ("deadline_source", "client"),
        ],
    )
    .await;
    assert!(
        statuses(&app)
            .await
            .iter()
            .filter(|g| g.1 == "user")
            .all(|g| g.3 == Some(deadline))
    );
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body.contains("organisation set for people")
            && page.body.contains("the client, as told to staff"),
        "the basis and the source are shown"
    );
    // Clearing it restores them.
    app.post(
        &format!("/clients/{client}/migration"),
        &[
            ("status", "not_started"),
            ("date", ""),
            ("grace_days", "30"),
        ],
    )
    .await;
    assert!(
        statuses(&app)
            .await
            .iter()
            .all(|g| g.2 == "active" && g.3.is_none())
    );
    assert!(
        app.get("/reauth")
            .await
            .body
            .contains("Nothing to re-authorise")
    );
    // Bad input: the client's page again (422), what was typed kept, each error beside its
    // field, nothing stored.
    let before = statuses(&app).await;
    let r = app
        .post(
            &format!("/clients/{client}/migration"),
            &[("status", "migrating"), ("date", "")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("aria-describedby=\"m-date-error\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Give the day the move began, or the organisation&#39;s deadline")
    );
    assert!(r.body.contains("<option value=\"migrating\" selected>"));
    let r = app
        .post(
            &format!("/clients/{client}/migration"),
            &[("status", "gone"), ("date", "")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"m-status-error\""));
    let r = app
        .post(
            &format!("/clients/{client}/migration"),
            &[
                ("status", "migrated"),
                ("date", "31/01/2027"),
                ("people_deadline", "2027-02-28"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("&#34;31/01/2027&#34; is not a date"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"31/01/2027\""),
        "what was typed comes back"
    );
    assert!(r.body.contains("value=\"2027-02-28\""));
    assert!(r.body.contains("aria-invalid=\"true\""));
    assert_eq!(statuses(&app).await, before, "nothing stored");
    // The organisation's deadline without a start day is enough: the day only feeds an
    // estimate.
    let r = app
        .post(
            &format!("/clients/{client}/migration"),
            &[
                ("status", "migrating"),
                ("date", ""),
                ("people_deadline", "2027-03-31"),
                ("deadline_source", "client"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let log = app.get("/audit").await;
    assert!(log.body.contains("client.migration_set"));
}

#[tokio::test]
async fn reauthorisation_end_to_end_through_the_sandbox_migration_switch() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    let sandbox = app.sandbox.clone().unwrap();
    let now = app.clock.now();
    let d = now - now % DAY;
    app.post(
        &format!("/clients/{client}/migration"),
        &[
            ("status", "migrating"),
            ("date", &day(d)),
            ("grace_days", "30"),
        ],
    )
    .await;
    sandbox.set_migration(MESSY, Some(d));
    app.drain_outbox().await;

    // One click sends a partner request scoped to the flagged assets.
    let r = app.post(&format!("/clients/{client}/reauth"), &[]).await;
    assert!(
        r.location().unwrap().ends_with("?notice=reauth_sent"),
        "{}",
        r.body
    );
    let mail = app.wait_for_emails("casey@messy.example", 3).await;
    let access = mail
        .iter()
        .find(|m| m.subject.contains("reconnect your assets"))
        .expect("the re-authorisation link");
    let link = path_of(&link_in(&access.text, "/r/"));
    assert!(access.text.contains("Messy Main Ads"));

    // After the grace period the personal account no longer works; the work account does.
    app.clock.advance(31 * DAY);
    let done = approve_as(
        &app,
        &link,
        CASEY_WORK,
        &["1100000000000031", "act_2200000031"],
    )
    .await;
    assert!(done.contains("Done — thank you!"));
    let s = statuses(&app).await;
    let partner: Vec<_> = s.iter().filter(|g| g.1 == "partner").collect();
    assert_eq!(partner.len(), 2);
    assert!(partner.iter().all(|g| g.2 == "active"));
    let user: Vec<_> = s.iter().filter(|g| g.1 == "user").collect();
    assert!(user.iter().all(|g| g.2 == "replaced"), "{s:?}");
    // The picker offered exactly the flagged assets (nothing else was shared).
    assert_eq!(s.len(), 4);
    app.login("ava@agency.example", PASSWORD).await;
    assert!(
        app.get("/reauth")
            .await
            .body
            .contains("Nothing to re-authorise")
    );

    // In the sandbox the old user-based access is really gone; the partner shares remain.
    let agency_token = AccessToken(sandbox.issue_token("9100000000000003", &ALL, 3600));
    let shared = app
        .state
        .graph
        .business_assets(
            &agency_token,
            AGENCY_PORTFOLIO,
            AssetKind::AdAccount,
            Edge::Client,
        )
        .await
        .unwrap();
    assert!(shared.iter().any(|a| a.id == "act_2200000031"));
    let work = AccessToken(sandbox.issue_token(CASEY_WORK, &ALL, 3600));
    assert!(
        app.state
            .graph
            .assigned_users(&work, "act_2200000031", MESSY)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn deadline_reminders_at_seven_days_one_day_and_overdue() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    let now = app.clock.now();
    let d = now - now % DAY;
    app.post(
        &format!("/clients/{client}/migration"),
        &[
            ("status", "migrating"),
            ("date", &day(d)),
            ("grace_days", "30"),
        ],
    )
    .await;
    let due = d + 30 * DAY;
    app.drain_outbox().await;
    let count = |app: &TestApp, needle: &'static str| {
        app.emails_to("ava@agency.example")
            .iter()
            .filter(|m| m.subject.contains(needle))
            .count()
    };
    app.wait_for_emails("ava@agency.example", 1).await;
    let run = || latchkey::actions::migration::send_deadline_reminders(&app.state);

    assert_eq!(run().await.unwrap(), 0, "more than 7 days left");
    app.clock.advance(due - 7 * DAY + 60 - app.clock.now());
    assert_eq!(run().await.unwrap(), 1);
    app.drain_outbox().await;
    assert_eq!(run().await.unwrap(), 0, "each stage once");
    app.clock.advance(6 * DAY);
    assert_eq!(run().await.unwrap(), 1, "one day left");
    app.drain_outbox().await;
    app.clock.advance(DAY - 59);
    assert_eq!(
        run().await.unwrap(),
        0,
        "overdue, but not twice within 24 hours"
    );
    app.clock.advance(120);
    assert_eq!(run().await.unwrap(), 1);
    assert_eq!(run().await.unwrap(), 0);
    app.wait_for_emails("ava@agency.example", 5).await;
    let subjects: Vec<String> = app
        .emails_to("ava@agency.example")
        .iter()
        .map(|m| m.subject.clone())
        .collect();
    assert_eq!(
        (
            count(&app, "7 days left"),
            count(&app, "1 day left"),
            count(&app, "overdue")
        ),
        (1, 1, 1),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn another_agency_cannot_touch_migration_or_reauthorisation() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    app.post(
        &format!("/clients/{client}/migration"),
        &[
            ("status", "migrating"),
            ("date", "2026-12-01"),
            ("grace_days", "30"),
        ],
    )
    .await;
    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(&app);
    beta.login("boss@beta.test", PASSWORD).await;
    assert_eq!(
        beta.post(
            &format!("/clients/{client}/migration"),
            &[("status", "not_started"), ("date", "")]
        )
        .await
        .status,
        404
    );
    assert_eq!(
        beta.post(&format!("/clients/{client}/reauth"), &[])
            .await
            .status,
        404
    );
    let q = beta.get("/reauth").await;
    assert!(!q.body.contains("Messy"));
    assert!(
        statuses(&app)
            .await
            .iter()
            .filter(|g| g.1 == "user")
            .all(|g| g.2 == "needs_reauth")
    );
}

#[tokio::test]
async fn a_spanish_client_reads_the_re_authorisation_in_spanish_end_to_end() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    // The agency chose Spanish for this client on an earlier request (remembered).
    let cid = client.to_string();
    app.post_shown(
        "/requests",
        &[
            ("client_id", &cid),
            ("kind", "pixel"),
            ("level_pixel", "view"),
            ("mode", "partner"),
            ("expiry_days", "14"),
            ("single_use", "1"),
            ("message", ""),
            ("delivery", "link"),
            ("language", "es"),
        ],
    )
    .await;
    let now = app.clock.now();
    let r = app
        .post(
            &format!("/clients/{client}/migration"),
            &[
                ("status", "migrating"),
                ("date", &day(now - now % DAY)),
                ("people_deadline", &day(now - now % DAY + 20 * DAY)),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    app.drain_outbox().await;
    let r = app.post(&format!("/clients/{client}/reauth"), &[]).await;
    assert!(r.location().unwrap().ends_with("?notice=reauth_sent"));
    let mail = app.wait_for_emails("casey@messy.example", 2).await;
    let access = mail
        .iter()
        .find(|m| m.subject.contains("vuelve a conectar"))
        .unwrap_or_else(|| panic!("{:?}", mail.iter().map(|m| &m.subject).collect::<Vec<_>>()));
    assert_eq!(
        access.subject,
        "Mantén el acceso de Demo Agency: vuelve a conectar tus activos"
    );
    assert!(
        access.text.contains("cuentas de Meta administradas"),
        "{}",
        access.text
    );
    assert!(
        !access.text.contains("Your organisation"),
        "no English left"
    );
    let saved: Option<String> =
        sqlx::query_scalar("SELECT language FROM access_requests WHERE purpose = 'reauth'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        saved.as_deref(),
        Some("es"),
        "the request keeps the client's language"
    );
    // The page it opens agrees with the e-mail, whatever the browser says.
    let link = path_of(&link_in(&access.text, "/r/"));
    let page = spawn_client_of(&app)
        .get_with(&link, &[("accept-language", "en-GB")])
        .await;
    assert!(page.body.contains("<html lang=\"es\""), "{}", page.body);
    assert!(page.body.contains("Mantén el acceso de Demo Agency"));
    assert!(!page.body.contains("Your organisation is moving"));
}
