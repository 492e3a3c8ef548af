//! The OpenAPI document, and every operation with an id is 404 for another agency's key.

use super::*;

#[tokio::test]
async fn the_openapi_document_is_3_1_and_generated_from_the_code() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let ops: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(ops, 28, "every operation the router serves is documented");
    // Unknown endpoints answer in the API's own words.
    let r = reqwest::get(format!("{}/api/v1/nothing-here", app.base))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn every_operation_with_an_id_is_404_for_another_agency_s_key() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let w = key(&app, "writer", "write").await;
    let api = Api::new(&app, &w).await;
    // One of each of agency A's objects.
    let made = api
        .post(
            "/api/v1/requests",
            json!({"client_id": client_id, "asks": [{"kind": "page", "level": "view"}], "mode": "partner", "delivery": "link"}),
        )
        .await;
    let request_id = made.body["request"]["id"].as_i64().unwrap();
    let hook = api
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.com/a"}),
        )
        .await;
    let hook_id = hook.body["endpoint"]["id"].as_i64().unwrap();
    record_user_grant(&app, client_id).await;
    let grant_id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM grants")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    api.call(
        Method::PUT,
        &format!("/api/v1/clients/{client_id}/migration"),
        Some(json!({"status": "invited"})),
        None,
    )
    .await;
    let delivery_id: i64 =
        sqlx::query_scalar("SELECT COALESCE(MIN(id), 1) FROM webhook_deliveries")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();

    let beta_key = other_agency_key(&app).await;
    let beta = Api::new(&app, &beta_key).await;

    let mut checked = 0;
    let paths = api.doc["paths"].as_object().unwrap().clone();
    for (template, item) in &paths {
        if !template.contains("{id}") {
            continue;
        }
        let id = if template.starts_with("/api/v1/clients") {
            client_id
        } else if template.starts_with("/api/v1/requests") {
            request_id
        } else if template.starts_with("/api/v1/grants") {
            grant_id
        } else {
            hook_id
        };
        let path = template
            .replace("{id}", &id.to_string())
            .replace("{delivery_id}", &delivery_id.to_string());
        for method in item.as_object().unwrap().keys() {
            let body = match (method.as_str(), template.as_str()) {
                ("put", _) => Some(json!({"status": "invited"})),
                ("patch", _) | ("post", _) => Some(json!({})),
                _ => None,
            };
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let a = beta.call(m, &path, body, None).await;
            assert_eq!(
                a.status, 404,
                "{method} {path} with another agency's key: {}",
                a.text
            );
            checked += 1;
        }
    }
    assert!(checked >= 18, "{checked} operations checked");
    // Nothing of A's changed.
    let still = api.get(&format!("/api/v1/webhooks/{hook_id}")).await;
    assert_eq!(still.body["enabled"], true);
    let r = api.get(&format!("/api/v1/requests/{request_id}")).await;
    assert_ne!(r.body["request"]["status"], "revoked");
}
