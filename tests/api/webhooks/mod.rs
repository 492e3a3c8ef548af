//! Signed webhooks: a real HTTP receiver checks every delivery with its own implementation
//! of the Standard Webhooks signature; a receiver that is down then up gets each event once;
//! a dead endpoint is turned off with an e-mail; SSRF attempts are refused.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{any, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::approve::{CASEY, MESSY_ASSETS, agency, approve, request};
use crate::helpers::{ALL_SCOPES as ALL, TestApp, facebook_login, spawn_app, spawn_client_of};
use crate::json_api::{Api, agency_with_key, other_agency_key};

mod lifecycle;
mod settings;

/// One POST the receiver got.
#[derive(Clone, Debug)]
struct Got {
    id: String,
    timestamp: String,
    signatures: String,
    body: String,
}

#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    /// The status the hook answers with.
    answer: Arc<AtomicU16>,
}

async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    r.got.lock().unwrap().push(Got {
        id: h("webhook-id"),
        timestamp: h("webhook-timestamp"),
        signatures: h("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    StatusCode::from_u16(r.answer.load(Ordering::SeqCst)).unwrap()
}

/// Starts the receiver on `addr` (a fixed port, so it can come back after being down).
async fn receiver_on(addr: SocketAddr, r: Receiver) -> tokio::task::JoinHandle<()> {
    let app = Router::new()
        .route("/hook", post(hook))
        .route("/moved", any(|| async { Redirect::temporary("/hook") }))
        .with_state(r);
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.ok();
    })
}

fn new_receiver() -> Receiver {
    Receiver {
        got: Arc::default(),
        answer: Arc::new(AtomicU16::new(204)),
    }
}

fn free_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// The Standard Webhooks check, written here from the specification (not with the
/// server's code): HMAC-SHA256 keyed with the base64-decoded part of `whsec_…`, over
/// `id.timestamp.body`, base64, in one of the space-separated `v1,` signatures.
///
/// Each delivery checked is also saved under `target/webhook-deliveries/` with this verdict,
/// and `scripts/api-check` has the official `standardwebhooks` library check every one.
fn verifies(secret: &str, g: &Got) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", g.id, g.timestamp, g.body).as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    let ok = g
        .signatures
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|s| s == expected);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/webhook-deliveries");
    std::fs::create_dir_all(&dir).unwrap();
    let saved = serde_json::json!({
        "secret": secret, "id": g.id, "timestamp": g.timestamp,
        "signatures": g.signatures, "body": g.body, "suite_says": ok,
    });
    let name = format!("{}-{}.json", g.id, latchkey::domain::token::random_hex(4));
    std::fs::write(dir.join(name), saved.to_string()).unwrap();
    ok
}

/// Runs the webhook worker's passes until nothing due is left (the app's own worker may
/// hold some: those are waited for, with a deadline).
async fn deliver(app: &TestApp) {
    for _ in 0..500 {
        latchkey::actions::webhooks::deliver_due(&app.state)
            .await
            .unwrap();
        let due: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1",
        )
        .bind(app.clock.now())
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        if due == 0 {
            return;
        }
        // Polling for the other worker's answer, with a deadline: not a fixed sleep.
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("webhook deliveries still due after 5 s");
}

