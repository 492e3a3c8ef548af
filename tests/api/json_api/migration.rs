//! The migration record and the one-click fix over the API, and each key's rate limit.

use super::*;

#[tokio::test]
async fn the_migration_record_and_the_fix_over_the_api() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let w = key(&app, "writer", "write").await;
    let api = Api::new(&app, &w).await;
    let path = format!("/api/v1/clients/{client_id}/migration");
    let none = api.get(&path).await;
    assert_eq!(none.body["status"], "not_started", "{}", none.text);
    let bad = api
        .call(
            Method::PUT,
            &path,
            Some(json!({"status": "moving", "since": "soon"})),
            None,
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    // A user-based grant recorded by hand, then the move.
    record_user_grant(&app, client_id).await;
    let set = api
        .call(
            Method::PUT,
            &path,
            Some(json!({"status": "migrating", "since": "2026-11-01", "people_deadline": "2027-01-31"})),
            None,
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.body["flagged"], 1);
    assert_eq!(set.body["migration"]["due_on"], "2027-01-31");
    assert_eq!(set.body["migration"]["due_basis"], "organisation");
    let queue = api.get("/api/v1/reauth").await;
    assert_eq!(
        queue.body["data"][0]["status"], "needs_reauth",
        "{}",
        queue.text
    );
    let fix = api
        .call(
            Method::POST,
            &format!("/api/v1/clients/{client_id}/reauth"),
            Some(json!({})),
            Some("fix-1"),
        )
        .await;
    assert_eq!(fix.status, 201, "{}", fix.text);
    let again = api
        .call(
            Method::POST,
            &format!("/api/v1/clients/{client_id}/reauth"),
            Some(json!({})),
            Some("fix-1"),
        )
        .await;
    assert_eq!(again.body["request_id"], fix.body["request_id"]);
    let reauths: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM access_requests WHERE purpose = 'reauth'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(reauths, 1, "a retried fix sends one link");
}

#[tokio::test]
async fn each_key_is_rate_limited_and_told_when_to_come_back() {
    let app = spawn_app().await;
    agency(&app).await;
    let k = key(&app, "busy", "read").await;
    let api = Api::new(&app, &k).await;
    // The first second of a fresh window, so the requests below stay in one.
    app.clock.advance(61 - app.clock.now().rem_euclid(60));
    let first = api.get("/api/v1/reauth").await;
    assert!(
        first
            .headers
            .get("ratelimit-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("q=600")
    );
    let mut last = first;
    for _ in 0..600 {
        last = api.get("/api/v1/reauth").await;
        if last.status == 429 {
            break;
        }
    }
    assert_eq!(last.status, 429, "{}", last.text);
    assert_eq!(last.body["type"], "urn:latchkey:problem:rate-limited");
    let wait: i64 = last.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    assert!(last.headers["ratelimit"].to_str().unwrap().contains("r=0"));
    // Another key is not slowed by this one.
    let other = key(&app, "calm", "read").await;
    assert_eq!(
        Api::new(&app, &other)
            .await
            .get("/api/v1/reauth")
            .await
            .status,
        200
    );
    // The window passes: the key works again.
    app.clock.advance(61);
    assert_eq!(api.get("/api/v1/reauth").await.status, 200);
}
