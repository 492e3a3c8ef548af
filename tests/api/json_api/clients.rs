//! Clients over the API, with the web form's rules; another agency's ids are 404.

use super::*;

#[tokio::test]
async fn clients_over_the_api_with_the_web_form_s_rules_and_foreign_ids_404() {
    let app = spawn_app().await;
    agency(&app).await;
    let w = key(&app, "writer", "write").await;
    let r = key(&app, "reader", "read").await;
    let api = Api::new(&app, &w).await;
    let reader = Api::new(&app, &r).await;

    // Bad input: unreadable JSON, an unknown field, a bad e-mail. Nothing is created.
    let garbled = api.call(Method::POST, "/api/v1/clients", None, None).await;
    assert_eq!(garbled.status, 400, "{}", garbled.text);
    assert_eq!(garbled.body["type"], "urn:latchkey:problem:malformed");
    let extra = api
        .post(
            "/api/v1/clients",
            json!({"name": "X", "contact_email": "x@x.test", "owner": "me"}),
        )
        .await;
    assert_eq!(extra.status, 400);
    let invalid = api
        .post(
            "/api/v1/clients",
            json!({"name": "", "contact_email": "nope"}),
        )
        .await;
    assert_eq!(invalid.status, 422, "{}", invalid.text);
    assert_eq!(invalid.body["type"], "urn:latchkey:problem:validation");
    assert!(invalid.body["errors"].as_array().unwrap().len() >= 2);
    let huge = api
        .post(
            "/api/v1/clients",
            json!({"name": "X", "contact_email": "x@x.test", "notes": "n".repeat(70_000)}),
        )
        .await;
    assert_eq!(huge.status, 413, "{}", huge.text);
    assert_eq!(huge.body["type"], "urn:latchkey:problem:too-large");
    let before = reader.get("/api/v1/clients").await;
    assert_eq!(
        before.body["data"].as_array().unwrap().len(),
        1,
        "only Messy Co"
    );
    // A read-only key cannot write.
    let refused = reader
        .post(
            "/api/v1/clients",
            json!({"name": "Y", "contact_email": "y@y.test"}),
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.body["type"],
        "urn:latchkey:problem:insufficient-scope"
    );

    for (name, email) in [("Acme", "a@acme.test"), ("Bravo", "b@bravo.test")] {
        let c = api
            .post(
                "/api/v1/clients",
                json!({"name": name, "contact_email": email}),
            )
            .await;
        assert_eq!(c.status, 201, "{}", c.text);
    }
    // Pages of one, followed by their `next` links.
    let mut seen = Vec::new();
    let mut next = Some("/api/v1/clients?limit=1".to_owned());
    while let Some(path) = next {
        let page = api.get(&path).await;
        assert_eq!(page.status, 200);
        seen.extend(
            page.body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_owned()),
        );
        next = page.body["next"].as_str().map(str::to_owned);
    }
    seen.sort();
    assert_eq!(seen, ["Acme", "Bravo", "Messy Co"]);
    assert_eq!(api.get("/api/v1/clients?limit=0").await.status, 422);
    assert_eq!(api.get("/api/v1/clients?cursor=zzz").await.status, 422);
    // Cursors are sealed and bound to their list: one from the clients list, moved to the
    // requests list or changed by a character, is refused; the old readable form too.
    let first = api.get("/api/v1/clients?limit=1").await.body["next"]
        .as_str()
        .unwrap()
        .to_owned();
    let cursor = first
        .split("cursor=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    assert!(cursor.starts_with("c1."), "{cursor}");
    assert_eq!(
        api.get(&format!("/api/v1/requests?cursor={cursor}"))
            .await
            .status,
        422,
        "another list's cursor"
    );
    let mut tampered = cursor.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        api.get(&format!("/api/v1/clients?cursor={tampered}"))
            .await
            .status,
        422
    );
    assert_eq!(api.get("/api/v1/clients?cursor=p2").await.status, 422);
    assert_eq!(api.get("/api/v1/clients?colour=red").await.status, 400);

    let id = api.get("/api/v1/clients?search=acme").await.body["data"][0]["id"]
        .as_i64()
        .unwrap();
    let patched = api
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{id}"),
            Some(json!({"notes": "Signed 2026-12-01"})),
            None,
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["notes"], "Signed 2026-12-01");
    assert_eq!(patched.body["name"], "Acme");
    let bad_patch = api
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{id}"),
            Some(json!({"contact_email": "not an address"})),
            None,
        )
        .await;
    assert_eq!(bad_patch.status, 422);
    assert_eq!(
        api.get(&format!("/api/v1/clients/{id}")).await.body["contact_email"],
        "a@acme.test",
        "nothing changed"
    );
    let archived = api
        .post(&format!("/api/v1/clients/{id}/archive"), json!({}))
        .await;
    assert_eq!(archived.body["archived"], true);

    // Another agency's key: the same ids are 404, its list is its own.
    let beta_key = other_agency_key(&app).await;
    let beta = Api::new(&app, &beta_key).await;
    for path in [
        format!("/api/v1/clients/{id}"),
        format!("/api/v1/clients/{id}/migration"),
    ] {
        let a = beta.get(&path).await;
        assert_eq!(a.status, 404, "{path}: {}", a.text);
    }
    let a = beta
        .post(&format!("/api/v1/clients/{id}/archive"), json!({}))
        .await;
    assert_eq!(a.status, 404);
    assert!(
        beta.get("/api/v1/clients").await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