/// Records a client's move through the API (one `migration.recorded` event).
async fn set_move(api: &Api<'_>, client_id: i64, body: Value) {
    let a = api
        .call(
            Method::PUT,
            &format!("/api/v1/clients/{client_id}/migration"),
            Some(body),
            None,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

async fn endpoint(api: &Api<'_>, url: &str, events: Value) -> (i64, String) {
    let made = api
        .post("/api/v1/webhooks", json!({"url": url, "events": events}))
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    (
        made.body["endpoint"]["id"].as_i64().unwrap(),
        made.body["secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn events_arrive_signed_with_ids_only_and_a_redelivery_keeps_its_id() {
    let app = spawn_app().await;
    let (client_id, api_key) = agency_with_key(&app, "write").await;
    let api = Api::new(&app, &api_key).await;
    let addr = free_port();
    let r = new_receiver();
    let _server = receiver_on(addr, r.clone()).await;
    let (id, secret) = endpoint(&api, &format!("http://{addr}/hook"), json!([])).await;

    // Open a link, approve, record a move: five kinds of event.
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    assert_eq!(client.get(&link).await.status, 200);
    facebook_login(&client, &link, CASEY, &ALL, "continue").await;
    assert_eq!(approve(&client, &MESSY_ASSETS[..2]).await.status, 303);
    set_move(
        &api,
        client_id,
        json!({"status": "invited", "since": "2026-11-01"}),
    )
    .await;
    deliver(&app).await;

    let got = r.got.lock().unwrap().clone();
    let types: Vec<String> = got
        .iter()
        .map(|g| {
            serde_json::from_str::<Value>(&g.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for t in [
        "request.opened",
        "grant.created",
        "request.completed",
        "migration.recorded",
    ] {
        assert!(types.iter().any(|x| x == t), "{t} not in {types:?}");
    }
    assert_eq!(types.iter().filter(|t| *t == "grant.created").count(), 2);
    let mut ids: Vec<&str> = got.iter().map(|g| g.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "each event once, with its own id");
    for g in &got {
        assert!(verifies(&secret, g), "bad signature on {g:?}");
        assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", g));
        // Ids only: no link token, no Meta token.
        assert!(
            !g.body.contains("lkr_") && !g.body.contains("EAA"),
            "{}",
            g.body
        );
        let v: Value = serde_json::from_str(&g.body).unwrap();
        assert!(v["data"].is_object() && v["timestamp"].is_string());
    }
    // A tampered body fails the receiver's check.
    let mut forged = got[0].clone();
    forged.body = forged.body.replace("request", "grant");
    assert!(!verifies(&secret, &forged));

    // The log shows each delivery with its answer; a redelivery keeps the webhook-id.
    let log = api.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
    let first = &log.body["data"][0];
    assert_eq!(first["status"], "delivered", "{}", log.text);
    assert_eq!(first["last_status_code"], 204);
    let delivery = first["id"].as_i64().unwrap();
    let again = api
        .post(
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
            json!({}),
        )
        .await;
    assert_eq!(again.status, 202, "{}", again.text);
    deliver(&app).await;
    let got = r.got.lock().unwrap().clone();
    let message = first["message_id"].as_str().unwrap();
    assert_eq!(
        got.iter().filter(|g| g.id == message).count(),
        2,
        "a redelivery, same id"
    );

    // Rotation: for a day both secrets sign, so receivers can switch over.
    let rotated = api
        .post(&format!("/api/v1/webhooks/{id}/rotate-secret"), json!({}))
        .await;
    let new_secret = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    api.post(
        &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
        json!({}),
    )
    .await;
    deliver(&app).await;
    let last = r.got.lock().unwrap().last().unwrap().clone();
    assert!(verifies(&new_secret, &last) && verifies(&secret, &last));
    app.clock
        .advance(latchkey::actions::webhooks::ROTATION_OVERLAP + 1);
    api.post(
        &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
        json!({}),
    )
    .await;
    deliver(&app).await;
    let last = r.got.lock().unwrap().last().unwrap().clone();
    assert!(verifies(&new_secret, &last) && !verifies(&secret, &last));
}

#[tokio::test]
async fn a_receiver_down_then_up_gets_each_event_exactly_once() {
    let app = spawn_app().await;
    let (client_id, api_key) = agency_with_key(&app, "write").await;
    let api = Api::new(&app, &api_key).await;
    let addr = free_port();
    let (id, secret) = endpoint(
        &api,
        &format!("http://{addr}/hook"),
        json!(["migration.recorded"]),
    )
    .await;
    // Nothing listens yet: three changes, three failed first attempts.
    for status in ["invited", "preparing", "not_started"] {
        set_move(&api, client_id, json!({"status": status})).await;
    }
    deliver(&app).await;
    let log = api.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
    let rows = log.body["data"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{}", log.text);
    for row in rows {
        assert_eq!(row["status"], "pending", "{}", log.text);
        assert_eq!(row["attempts"], 1, "{}", log.text);
        assert!(
            row["last_error"].as_str().unwrap().contains("connect"),
            "{row}"
        );
    }
    // Not due yet: nothing is sent early.
    deliver(&app).await;
    // The receiver comes up; the retry (5 s later) delivers each once.
    let r = new_receiver();
    let _server = receiver_on(addr, r.clone()).await;
    app.clock.advance(6);
    deliver(&app).await;
    deliver(&app).await;
    let got = r.got.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "{got:?}");
    let mut ids: Vec<&str> = got.iter().map(|g| g.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "exactly once each");
    assert!(got.iter().all(|g| verifies(&secret, g)));
    // Another event type is not sent to an endpoint that did not ask for it.
    let link = request(&app, client_id, &[]).await;
    spawn_client_of(&app).get(&link).await;
    deliver(&app).await;
    assert_eq!(r.got.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn an_endpoint_failing_for_three_days_is_turned_off_and_the_agency_told() {
    let app = spawn_app().await;
    let (client_id, api_key) = agency_with_key(&app, "write").await;
    let api = Api::new(&app, &api_key).await;
    let addr = free_port();
    let r = new_receiver();
    r.answer.store(500, Ordering::SeqCst);
    let _server = receiver_on(addr, r.clone()).await;
    let (id, _) = endpoint(&api, &format!("http://{addr}/hook"), json!([])).await;
    set_move(&api, client_id, json!({"status": "invited"})).await;
    deliver(&app).await;
    for wait in latchkey::domain::webhook::RETRY_AFTER {
        app.clock.advance(wait.as_secs() as i64);
        deliver(&app).await;
    }
    assert_eq!(
        r.got.lock().unwrap().len(),
        10,
        "the first try and nine retries"
    );
    let e = api.get(&format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(e.body["enabled"], false, "{}", e.text);
    assert!(
        e.body["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("answered 500")
    );
    let log = api.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
    assert_eq!(log.body["data"][0]["status"], "failed");
    let mail = app.wait_for_emails("ava@agency.example", 1).await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "A webhook endpoint was turned off"),
        "{:?}",
        mail.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    // Off: new events are not queued for it; on again, they are.
    set_move(&api, client_id, json!({"status": "preparing"})).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM webhook_deliveries")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 1);
    let on = api
        .post(&format!("/api/v1/webhooks/{id}/enable"), json!({}))
        .await;
    assert_eq!(on.body["enabled"], true);
    set_move(
        &api,
        client_id,
        json!({"status": "migrating", "since": "2026-11-20"}),
    )
    .await;
    assert_eq!(count().await, 2);
}

#[tokio::test]
async fn webhooks_never_reach_private_addresses_or_follow_redirects() {
    let app = spawn_app().await;
    let (_, api_key) = agency_with_key(&app, "write").await;
    let api = Api::new(&app, &api_key).await;
    for url in [
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://10.0.0.7/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "http://hooks.example.com/hook",
        "http://10.0.0.7/hook",
        "file:///etc/passwd",
        "https://user:secret@hooks.example.com/",
    ] {
        let r = api.post("/api/v1/webhooks", json!({"url": url})).await;
        assert_eq!(r.status, 422, "{url}: {}", r.text);
    }
    let none: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(none, 0);
    let bad_event = api
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.com/x", "events": ["grant.eaten"]}),
        )
        .await;
    assert_eq!(bad_event.status, 422);

    // A name that resolves to a private address is refused when sending, after DNS.
    let addr = free_port();
    let r = new_receiver();
    let _server = receiver_on(addr, r.clone()).await;
    let (private, _) = endpoint(
        &api,
        &format!("https://localhost:{}/hook", addr.port()),
        json!([]),
    )
    .await;
    // A redirect is not followed.
    let (moved, _) = endpoint(&api, &format!("http://{addr}/moved"), json!([])).await;
    let client_id: i64 = sqlx::query_scalar("SELECT id FROM clients")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    set_move(&api, client_id, json!({"status": "invited"})).await;
    deliver(&app).await;
    assert!(
        r.got.lock().unwrap().is_empty(),
        "nothing reached the receiver"
    );
    let p = api
        .get(&format!("/api/v1/webhooks/{private}/deliveries"))
        .await;
    assert!(
        p.body["data"][0]["last_error"]
            .as_str()
            .unwrap()
            .contains("does not lead to a public internet address"),
        "{}",
        p.text
    );
    let m = api
        .get(&format!("/api/v1/webhooks/{moved}/deliveries"))
        .await;
    assert_eq!(m.body["data"][0]["last_status_code"], 307, "{}", m.text);
    assert!(
        m.body["data"][0]["last_error"]
            .as_str()
            .unwrap()
            .contains("redirect")
    );

    // Another agency's key cannot see or touch these.
    let beta_key = other_agency_key(&app).await;
    let beta = Api::new(&app, &beta_key).await;
    assert_eq!(
        beta.get(&format!("/api/v1/webhooks/{moved}")).await.status,
        404
    );
    assert_eq!(
        beta.get(&format!("/api/v1/webhooks/{moved}/deliveries"))
            .await
            .status,
        404
    );
    let d: i64 = sqlx::query_scalar("SELECT MIN(id) FROM webhook_deliveries")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let r = beta
        .post(
            &format!("/api/v1/webhooks/{moved}/deliveries/{d}/redeliver"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(
        beta.get("/api/v1/webhooks").await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
