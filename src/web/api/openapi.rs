//! The OpenAPI 3.1 document, generated from the handlers' and types' annotations.

use axum::Json;
use serde_json::{Value, json};

use crate::domain::Platform;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{clients, grants, migration, problem, requests, review, types, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Latchkey API",
        version = "1",
        description = "Agency access onboarding for Meta business assets and Google Ads, Analytics and Tag Manager. Authenticate with `Authorization: Bearer <key>` (Settings → API keys). Errors are RFC 9457 problem details whose `type` (`urn:latchkey:problem:<kind>`) is stable. Lists are cursor-paginated: follow `next`. Every POST honours `Idempotency-Key`. Each key may make 600 requests a minute (`RateLimit`, `RateLimit-Policy`, `Retry-After`)."
    ),
    paths(
        clients::list, clients::create, clients::show, clients::update, clients::archive,
        requests::list, requests::create, requests::show, requests::remind,
        requests::regenerate, requests::revoke,
        grants::list, grants::show, grants::csv,
        migration::show, migration::set, migration::queue, migration::fix,
        webhooks::list, webhooks::create, webhooks::show, webhooks::delete, webhooks::enable,
        webhooks::disable, webhooks::rotate, webhooks::deliveries, webhooks::redeliver,
        review::show,
    ),
    components(schemas(
        problem::Problem, problem::ProblemError,
        types::ClientOut, types::ClientList, types::ClientIn, types::ClientPatch,
        types::AskIo, types::RequestOut, types::RequestList, types::RequestIn, types::Issued,
        types::EventOut, types::RequestDetail,
        types::GrantOut, types::GrantList, types::GrantHistory, types::GrantDetail,
        types::MigrationOut, types::MigrationIn, types::MigrationSet,
        types::RadarOut, types::RadarList, types::FixSent,
        types::WebhookOut, types::WebhookList, types::WebhookIn, types::WebhookSecret,
        types::DeliveryOut, types::DeliveryList,
        types::KeyHeldOut, types::HeldAssetOut, types::PersonAccessOut, types::ReviewedOut,
        types::AccessReviewOut, types::AssetUsersOut,
    )),
    modifiers(&Bearer),
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("lk_key_…")
                    .build(),
            ),
        );
    }
}

/// The answers every keyed operation can give, whatever it does (the authentication, rate
/// and body layers, and the idempotency layer on POST), added to each operation, and every
/// problem served as `application/problem+json`.
fn finish(doc: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    let problem =
        json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
    let common: &[(&str, &str)] = &[
        (
            "400",
            "The request could not be read (JSON, query string or header)",
        ),
        ("401", "No key, or an unknown or revoked one"),
        ("429", "The key's rate limit; see Retry-After"),
        ("500", "Something went wrong; it has been logged"),
        ("503", "Busy; try again in a few seconds"),
    ];
    let writes: &[(&str, &str)] = &[
        ("403", "A read-only key tried to write"),
        (
            "409",
            "A request with the same Idempotency-Key is still running",
        ),
        ("413", "The body is larger than the API accepts"),
        (
            "422",
            "The request breaks a rule, or reuses an Idempotency-Key; nothing changed",
        ),
    ];
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (_, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                let responses = &mut op["responses"];
                if let Some(map) = responses.as_object_mut() {
                    for r in map.values_mut() {
                        // Problems are served as problem details.
                        let is_problem = r["content"]["application/json"]["schema"]["$ref"]
                            == "#/components/schemas/Problem";
                        if is_problem {
                            r["content"] = problem.clone();
                        }
                    }
                }
                let extra = if method == "get" {
                    common.to_vec()
                } else {
                    [common, writes].concat()
                };
                for (status, words) in extra {
                    if responses.get(status).is_none() {
                        responses[status] = json!({"description": words, "content": problem});
                    }
                }
            }
        }
    }
    add_enums(&mut doc);
    add_examples(&mut doc);
    // Relative to the installation that serves the document: its own address.
    doc["servers"] = json!([{"url": "/", "description": "This Latchkey installation"}]);
    doc
}

