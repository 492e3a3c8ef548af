//! What a link view, a hand record and a logo removal write, and no more.

use super::*;

#[tokio::test]
async fn link_views_write_a_bounded_number_of_rows() {
    let app = spawn_app().await;
    setup(&app).await;
    let client = app.create_client("Bloom Bakery", "casey@bloom.test").await;
    let link = link_request(&app, client, "page", true).await;
    let rows = |table: &'static str| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM {table}"
            )))
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let http = reqwest::Client::new();
    let url = format!("{}{link}", app.base);
    // A mail scanner and a chat preview prefetch it; HEAD probes it: nothing is recorded.
    for ua in [
        "Mozilla/5.0 (compatible; Microsoft Office/16.0; SafeLinks)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
    ] {
        let r = http
            .get(&url)
            .header("user-agent", ua)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{ua}: the page is still shown");
    }
    let r = http
        .get(&url)
        .header("user-agent", BROWSER_UA)
        .header("sec-purpose", "prefetch")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .head(&url)
        .header("user-agent", BROWSER_UA)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let before = (
        rows("request_events").await,
        rows("audit_log").await,
        rows("link_visits").await,
        rows("outbox").await,
    );
    let opened: Option<i64> = sqlx::query_scalar("SELECT first_opened_at FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(opened, None, "no person opened it yet");

    // A person opens it 1,000 times.
    for _ in 0..1000 {
        let r = http
            .get(&url)
            .header("user-agent", BROWSER_UA)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let after = (
        rows("request_events").await,
        rows("audit_log").await,
        rows("link_visits").await,
        rows("outbox").await,
    );
    assert_eq!(after.0 - before.0, 1, "one 'opened' event");
    assert_eq!(after.1 - before.1, 1, "one audit entry");
    assert_eq!(after.2 - before.2, 1, "one visit row");
    assert_eq!(
        after.3 - before.3,
        1,
        "one 'opened' e-mail to the one staff member"
    );
    let opened: Option<i64> = sqlx::query_scalar("SELECT first_opened_at FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(opened.is_some());
}

#[tokio::test]
async fn hand_records_never_overwrite_an_approved_grant_or_another_clients() {
    let app = spawn_app().await;
    app.setup_demo_agency().await;
    let messy = app.create_client("Messy Co", "casey@messy.test").await;
    let other = app.create_client("Other Co", "olly@other.test").await;
    let link = link_request(&app, messy, "pixel", true).await;
    crate::helpers::approve_as(&app, &link, "9100000000000001", &["1900000000000031"]).await;
    let approved = || async {
        sqlx::query_as::<_, (i64, Option<i64>, String, String)>(
            "SELECT client_id, request_id, asset_name, status FROM grants WHERE asset_id = '1900000000000031' AND mode = 'partner'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
    };
    let before = approved().await;
    assert!(before.1.is_some(), "approved through Latchkey");

    // The same asset, mode and grantee by hand, on the same client and on another: refused
    // per row, the rest of the file imported.
    let csv = "kind,asset_id,asset_name,mode,person\r\npixel,1900000000000031,Hand-typed,partner,\r\npage,1100000000000077,Fine Page,user,ana@agency.example\r\n";
    let (status, body) = app.upload_grants_csv(messy, csv).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("already recorded from a client"), "{body}");
    assert!(
        body.contains("1 row") || body.contains("Imported 1"),
        "{body}"
    );
    let (status, body) = app.upload_grants_csv(other, csv).await;
    assert_eq!(status, 422);
    assert!(body.contains("already recorded"), "{body}");
    assert_eq!(approved().await, before, "the approved grant is untouched");

    // A hand record of one client is not taken over by another client's record.
    let r = app
        .post(
            &format!("/clients/{other}/grants"),
            &[
                ("kind", "page"),
                ("asset_id", "1100000000000077"),
                ("asset_name", "Renamed"),
                ("mode", "user"),
                ("person", "ana@agency.example"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("already recorded for another client"),
        "{}",
        r.body
    );
    let (client_id, name): (i64, String) = sqlx::query_as(
        "SELECT client_id, asset_name FROM grants WHERE asset_id = '1100000000000077'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!((client_id, name.as_str()), (messy, "Fine Page"));
}

#[tokio::test]
async fn removing_the_logo_is_audited() {
    let app = spawn_app().await;
    setup(&app).await;
    let r = app.post("/settings/logo/remove", &[]).await;
    assert_eq!(r.status, 303);
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'settings.logo_removed' AND actor LIKE '%owner@acme.test%'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(n, 1);
}
