//! Managed Meta accounts, told truthfully: the organisation's deadline, lapsing at it,
//! flags nobody but staff clears, `replaced` only on confirmed partner access, and signals
//! read from Meta that staff accept with one click. Time moves on the app's clock.

use meta_sandbox::world::{AGENCY_PORTFOLIO, MESSY};

use crate::helpers::{PASSWORD, TestApp, approve_as, path_of, spawn_app};

const DAY: i64 = 86_400;
const CASEY: &str = "9100000000000001";

async fn agency(app: &TestApp) -> i64 {
    app.setup_demo_agency().await;
    app.create_client("Messy Co", "casey@messy.example").await
}

/// A request for the Messy Page and ad account, handed over as a link.
async fn request(app: &TestApp, client: i64, mode: &str) -> String {
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
                ("mode", mode),
                ("person", "ava@agency.example"),
                ("expiry_days", "14"),
                ("single_use", "1"),
                ("message", ""),
                ("delivery", "link"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("value=\"http").unwrap() + 7;
    path_of(r.body[at..].split('"').next().unwrap())
}

async fn user_grants(app: &TestApp, client: i64) {
    let link = request(app, client, "user").await;
    approve_as(app, &link, CASEY, &["1100000000000031", "act_2200000031"]).await;
}

/// (asset, status, due) of the user-based grants.
async fn user_statuses(app: &TestApp) -> Vec<(String, String, Option<i64>)> {
    sqlx::query_as(
        "SELECT asset_id, status, due_at FROM grants WHERE mode = 'user' ORDER BY asset_id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

fn day(ts: i64) -> String {
    latchkey::clock::format_utc(ts)[..10].to_owned()
}

async fn record(app: &TestApp, client: i64, form: &[(&str, &str)]) {
    let r = app
        .post(&format!("/clients/{client}/migration"), form)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

#[tokio::test]
async fn at_the_organisation_s_deadline_flags_lapse_and_access_found_again_moves_them_back() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    let now = app.clock.now();
    let deadline = now - now % DAY + 10 * DAY;
    // Invited, with the organisation's deadline: due then, not "move + 30 days".
    record(
        &app,
        client,
        &[
            ("status", "invited"),
            ("people_deadline", &day(deadline)),
            ("deadline_source", "client"),
            ("activated_on", &day(deadline - 20 * DAY)),
        ],
    )
    .await;
    let page = app.get(&format!("/clients/{client}")).await.body;
    assert!(
        page.contains(&format!(
            "Integrations authorised through a person's own login stop <strong>{}</strong>",
            latchkey::clock::format_day(deadline + 10 * DAY)
        )),
        "activation + 30 days, for integrations only: {}",
        &page[page.find("Integrations").unwrap_or(0)..][..300]
    );
    assert!(
        user_statuses(&app)
            .await
            .iter()
            .all(|g| g.1 == "needs_reauth" && g.2 == Some(deadline))
    );
    let lapse = || latchkey::actions::migration::lapse_overdue(&app.state);
    assert_eq!(lapse().await.unwrap(), 0, "not yet");
    app.clock.advance(deadline - app.clock.now() + 1);
    assert_eq!(lapse().await.unwrap(), 2);
    assert_eq!(lapse().await.unwrap(), 0, "each grant lapses once");
    assert!(user_statuses(&app).await.iter().all(|g| g.1 == "lapsed"));
    let mail = app.wait_for_emails("ava@agency.example", 1).await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "Access presumed lost: Messy Co"
                && m.text.contains("Messy Main Ads")),
        "{:?}",
        mail.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    // Ten days on, the staff session has ended: log in again.
    app.login("ava@agency.example", PASSWORD).await;
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body
            .contains("<strong>2</strong> grants have lapsed at the deadline"),
        "{}",
        page.body
    );
    // Lapsed grants are at risk, and the one-click fix is offered for them.
    assert!(
        page.body.contains("Send re-authorisation link") && !page.body.contains("Nothing at risk"),
        "{}",
        page.body
    );
    assert!(app.get("/audit").await.body.contains("grants.lapsed"));
    // The dashboard says what to do, with a link to the filtered list.
    let home = app.get("/").await.body;
    assert!(
        home.contains(
            "href=\"/reauth?status=lapsed\">2 grants lapsed at a client&#39;s migration deadline"
        ) || home.contains(
            "href=\"/reauth?status=lapsed\">2 grants lapsed at a client&#x27;s migration deadline"
        ),
        "{home}"
    );
    // The radar counts them and lists them on their own tab.
    let radar = app.get("/reauth").await.body;
    assert!(
        radar.contains("0 need re-authorisation") && radar.contains("2 lapsed"),
        "{radar}"
    );
    let tab = app.get("/reauth?status=lapsed").await.body;
    assert!(
        tab.contains("Messy Main Ads") && tab.contains(">Lapsed<"),
        "{tab}"
    );

    // A later approval through the client's login still finds the access: flagged again
    // (the deadline stands), not lapsed and not cleared.
    user_grants(&app, client).await;
    assert!(
        user_statuses(&app)
            .await
            .iter()
            .all(|g| g.1 == "needs_reauth" && g.2 == Some(deadline)),
        "{:?}",
        user_statuses(&app).await
    );
}

#[tokio::test]
async fn only_staff_clear_a_flag_a_user_mode_reapproval_does_not() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    let now = app.clock.now();
    let d = now - now % DAY;
    record(&app, client, &[("status", "migrating"), ("date", &day(d))]).await;
    let flagged = user_statuses(&app).await;
    assert!(
        flagged
            .iter()
            .all(|g| g.1 == "needs_reauth" && g.2 == Some(d + 30 * DAY)),
        "no deadline known: the estimate, move + 30 days"
    );
    // Human words: statuses as labels, deadlines as days, plurals.
    let page = app.get(&format!("/clients/{client}")).await.body;
    assert!(page.contains(">Needs re-authorisation<"), "{page}");
    assert!(page.contains("<strong>2</strong> grants need re-authorisation"));
    assert!(page.contains(&format!(
        "due {}",
        latchkey::clock::format_day(d + 30 * DAY)
    )));
    // The menu counts them.
    assert!(
        page.contains(
            "Re-authorisation <span class=\"count warn\">2<span class=\"sr-only\"> at risk</span>"
        ),
        "{page}"
    );
    let book = app.get("/grants").await.body;
    assert!(book.contains(">Needs re-authorisation<") && !book.contains(">needs_reauth<"));
    // The radar across the book: sortable, as CSV, with the basis.
    let csv = app.get("/reauth.csv").await;
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        csv.body
            .starts_with("client_id,client,asset,platform,kind,through,status,deadline,basis\n")
    );
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    assert!(csv.body.contains("Messy Main Ads") && csv.body.contains(",estimate"));
    let by_asset = app.get("/reauth?sort=asset").await.body;
    assert!(by_asset.find("Messy Co</strong>").unwrap() < by_asset.find("Messy Main Ads").unwrap());
    // The printable report for the client, and the one link that fixes it.
    let report = app
        .get(&format!("/clients/{client}/migration-report"))
        .await
        .body;
    assert!(report.contains("What is at risk") && report.contains("Messy Main Ads"));
    assert!(!report.contains("/r/lkr_"), "no link until staff make one");
    let (shown_at, made) = app
        .post_shown_at(&format!("/clients/{client}/migration-report"), &[])
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    assert!(
        made.body.contains("What is at risk"),
        "the report, with the link in it"
    );
    let at = made.body.find("href=\"http").expect("the fix link") + 6;
    let link = crate::helpers::path_of(made.body[at..].split('"').next().unwrap());
    assert!(link.starts_with("/r/"));
    // A reload makes no second link.
    assert!(!app.get(&shown_at).await.body.contains("/r/lkr_"));
    let made_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM access_requests WHERE purpose = 'reauth'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(made_count, 1);
    // It explains itself to the client and names the assets.
    let landing = crate::helpers::spawn_client_of(&app).get(&link).await.body;
    assert!(landing.contains("What is changing at Meta"), "{landing}");
    assert!(
        landing.contains("Messy Main Ads (Ad account)")
            && landing.contains("Messy Co (Facebook Page)")
    );
    assert!(landing.contains("survives the move"));
    // The client re-approves user access through a personal account: still due.
    user_grants(&app, client).await;
    assert_eq!(user_statuses(&app).await, flagged);
    // Staff say the move is off: cleared.
    record(&app, client, &[("status", "not_started")]).await;
    assert!(
        user_statuses(&app)
            .await
            .iter()
            .all(|g| g.1 == "active" && g.2.is_none())
    );
}

