//! Problem documents, an idempotency key whose request never answered, one rate limit across processes.

use super::*;

#[tokio::test]
async fn every_api_error_is_a_problem_document() {
    let app = spawn_app().await;
    let (client_id, w) = agency_with_key(&app, "write").await;
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", app.base);
    let problem = |r: &reqwest::Response| {
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    // An id that is not a number.
    let r = http
        .get(url("/api/v1/clients/abc"))
        .bearer_auth(&w)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(problem(&r), "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["type"], "urn:latchkey:problem:malformed");
    // A method the path does not take.
    let r = http
        .delete(url("/api/v1/clients"))
        .bearer_auth(&w)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(problem(&r), "application/problem+json");
    assert!(r.headers().get("allow").is_some());
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["type"], "urn:latchkey:problem:method-not-allowed");
    // A body over the limit.
    let big = json!({"name": "x".repeat(100_000), "contact_email": "a@b.example"});
    let r = http
        .post(url("/api/v1/clients"))
        .bearer_auth(&w)
        .json(&big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    assert_eq!(problem(&r), "application/problem+json");
    // A path the API does not have.
    let r = http
        .get(url(&format!("/api/v1/clients/{client_id}/nothing-here")))
        .bearer_auth(&w)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(problem(&r), "application/problem+json");
    // The web pages keep their HTML error pages.
    let r = http.get(url("/clients/abc")).send().await.unwrap();
    assert!(problem(&r).starts_with("text/html"));
}

#[tokio::test]
async fn an_idempotency_key_whose_request_never_answered_frees_itself() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let w = key(&app, "writer", "write").await;
    let api = Api::new(&app, &w).await;
    let body = json!({"client_id": client_id, "asks": [{"kind": "page", "level": "view"}],
                      "mode": "partner", "delivery": "link"});
    // A first attempt claimed the key and its process died before answering: the claim is
    // there with no answer (what a kill -9 leaves), and nothing was made.
    let other = json!({"client_id": client_id, "asks": [{"kind": "page", "level": "view"}],
                       "mode": "partner", "delivery": "link"});
    let r = api
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(other),
            Some("lost-1"),
        )
        .await;
    assert_eq!(r.status, 201);
    let now = app.clock.now();
    sqlx::query("UPDATE api_idempotency SET status = NULL, body = NULL, lease_until = $1")
        .bind(now + 30)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM request_events")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM access_requests")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    // While its lease runs, a retry is told to wait, briefly.
    let early = api
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(body.clone()),
            Some("lost-1"),
        )
        .await;
    assert_eq!(early.status, 409, "{}", early.text);
    assert_eq!(early.headers.get("retry-after").unwrap(), "1");
    // After it, the retry runs — not a day later.
    app.clock.advance(31);
    let retried = api
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(body.clone()),
            Some("lost-1"),
        )
        .await;
    assert_eq!(retried.status, 201, "{}", retried.text);
    // And from then on it is answered, once.
    let again = api
        .call(Method::POST, "/api/v1/requests", Some(body), Some("lost-1"))
        .await;
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn the_rate_limit_is_one_count_across_processes() {
    // Two app processes on one database (and one key file), as behind a load balancer.
    let settings = test_settings().await;
    let a = spawn_with(settings.clone()).await;
    let b = spawn_with(settings).await;
    agency(&a).await;
    let k = key(&a, "shared", "read").await;
    let (via_a, via_b) = (Api::new(&a, &k).await, Api::new(&b, &k).await);
    // Both at the first second of a fresh window, so the 600 requests stay in one.
    for app in [&a, &b] {
        app.clock.advance(61 - app.clock.now().rem_euclid(60));
    }
    for i in 0..600 {
        let api = if i % 2 == 0 { &via_a } else { &via_b };
        let r = api.get("/api/v1/reauth").await;
        assert_eq!(r.status, 200, "request {i}: {}", r.text);
    }
    // 600 in the window between them: each process now refuses.
    assert_eq!(via_a.get("/api/v1/reauth").await.status, 429);
    assert_eq!(via_b.get("/api/v1/reauth").await.status, 429);
}
