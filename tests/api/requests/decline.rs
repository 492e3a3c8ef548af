//! Declining with a reason, the access e-mail's sender, and times in the agency's zone.

use super::*;

#[tokio::test]
async fn a_client_can_decline_with_a_reason_and_the_agency_is_told() {
    let app = spawn_app().await;
    let client_id = ready(&app).await;
    let (id, link) = create_request(&app, client_id, &[("delivery", "link")]).await;
    let client = spawn_client_of(&app);
    let landing = client.get(&link).await;
    assert!(landing.body.contains(&format!("href=\"{link}/decline\"")));
    assert!(landing.body.contains("Not expecting this?"));
    let form = client.get(&format!("{link}/decline")).await;
    assert_eq!(form.status, 200);
    let token = crate::helpers::csrf_in(&form.body).expect("a CSRF token on the form");
    let too_long = "x".repeat(501);

    // Bad input is explained and records nothing.
    for (reason, note) in [("", ""), ("maybe", ""), ("not_now", too_long.as_str())] {
        let r = client
            .post_raw(
                &format!("{link}/decline"),
                &[("csrf", &token), ("reason", reason), ("note", note)],
            )
            .await;
        assert_eq!(r.status, 422, "{reason}");
        assert!(r.body.contains("Please check"));
    }
    // Without the form's CSRF token: refused.
    let r = client
        .post_raw(&format!("{link}/decline"), &[("reason", "not_now")])
        .await;
    assert_eq!(r.status, 403);
    let still_open: Option<i64> =
        sqlx::query_scalar("SELECT declined_at FROM access_requests WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(still_open.is_none());

    let r = client
        .post_raw(
            &format!("{link}/decline"),
            &[
                ("csrf", &token),
                ("reason", "not_now"),
                ("note", "We are restructuring; ask again in March."),
            ],
        )
        .await;
    // Post/Redirect/Get: the answer's page, which a reload only shows again.
    assert_eq!(r.location(), Some(format!("{link}/declined").as_str()));
    let r = client.get(&format!("{link}/declined")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Request declined") && r.body.contains("Nothing was shared"));
    // The link is closed, with the reason.
    let again = client.get(&link).await;
    assert_eq!(again.status, 410);
    assert!(again.body.contains("You declined this request"));
    assert!(client.get(&format!("{link}/start")).await.status >= 400);
    // The agency is told, on the request and by e-mail.
    let page = app.get(&format!("/requests/{id}")).await;
    assert!(page.body.contains("Declined by the client"));
    assert!(page.body.contains("ask again in March"));
    let mail = app.wait_for_emails("owner@acme.test", 1).await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "Bloom Bakery declined your access request"
                && m.text.contains("Not now")),
        "{:?}",
        mail.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert!(app.get("/audit").await.body.contains("request.declined"));
    assert!(
        app.get("/")
            .await
            .body
            .contains("1 request declined by the client in the last 30 days")
    );
    assert!(
        app.get("/requests?status=declined")
            .await
            .body
            .contains("Bloom Bakery")
    );

    // An e-mailed request declined before it was opened is never auto-reminded.
    let (_, emailed) = create_request(&app, client_id, &[]).await;
    let form = client.get(&format!("{emailed}/decline")).await;
    let token = crate::helpers::csrf_in(&form.body).unwrap();
    let r = client
        .post_raw(
            &format!("{emailed}/decline"),
            &[("csrf", &token), ("reason", "not_for_me"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, 303);
    app.clock.advance(4 * ONE_DAY);
    assert_eq!(
        latchkey::actions::reminders::send_auto_reminders(&app.state)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_access_e_mail_comes_from_the_agency_and_replies_go_to_the_sender() {
    let app = spawn_app().await;
    let client_id = ready(&app).await;
    create_request(&app, client_id, &[]).await;
    let mail = app.wait_for_emails("casey@bloom.test", 1).await;
    let raw = &mail[0].raw;
    let header = |name: &str| {
        raw.lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
            .unwrap_or("")
            .to_owned()
    };
    assert!(
        header("from").contains("Acme Digital"),
        "{}",
        header("from")
    );
    assert!(
        header("reply-to").contains("owner@acme.test"),
        "{}",
        header("reply-to")
    );
    assert!(mail[0].text.contains("Not expecting this?"));
}

#[tokio::test]
async fn staff_pages_show_moments_in_the_agency_s_time_zone() {
    let app = spawn_app().await;
    let client_id = ready(&app).await;
    let (id, _) = create_request(&app, client_id, &[("delivery", "link")]).await;
    let form = |zone: &'static str| {
        vec![
            ("name", "Acme Agency"),
            ("portfolio_id", "1000000001"),
            ("accent_color", "#aa3366"),
            ("reminder_days", "3"),
            ("display_name", "Acme Digital"),
            ("default_expiry_days", "14"),
            ("default_level", "manage"),
            ("time_zone", zone),
        ]
    };
    // Bad input: explained, nothing saved.
    let r = app.post("/settings", &form("Mars/Olympus_Mons")).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Choose a time zone from the list"));
    assert!(
        app.get(&format!("/requests/{id}"))
            .await
            .body
            .contains(" UTC")
    );
    let r = app.post("/settings", &form("America/New_York")).await;
    assert_eq!(r.location(), Some("/settings?notice=saved"), "{}", r.body);
    let page = app.get(&format!("/requests/{id}")).await.body;
    let created: i64 = sqlx::query_scalar("SELECT created_at FROM access_requests WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(
        page.contains(&latchkey::clock::format_in(created, "America/New_York")),
        "{page}"
    );
    assert!(page.contains(" EST") || page.contains(" EDT"));
}
