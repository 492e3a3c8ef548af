//! The OpenAPI 3.1 document, generated from the handlers' and types' annotations.

use axum::Json;
use serde_json::{Value, json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{clients, grants, migration, problem, requests, types, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Latchkey API",
        version = "1",
        description = "Agency access onboarding for Meta business assets. Authenticate with `Authorization: Bearer <key>` (Settings → API keys). Errors are RFC 9457 problem details whose `type` (`urn:latchkey:problem:<kind>`) is stable. Lists are cursor-paginated: follow `next`. Every POST honours `Idempotency-Key`. Each key may make 600 requests a minute (`RateLimit`, `RateLimit-Policy`, `Retry-After`)."
    ),
    paths(
        clients::list, clients::create, clients::show, clients::update, clients::archive,
        requests::list, requests::create, requests::show, requests::remind,
        requests::regenerate, requests::revoke,
        grants::list, grants::show, grants::csv,
        migration::show, migration::set, migration::queue, migration::fix,
        webhooks::list, webhooks::create, webhooks::show, webhooks::delete, webhooks::enable,
        webhooks::disable, webhooks::rotate, webhooks::deliveries, webhooks::redeliver,
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
    doc
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