/// Every closed set of values the API speaks, from the domain's own lists (so the document
/// cannot drift from what the server accepts): (schema, property, values).
fn closed_sets() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use crate::domain::GrantStatus;
    use crate::domain::access::{AccessLevel, AssetKind, GrantMode};
    use crate::domain::migration::{DueBasis, MigrationStatus};
    use crate::domain::request::{DeclineReason, RequestStatus};
    use crate::domain::webhook::EventType;
    use crate::i18n::Lang;
    let kinds: Vec<_> = AssetKind::ALL.iter().map(|k| k.as_str()).collect();
    let levels: Vec<_> = AccessLevel::ALL.iter().map(|l| l.as_str()).collect();
    let modes: Vec<_> = [GrantMode::Partner, GrantMode::User]
        .iter()
        .map(|m| m.as_str())
        .collect();
    let grant_statuses: Vec<_> = GrantStatus::ALL.iter().map(|s| s.as_str()).collect();
    let request_statuses: Vec<_> = RequestStatus::ALL.iter().map(|s| s.as_str()).collect();
    let moves: Vec<_> = MigrationStatus::ALL.iter().map(|s| s.as_str()).collect();
    let langs: Vec<_> = Lang::ALL.iter().map(|l| l.code()).collect();
    let events: Vec<_> = EventType::ALL.iter().map(|e| e.as_str()).collect();
    let reasons: Vec<_> = DeclineReason::ALL.iter().map(|r| r.as_str()).collect();
    let bases: Vec<_> = [
        DueBasis::Organisation,
        DueBasis::EstimateFromActivation,
        DueBasis::EstimateFromMove,
    ]
    .iter()
    .map(|b| b.as_str())
    .collect();
    let given_by = vec!["staff", "client"];
    let platforms: Vec<_> = Platform::ALL.iter().map(|p| p.as_str()).collect();
    vec![
        ("GrantOut", "platform", platforms.clone()),
        ("RequestOut", "platforms", platforms.clone()),
        ("RadarOut", "platform", platforms),
        ("AskIo", "kind", kinds.clone()),
        ("AskIo", "level", levels),
        ("RequestOut", "status", request_statuses),
        ("RequestOut", "mode", modes.clone()),
        ("RequestOut", "language", langs.clone()),
        ("RequestOut", "decline_reason", reasons),
        ("RequestIn", "mode", modes.clone()),
        ("RequestIn", "delivery", vec!["email", "link"]),
        ("RequestIn", "language", langs.clone()),
        ("ClientOut", "language", langs),
        ("GrantOut", "kind", kinds.clone()),
        ("GrantOut", "mode", modes),
        ("GrantOut", "status", grant_statuses.clone()),
        ("GrantHistory", "status", grant_statuses.clone()),
        ("RadarOut", "kind", kinds),
        ("RadarOut", "status", grant_statuses),
        ("MigrationOut", "status", moves.clone()),
        (
            "MigrationOut",
            "people_deadline_source",
            vec!["staff", "client", "meta"],
        ),
        ("MigrationOut", "due_basis", bases),
        ("MigrationIn", "status", moves),
        ("MigrationIn", "people_deadline_source", given_by.clone()),
        ("MigrationIn", "activated_source", given_by),
        ("WebhookOut", "events", events.clone()),
        ("WebhookIn", "events", events.clone()),
        ("DeliveryOut", "event_type", events),
        (
            "DeliveryOut",
            "status",
            vec!["pending", "delivered", "failed"],
        ),
    ]
}

/// Writes the closed sets into the schemas (into `items` for a list, with `null` for an
/// optional value) and into the query parameters that filter by them.
fn add_enums(doc: &mut Value) {
    for (schema, property, values) in closed_sets() {
        let prop = &mut doc["components"]["schemas"][schema]["properties"][property];
        if prop.is_null() {
            continue;
        }
        let target = if prop["type"] == "array" {
            &mut prop["items"]
        } else {
            prop
        };
        let nullable = target["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "null"));
        let mut list: Vec<Value> = values.iter().map(|v| json!(v)).collect();
        if nullable {
            list.push(Value::Null);
        }
        target["enum"] = Value::Array(list);
    }
    let params: &[(&str, &str, &str)] = &[
        ("/api/v1/requests", "status", "RequestOut"),
        ("/api/v1/grants", "kind", "GrantOut"),
        ("/api/v1/grants", "mode", "GrantOut"),
        ("/api/v1/grants", "status", "GrantOut"),
        ("/api/v1/grants.csv", "kind", "GrantOut"),
        ("/api/v1/grants.csv", "mode", "GrantOut"),
        ("/api/v1/grants.csv", "status", "GrantOut"),
    ];
    for (path, name, from) in params {
        let values: Vec<Value> = doc["components"]["schemas"][from]["properties"][name]["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| !v.is_null())
            .cloned()
            .collect();
        if let Some(list) = doc["paths"][path]["get"]["parameters"].as_array_mut() {
            for p in list.iter_mut().filter(|p| p["name"] == *name) {
                p["schema"]["enum"] = Value::Array(values.clone());
            }
        }
    }
    for path in ["/api/v1/grants", "/api/v1/grants.csv"] {
        if let Some(list) = doc["paths"][path]["get"]["parameters"].as_array_mut() {
            for p in list.iter_mut().filter(|p| p["name"] == "sort") {
                p["schema"]["enum"] = json!(["newest", "asset", "due"]);
            }
        }
    }
}

/// An example for each request body, and for a problem.
fn add_examples(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    schemas["ClientIn"]["example"] = json!({
        "name": "Bloom Bakery", "contact_name": "Casey Client",
        "contact_email": "casey@bloom.example", "notes": "Spring campaign"
    });
    schemas["ClientPatch"]["example"] = json!({"notes": "Renewed for the summer"});
    schemas["RequestIn"]["example"] = json!({
        "client_id": 42,
        "asks": [{"kind": "page", "level": "manage"}, {"kind": "ad_account", "level": "advertise"}],
        "mode": "partner", "delivery": "email", "expiry_days": 14, "single_use": true,
        "message": "Hi Casey, this lets us run your spring campaign.", "language": "es",
        "sender_email": "ava@agency.example"
    });
    schemas["MigrationIn"]["example"] = json!({
        "status": "migrating", "since": "2026-11-02", "people_deadline": "2027-01-31",
        "people_deadline_source": "client"
    });
    schemas["WebhookIn"]["example"] = json!({
        "url": "https://crm.example.com/hooks/latchkey", "description": "CRM sync",
        "events": ["request.completed", "grant.created", "grant.removed"]
    });
    schemas["Problem"]["example"] = json!({
        "type": "urn:latchkey:problem:validation",
        "title": "The request breaks a rule; nothing was changed", "status": 422,
        "errors": [{"field": "people_deadline",
                    "message": "\"31/01/2027\" is not a date: use dates like 2027-01-31."}]
    });
}

/// The document, made once.
pub fn document_json() -> &'static Value {
    static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| finish(ApiDoc::openapi()))
}

/// `GET /api/v1/openapi.json` (no key needed: it is the API's public description).
pub async fn document() -> Json<&'static Value> {
    Json(document_json())
}
