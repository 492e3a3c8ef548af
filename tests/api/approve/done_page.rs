//! The client's done page: their migration statement, an outage or a partial failure retried from it.

use super::*;

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

    // Rate-limited: five statements, then wait (the clock stands still, so a slow machine
    // cannot let the first delay run out between two posts).
    app.clock.freeze();
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