#[tokio::test]
async fn replaced_only_once_meta_confirms_the_partner_grant() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    // A partner grant on the Page that Meta has not confirmed yet.
    let agency_id: i64 = sqlx::query_scalar("SELECT id FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO grants (agency_id, client_id, kind, asset_id, asset_name, mode, grantee, tasks,
                status, status_reason, approved_by_name, approved_by_id, created_at, updated_at)
         VALUES ($1, $2, 'page', '1100000000000031', 'Messy Co', 'partner', $3, 'MANAGE',
                 'pending', '', 'Casey Client', '1', 0, 0)",
    )
    .bind(agency_id)
    .bind(client)
    .bind(AGENCY_PORTFOLIO)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let now = app.clock.now();
    let d = now - now % DAY;
    record(&app, client, &[("status", "migrating"), ("date", &day(d))]).await;
    assert!(
        user_statuses(&app)
            .await
            .iter()
            .all(|g| g.1 == "needs_reauth"),
        "a pending partner share covers nobody yet"
    );
    // Confirmed by read-back: now it covers the Page's user grant.
    sqlx::query("UPDATE grants SET status = 'active', verified_at = 1 WHERE mode = 'partner'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    record(&app, client, &[("status", "migrating"), ("date", &day(d))]).await;
    let s = user_statuses(&app).await;
    assert_eq!(
        s.iter()
            .map(|g| (g.0.as_str(), g.1.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("1100000000000031", "replaced"),
            ("act_2200000031", "needs_reauth")
        ]
    );
}

#[tokio::test]
async fn the_sandbox_migration_switch_produces_a_signal_staff_accept_with_one_click() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    let sandbox = app.sandbox.clone().unwrap();
    let now = app.clock.now();
    sandbox.set_migration(MESSY, Some(now - now % DAY));
    app.drain_outbox().await;
    // Any approval in the client's portfolio reads its people with the client's token.
    let link = request(&app, client, "partner").await;
    approve_as(&app, &link, CASEY, &["act_2200000031"]).await;
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body.contains("Signal from Meta")
            && page
                .body
                .contains("Meta lists 4 of 4 people in Messy Co on managed work accounts"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Now: <strong>Not started</strong>"),
        "the record is unchanged"
    );
    assert!(
        user_statuses(&app)
            .await
            .iter()
            .all(|g| g.1 != "needs_reauth"),
        "a signal flags nothing by itself"
    );
    let mail = app.wait_for_emails("ava@agency.example", 1).await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "Messy Co may be moving to managed Meta accounts")
    );
    let signal: i64 = sqlx::query_scalar("SELECT id FROM migration_signals ORDER BY id DESC")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let sid = signal.to_string();
    // Bad input loses nothing.
    let r = app
        .post(
            &format!("/clients/{client}/signal"),
            &[("signal", sid.as_str()), ("decision", "maybe")],
        )
        .await;
    assert_eq!(r.status, 400);
    let r = app
        .post(
            &format!("/clients/{client}/signal"),
            &[("signal", sid.as_str()), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(page.body.contains("Migrating since"), "{}", page.body);
    assert!(page.body.contains("a signal from Meta, accepted by staff"));
    assert!(
        !page.body.contains("Signal from Meta:"),
        "the signal is closed"
    );
    // The ad account is partner-shared and confirmed now; the Page's user grant is flagged.
    let s = user_statuses(&app).await;
    assert_eq!(
        s.iter()
            .map(|g| (g.0.as_str(), g.1.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("1100000000000031", "needs_reauth"),
            ("act_2200000031", "replaced")
        ]
    );
    // Accepting twice is not possible.
    let r = app
        .post(
            &format!("/clients/{client}/signal"),
            &[("signal", sid.as_str()), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn partner_assets_are_assigned_inside_the_agency_and_say_who_can_use_them() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    // Without the agency's Meta connection: the page says what to do by hand.
    let link = request(&app, client, "partner").await;
    approve_as(&app, &link, CASEY, &["act_2200000031"]).await;
    let page = app.get(&format!("/clients/{client}")).await.body;
    assert!(
        page.contains("Nobody at your agency is assigned to it yet")
            && page.contains("Accounts → Ad accounts"),
        "{page}"
    );

    // Connected: the system user and the staff the request named are assigned, read back.
    app.post("/settings/meta/sandbox", &[]).await;
    let link = request(&app, client, "partner").await;
    approve_as(&app, &link, CASEY, &["1100000000000031"]).await;
    let usable: String = sqlx::query_scalar(
        "SELECT usable_by FROM grants WHERE asset_id = '1100000000000031' AND mode = 'partner'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(
        usable.contains("Demo Agency System User") && usable.contains("Ava Agency"),
        "{usable}"
    );
    let world = app.sandbox.as_ref().unwrap().world();
    let share = world
        .shares
        .iter()
        .find(|s| s.asset_id == "1100000000000031" && s.business_id == AGENCY_PORTFOLIO)
        .unwrap();
    let assigned: Vec<_> = world
        .assignments
        .iter()
        .filter(|a| a.asset_id == "1100000000000031")
        .filter(|a| {
            world
                .member_by_bsuid(&a.bsuid)
                .is_some_and(|m| m.business_id == AGENCY_PORTFOLIO)
        })
        .collect();
    assert_eq!(assigned.len(), 2, "{assigned:?}");
    assert!(
        assigned
            .iter()
            .all(|a| a.tasks.iter().all(|t| share.tasks.contains(t))),
        "within what the client permitted"
    );
    let page = app.get(&format!("/clients/{client}")).await.body;
    assert!(
        page.contains("Usable at the agency by Ava Agency, Demo Agency System User")
            || page.contains("Usable at the agency by Demo Agency System User, Ava Agency"),
        "{page}"
    );
}

#[tokio::test]
async fn once_staff_recorded_the_move_a_signal_no_longer_asks_to_mark_it() {
    let app = spawn_app().await;
    let client = agency(&app).await;
    user_grants(&app, client).await;
    let now = app.clock.now();
    record(
        &app,
        client,
        &[("status", "migrating"), ("date", &day(now - now % DAY))],
    )
    .await;
    let sandbox = app.sandbox.clone().unwrap();
    sandbox.set_migration(MESSY, Some(now - now % DAY));
    let link = request(&app, client, "partner").await;
    approve_as(&app, &link, CASEY, &["act_2200000031"]).await;
    let page = app.get(&format!("/clients/{client}")).await.body;
    assert!(page.contains("Signal from Meta"), "{page}");
    assert!(
        !page.contains("Accept: mark as migrating") && page.contains(">Dismiss</button>"),
        "{page}"
    );
}
