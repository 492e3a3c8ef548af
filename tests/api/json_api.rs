//! The JSON API (`/api/v1`), over HTTP with real keys. Every answer the suite gets goes
//! through [`Api::call`], which validates it against the OpenAPI document the server
//! publishes: a response that drifts from the document fails the test that got it.

use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};

use crate::approve::{CASEY, MESSY_ASSETS, agency, approve, request};
use crate::helpers::{
    ALL_SCOPES as ALL, PASSWORD, TestApp, facebook_login, spawn_app, spawn_client_of, spawn_with,
    test_settings,
};

/// A key's view of the API, checking every answer against the published document.
pub(crate) struct Api<'a> {
    app: &'a TestApp,
    key: String,
    doc: Value,
    http: reqwest::Client,
}

pub(crate) struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl<'a> Api<'a> {
    pub async fn new(app: &'a TestApp, key: &str) -> Self {
        let http = reqwest::Client::new();
        let doc: Value = http
            .get(format!("{}/api/v1/openapi.json", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Self {
            app,
            key: key.to_owned(),
            doc,
            http,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        idem: Option<&str>,
    ) -> Answer {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.app.base))
            .bearer_auth(&self.key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(k) = idem {
            req = req.header("idempotency-key", k);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        let answer = Answer {
            status,
            headers,
            body,
            text,
        };
        self.conforms(&method, path, &answer);
        answer
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body), None).await
    }

    /// The answer must be one the document describes for this operation and status, and
    /// its body must validate against that schema.
    fn conforms(&self, method: &Method, path: &str, a: &Answer) {
        let bare = path.split('?').next().unwrap();
        let (template, op) = self.doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(t, _)| matches_template(t, bare))
            .map(|(t, item)| (t.clone(), item[method.as_str().to_lowercase()].clone()))
            .unwrap_or_else(|| panic!("{method} {bare} is not in the OpenAPI document"));
        assert!(
            !op.is_null(),
            "{method} {template} is not in the OpenAPI document"
        );
        let response = &op["responses"][a.status.to_string()];
        assert!(
            !response.is_null(),
            "{method} {template} answered {} which the document does not list: {}",
            a.status,
            a.text
        );
        let content_type = a
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let Some(content) = response["content"].as_object() else {
            return;
        };
        let media = content.get(&content_type).unwrap_or_else(|| {
            panic!(
                "{method} {template} {}: content type {content_type} not documented",
                a.status
            )
        });
        if content_type == "text/csv" {
            return;
        }
        let schema = json!({
            "components": self.doc["components"],
            "allOf": [media["schema"]],
        });
        let validator = jsonschema::validator_for(&schema).expect("a valid schema");
        let errors: Vec<String> = validator
            .iter_errors(&a.body)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {template} {}: the body does not match the document: {errors:?}\n{}",
            a.status,
            a.text
        );
    }
}

