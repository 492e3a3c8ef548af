//! A request's life told to webhooks, and the endpoint limit.

use super::*;

/// The type and data of each delivery the receiver got, in order.
fn events_of(r: &Receiver) -> Vec<(String, Value)> {
    r.got
        .lock()
        .unwrap()
        .iter()
        .map(|g| {
            let v: Value = serde_json::from_str(&g.body).unwrap();
            (v["type"].as_str().unwrap().to_owned(), v["data"].clone())
        })
        .collect()
}

#[tokio::test]
async fn a_request_s_life_is_told_created_declined_expired() {
    let app = spawn_app().await;
    let (client_id, api_key) = agency_with_key(&app, "write").await;
    let api = Api::new(&app, &api_key).await;
    let addr = free_port();
    let r = new_receiver();
    let _server = receiver_on(addr, r.clone()).await;
    let (_, secret) = endpoint(
        &api,
        &format!("http://{addr}/hook"),
        json!(["request.created", "request.declined", "request.expired"]),
    )
    .await;
    let ask = |days: i64| {
        json!({"client_id": client_id, "asks": [{"kind": "page", "level": "view"}],
               "mode": "partner", "delivery": "link", "expiry_days": days})
    };
    let declined = api.post("/api/v1/requests", ask(14)).await;
    assert_eq!(declined.status, 201, "{}", declined.text);
    let expiring = api.post("/api/v1/requests", ask(1)).await;
    assert_eq!(expiring.status, 201, "{}", expiring.text);
    let (declined_id, expiring_id) = (
        declined.body["request"]["id"].as_i64().unwrap(),
        expiring.body["request"]["id"].as_i64().unwrap(),
    );

    // The client declines in their browser, with a reason.
    let link = crate::helpers::path_of(declined.body["link"].as_str().unwrap());
    let client = spawn_client_of(&app);
    let form = client.get(&format!("{link}/decline")).await;
    let token = crate::helpers::csrf_in(&form.body).unwrap();
    let said = client
        .post_raw(
            &format!("{link}/decline"),
            &[("csrf", &token), ("reason", "not_now"), ("note", "March")],
        )
        .await;
    assert_eq!(said.status, 303, "{}", said.body);

    // Deliver what is due before the clock jumps, so no send in flight looks abandoned.
    deliver(&app).await;
    // Two days on, the other link has expired unanswered: told once, however often the
    // job runs.
    app.clock.advance(2 * 86_400);
    assert_eq!(
        latchkey::actions::reminders::note_expired(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        latchkey::actions::reminders::note_expired(&app.state)
            .await
            .unwrap(),
        0
    );
    deliver(&app).await;
    let events = events_of(&r);
    let of = |t: &str| -> Vec<&Value> {
        events
            .iter()
            .filter(|(k, _)| k == t)
            .map(|(_, d)| d)
            .collect()
    };
    assert_eq!(of("request.created").len(), 2, "{events:?}");
    assert!(
        of("request.created")
            .iter()
            .all(|d| d["client_id"] == client_id)
    );
    let no = of("request.declined");
    assert_eq!(no.len(), 1, "{events:?}");
    assert_eq!(
        (
            no[0]["request_id"].as_i64(),
            no[0]["reason"].as_str(),
            no[0]["note"].as_str()
        ),
        (Some(declined_id), Some("not_now"), Some("March"))
    );
    let gone = of("request.expired");
    assert_eq!(
        gone.len(),
        1,
        "the declined one is not 'expired': {events:?}"
    );
    assert_eq!(gone[0]["request_id"].as_i64(), Some(expiring_id));
    assert!(r.got.lock().unwrap().iter().all(|g| verifies(&secret, g)));
}

#[tokio::test]
async fn an_agency_may_have_twenty_endpoints() {
    let app = spawn_app().await;
    let (_, k) = crate::json_api::agency_with_key(&app, "write").await;
    let api = Api::new(&app, &k).await;
    for n in 0..20 {
        let r = api
            .post(
                "/api/v1/webhooks",
                json!({"url": format!("https://hooks.example.com/{n}")}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = api
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.com/21"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.text.contains("An agency may have 20 endpoints"),
        "{}",
        r.text
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 20, "nothing more made");
}
