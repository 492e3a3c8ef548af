//! Replayed state, double submits, concurrent approvals of one link and a link expiring mid-flow.

use super::*;

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