/// `/api/v1/clients/{id}` matches `/api/v1/clients/7`.
fn matches_template(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// A key made through Settings by the signed-in owner.
/// Records by hand the user-based access Ava has to Messy Co's Page.
pub(crate) async fn record_user_grant(app: &TestApp, client_id: i64) {
    let r = app
        .post(
            &format!("/clients/{client_id}/grants"),
            &[
                ("kind", "page"),
                ("asset_id", "1100000000000031"),
                ("asset_name", "Messy Co"),
                ("mode", "user"),
                ("person", "ava@agency.example"),
            ],
        )
        .await;
    assert!(r.status == 303 || r.status == 200, "{}", r.body);
}

/// The demo agency with its client (Messy Co), and a key of `scope` made by its owner.
pub(crate) async fn agency_with_key(app: &TestApp, scope: &str) -> (i64, String) {
    let client_id = agency(app).await;
    (client_id, key(app, "integration", scope).await)
}

/// A write key of a second agency, Beta.
pub(crate) async fn other_agency_key(app: &TestApp) -> String {
    app.create_agency("Beta Agency", "bea@beta.test").await;
    let other = spawn_client_of(app);
    assert_eq!(other.login("bea@beta.test", PASSWORD).await.status, 303);
    key(&other, "beta", "write").await
}

pub(crate) async fn key(app: &TestApp, name: &str, scope: &str) -> String {
    let r = app
        .post_shown(
            "/settings/api-keys",
            &[("name", name), ("scope", scope), ("expires", "never")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("value=\"lk_key_").expect("the key, shown once") + 7;
    r.body[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn keys_are_made_by_managers_shown_once_and_revoked_at_once() {
    let app = spawn_app().await;
    agency(&app).await;
    let empty = app.get("/settings/api-keys").await;
    assert!(empty.body.contains("No API keys yet"));
    // Bad input: no name, no scope. Explained; nothing made.
    let bad = app.post("/settings/api-keys", &[("name", " ")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("The key&#39;s name is required"));
    assert!(bad.body.contains("Choose what the key may do"));
    let k = key(&app, "CRM sync", "read").await;
    assert_eq!(k.len(), "lk_key_".len() + 43);
    let stored: (String, String) = sqlx::query_as("SELECT key_hash, prefix FROM api_keys")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_ne!(stored.0, k, "only a hash is kept");
    assert!(k.starts_with(&stored.1));
    let list = app.get("/settings/api-keys").await;
    assert!(
        list.body.contains("CRM sync") && !list.body.contains(&k),
        "shown once"
    );

    let api = Api::new(&app, &k).await;
    let me = api.get("/api/v1/clients").await;
    assert_eq!(me.status, 200, "{}", me.text);
    let used: Option<i64> = sqlx::query_scalar("SELECT last_used_at FROM api_keys")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(used.is_some(), "the last use is recorded");

    let id: i64 = sqlx::query_scalar("SELECT id FROM api_keys")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let confirm = app.get(&format!("/settings/api-keys/{id}/revoke")).await;
    assert!(confirm.body.contains("Revoke the key “CRM sync”?"));
    let r = app
        .post(&format!("/settings/api-keys/{id}/revoke"), &[])
        .await;
    assert_eq!(
        r.location(),
        Some("/settings/api-keys?notice=api_key_revoked")
    );
    let refused = api.get("/api/v1/clients").await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.body["type"], "urn:latchkey:problem:unauthorized");
    assert!(refused.headers.get("www-authenticate").is_some());
    let audit: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert!(audit.iter().any(|a| a == "api_key.created"));
    assert!(audit.iter().any(|a| a == "api_key.revoked"));
}

#[tokio::test]
async fn the_command_line_makes_a_key_once_and_refuses_a_bad_scope() {
    let s = test_settings().await;
    let app = crate::helpers::spawn_with(s.clone()).await;
    agency(&app).await;
    let run = |scope: &str| {
        Command::new(env!("CARGO_BIN_EXE_latchkey"))
            .args([
                "api-key", "create", "--agency", "1", "--name", "Zapier", "--scope", scope,
            ])
            .env("LATCHKEY_DATA_DIR", &s.data_dir)
            .env("LATCHKEY_DATABASE_URL", s.database_url())
            .output()
            .unwrap()
    };
    let bad = run("admin");
    assert!(!bad.status.success());
    let ok = run("write");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let printed = String::from_utf8_lossy(&ok.stdout).trim().to_owned();
    assert!(printed.starts_with("lk_key_"), "{printed}");
    let api = Api::new(&app, &printed).await;
    let made = api
        .post(
            "/api/v1/clients",
            json!({"name": "Scripted Co", "contact_email": "ops@scripted.test"}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
}

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

#[tokio::test]
async fn requests_and_grants_over_the_api_with_retries_that_change_nothing_twice() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let w = key(&app, "writer", "write").await;
    let api = Api::new(&app, &w).await;
    let body = json!({
        "client_id": client_id,
        "asks": [{"kind": "page", "level": "manage"}, {"kind": "ad_account", "level": "view"}],
        "mode": "partner",
        "delivery": "email",
        "language": "es",
    });
    // Bad input gets the web form's reasons, and nothing is made.
    let bad = api
        .post(
            "/api/v1/requests",
            json!({"client_id": client_id, "asks": [], "mode": "both", "delivery": "pigeon"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    let errors = bad.body["errors"].to_string();
    assert!(errors.contains("Tick at least one kind"), "{errors}");
    assert!(errors.contains("Choose partner or user access"), "{errors}");
    let foreign = api
        .post("/api/v1/requests", json!({"client_id": 999, "asks": [{"kind": "page", "level": "view"}], "mode": "partner", "delivery": "link"}))
        .await;
    assert_eq!(foreign.status, 404, "{}", foreign.text);

    // Five concurrent retries of one create: one request, one e-mail, one answer.
    let tries = (0..5).map(|_| {
        api.call(
            Method::POST,
            "/api/v1/requests",
            Some(body.clone()),
            Some("create-1"),
        )
    });
    let answers = futures_util::future::join_all(tries).await;
    let created: Vec<&Answer> = answers.iter().filter(|a| a.status == 201).collect();
    assert!(
        !created.is_empty(),
        "{:?}",
        answers
            .iter()
            .map(|a| (a.status, a.text.clone()))
            .collect::<Vec<_>>()
    );
    for a in &answers {
        assert!(
            a.status == 201 || a.status == 409,
            "{} {}",
            a.status,
            a.text
        );
    }
    let id = created[0].body["request"]["id"].as_i64().unwrap();
    assert!(created.iter().all(|a| a.body["request"]["id"] == id));
    assert_eq!(created[0].body["request"]["platforms"], json!(["meta"]));
    assert_eq!(created[0].body["link"], Value::Null, "e-mailed, not shown");
    let again = api
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(body.clone()),
            Some("create-1"),
        )
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body["request"]["id"], id);
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let mail = app.wait_for_emails("casey@bloom.example", 1).await;
    app.drain_outbox().await;
    assert_eq!(app.emails_to("casey@bloom.example").len(), 1);
    assert!(
        mail[0].subject.contains("solicita acceso"),
        "{}",
        mail[0].subject
    );
    // The same key for another body is refused.
    let mut other = body.clone();
    other["mode"] = json!("user");
    let reused = api
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(other),
            Some("create-1"),
        )
        .await;
    assert_eq!(reused.status, 422);
    assert_eq!(
        reused.body["type"],
        "urn:latchkey:problem:idempotency-key-reused"
    );

    // A link-only request returns its link, once.
    let mut link_body = body.clone();
    link_body["delivery"] = json!("link");
    let shown = api.post("/api/v1/requests", link_body).await;
    assert_eq!(shown.status, 201, "{}", shown.text);
    let link = shown.body["link"].as_str().unwrap().to_owned();
    let link_id = shown.body["request"]["id"].as_i64().unwrap();
    assert!(link.contains("/r/lkr_"));
    let detail = api.get(&format!("/api/v1/requests/{link_id}")).await;
    assert!(
        !detail.text.contains(link.rsplit('/').next().unwrap()),
        "never shown again"
    );
    assert_eq!(detail.body["timeline"][0]["kind"], "created");

    // The client approves; the grants are in the book.
    let path = crate::helpers::path_of(&link);
    let client = spawn_client_of(&app);
    facebook_login(&client, &path, CASEY, &ALL, "continue").await;
    let done = approve(&client, &MESSY_ASSETS[..1]).await;
    assert_eq!(done.status, 303);
    let _ = request;
    let grants = api
        .get("/api/v1/grants?mode=partner&sort=asset&limit=1")
        .await;
    assert_eq!(grants.status, 200, "{}", grants.text);
    let gid = grants.body["data"][0]["id"].as_i64().unwrap();
    let one = api.get(&format!("/api/v1/grants/{gid}")).await;
    assert_eq!(one.body["grant"]["status"], "active", "{}", one.text);
    assert_eq!(one.body["grant"]["platform"], "meta", "{}", one.text);
    assert!(!one.body["history"].as_array().unwrap().is_empty());
    let csv = api.get("/api/v1/grants.csv?mode=partner").await;
    assert!(csv.text.starts_with("id,client_id,platform,kind"));
    for bad in [
        "kind=planet",
        "status=fine",
        "due_before=tomorrow",
        "sort=colour",
        "cursor=x:1",
    ] {
        let a = api.get(&format!("/api/v1/grants?{bad}")).await;
        assert_eq!(a.status, 422, "{bad}: {}", a.text);
    }
    assert_eq!(api.get("/api/v1/grants/999999").await.status, 404);
    let filtered = api
        .get(&format!(
            "/api/v1/requests?status=completed&client_id={client_id}"
        ))
        .await;
    assert_eq!(filtered.body["data"][0]["id"], link_id, "{}", filtered.text);
    assert_eq!(api.get("/api/v1/requests?status=happy").await.status, 422);

    // Regenerate gives a new link; revoke closes it.
    let fresh = api
        .post(&format!("/api/v1/requests/{id}/regenerate"), json!({}))
        .await;
    assert_eq!(fresh.status, 200, "{}", fresh.text);
    assert!(fresh.body["link"].as_str().unwrap().contains("/r/lkr_"));
    let revoked = api
        .post(&format!("/api/v1/requests/{id}/revoke"), json!({}))
        .await;
    assert_eq!(revoked.body["status"], "revoked");
    let late = api
        .post(&format!("/api/v1/requests/{id}/remind"), json!({}))
        .await;
    assert_eq!(
        late.status, 422,
        "a revoked request cannot be reminded: {}",
        late.text
    );
}

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

#[tokio::test]
async fn a_request_made_with_a_key_speaks_as_the_agency_or_a_named_member() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let w = key(&app, "CRM sync", "write").await;
    let api = Api::new(&app, &w).await;
    let ask = |more: Value| {
        let mut b = json!({"client_id": client_id, "asks": [{"kind": "page", "level": "manage"}],
                           "mode": "partner", "delivery": "email"});
        b.as_object_mut()
            .unwrap()
            .extend(more.as_object().unwrap().clone());
        b
    };
    // Nobody named: the agency speaks, never the key.
    let a = api.post("/api/v1/requests", ask(json!({}))).await;
    assert_eq!(a.status, 201, "{}", a.text);
    let mail = app.wait_for_emails("casey@bloom.example", 1).await;
    assert!(
        mail[0]
            .text
            .contains("Demo Agency asks Messy Co for access"),
        "{}",
        mail[0].text
    );
    assert!(!mail[0].text.contains("CRM sync") && !mail[0].raw.contains("CRM sync"));
    assert!(!mail[0].raw.to_ascii_lowercase().contains("reply-to: ava"));
    let link = crate::helpers::path_of(&crate::helpers::link_in(&mail[0].text, "/r/"));
    let landing = spawn_client_of(&app).get(&link).await;
    assert!(
        landing
            .body
            .contains("Demo Agency would like access to some of Messy Co"),
        "{}",
        landing.body
    );
    assert!(!landing.body.contains("at Demo Agency") && !landing.body.contains("CRM sync"));

    // A member named: they speak, and replies reach them.
    let b = api
        .post(
            "/api/v1/requests",
            ask(json!({"sender_email": "ava@agency.example"})),
        )
        .await;
    assert_eq!(b.status, 201, "{}", b.text);
    let mail = app.wait_for_emails("casey@bloom.example", 2).await;
    assert!(
        mail[1]
            .text
            .contains("Ava Agency at Demo Agency asks Messy Co for access"),
        "{}",
        mail[1].text
    );
    assert!(
        mail[1]
            .raw
            .to_ascii_lowercase()
            .contains("reply-to: ava@agency.example"),
        "{}",
        mail[1].raw
    );

    // Someone who is not on the team: refused, naming the field; nothing made or sent.
    let c = api
        .post(
            "/api/v1/requests",
            ask(json!({"sender_email": "mallory@elsewhere.example"})),
        )
        .await;
    assert_eq!(c.status, 422, "{}", c.text);
    assert_eq!(c.body["errors"][0]["field"], "sender_email");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
}

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
