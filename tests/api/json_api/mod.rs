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

mod clients;
mod errors;
mod migration;
mod openapi;

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
