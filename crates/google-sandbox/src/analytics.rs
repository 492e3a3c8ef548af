//! The Analytics Admin API (v1alpha) as Latchkey uses it: account summaries, and access
//! bindings on accounts and properties (list, get, create, delete). Requests are judged by
//! the discovery document's schema (`schema.rs`): unknown fields and roles are refused in
//! Google's words; managing users needs the Administrator role, as in Google Analytics.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{Refusal, api, invalid, unknown_field};
use super::world::{Binding, Token};
use super::{Sandbox, schema};

type Params = Query<HashMap<String, String>>;

/// Faults, the call count, the bearer token and the method's scopes: what every call
/// passes before it is answered.
pub(crate) async fn admit(
    sb: &Sandbox,
    headers: &HeaderMap,
    method: &str,
) -> Result<Token, Refusal> {
    admit_scoped(sb, headers, schema::scopes(method), || {
        api(
            429,
            "RESOURCE_EXHAUSTED",
            "Exhausted property tokens per hour for a project per property.",
        )
    })
    .await
}

/// [`admit`] for an API whose scopes and quota refusal are its own (Google Ads).
pub(crate) async fn admit_scoped(
    sb: &Sandbox,
    headers: &HeaderMap,
    accepted: &[&str],
    quota: impl FnOnce() -> Refusal,
) -> Result<Token, Refusal> {
    let latency = {
        let mut g = sb.lock();
        g.calls += 1;
        g.faults.latency_ms
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    {
        let mut g = sb.lock();
        if g.faults.fail_next > 0 {
            g.faults.fail_next -= 1;
            return Err(api(
                503,
                "UNAVAILABLE",
                "The service is currently unavailable.",
            ));
        }
        if g.faults.quota_next > 0 {
            g.faults.quota_next -= 1;
            return Err(quota());
        }
    }
    let Some(token) = super::tokens::bearer(sb, headers) else {
        return Err(api(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        ));
    };
    if !token.scopes.iter().any(|s| accepted.contains(&s.as_str())) {
        return Err(api_scope());
    }
    Ok(token)
}

fn api_scope() -> Refusal {
    super::errors::api_with(
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
        vec![json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
        })],
    )
}

pub(crate) fn denied() -> Refusal {
    api(
        403,
        "PERMISSION_DENIED",
        "The caller does not have permission",
    )
}

/// `accounts/{id}` or `properties/{id}` from the path, if it is one the world has.
fn resource(sb: &Sandbox, collection: &str, id: &str) -> Result<String, Refusal> {
    if !matches!(collection, "accounts" | "properties") || id.parse::<u64>().is_err() {
        return Err(super::errors::api(
            404,
            "NOT_FOUND",
            "The requested URL was not found on this server.",
        ));
    }
    let name = format!("{collection}/{id}");
    if sb.lock().world.exists(&name) {
        Ok(name)
    } else {
        Err(denied())
    }
}

fn method(collection: &str, verb: &str) -> String {
    format!("analyticsadmin.{collection}.accessBindings.{verb}")
}

/// `pageSize` (default and cap per the API's documentation) and `pageToken` (an offset).
pub(crate) fn page(
    q: &HashMap<String, String>,
    default: usize,
    cap: usize,
) -> Result<(usize, usize), Refusal> {
    let size = match q.get("pageSize") {
        Some(s) => s
            .parse::<usize>()
            .map_err(|_| invalid("page_size", "page_size must be a number"))?,
        None => default,
    };
    let size = if size == 0 { default } else { size.min(cap) };
    let from = match q.get("pageToken").filter(|t| !t.is_empty()) {
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| invalid("page_token", "Invalid page token"))?,
        None => 0,
    };
    Ok((from, size))
}

/// One page of `items`, with `nextPageToken` only when more follow (Google omits empty
/// repeated fields and an absent token).
pub(crate) fn paged(key: &str, items: Vec<Value>, from: usize, size: usize) -> Response {
    let total = items.len();
    let chunk: Vec<Value> = items.into_iter().skip(from).take(size).collect();
    let mut body = json!({});
    if !chunk.is_empty() {
        body[key] = json!(chunk);
    }
    if from + size < total {
        body["nextPageToken"] = json!((from + size).to_string());
    }
    Json(body).into_response()
}

fn binding_json(b: &Binding) -> Value {
    json!({"name": b.name, "user": b.user, "roles": b.roles})
}

pub async fn account_summaries(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    Query(q): Params,
) -> Result<Response, Refusal> {
    let token = admit(&sb, &headers, "analyticsadmin.accountSummaries.list").await?;
    let (from, size) = page(&q, 50, 200)?;
    let g = sb.lock();
    let w = &g.world;
    let summaries: Vec<Value> = w
        .accounts
        .iter()
        .filter(|a| w.can_see(&token.email, &a.name))
        .map(|a| {
            let props: Vec<Value> = w
                .properties
                .iter()
                .filter(|p| p.parent == a.name && w.can_see(&token.email, &p.name))
                .map(|p| {
                    let roles = w.roles_on(&token.email, &p.name);
                    json!({
                        "property": p.name,
                        "displayName": p.display_name,
                        "propertyType": schema::PROPERTY_TYPES[1],
                        "parent": p.parent,
                        "canEdit": roles.iter().any(|r| r.ends_with("/editor") || r.ends_with("/admin")),
                    })
                })
                .collect();
            let id = a.name.trim_start_matches("accounts/");
            let mut s = json!({"name": format!("accountSummaries/{id}"), "account": a.name, "displayName": a.display_name});
            if !props.is_empty() {
                s["propertySummaries"] = json!(props);
            }
            s
        })
        .collect();
    Ok(paged("accountSummaries", summaries, from, size))
}

pub async fn list_bindings(
    State(sb): State<Sandbox>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    Query(q): Params,
) -> Result<Response, Refusal> {
    let token = admit(&sb, &headers, &method(&collection, "list")).await?;
    let parent = resource(&sb, &collection, &id)?;
    let (from, size) = page(&q, 200, 500)?;
    let g = sb.lock();
    if !g.world.is_admin(&token.email, &parent) {
        return Err(denied());
    }
    let items = g
        .world
        .bindings
        .iter()
        .filter(|b| b.parent == parent)
        .map(binding_json)
        .collect();
    Ok(paged("accessBindings", items, from, size))
}

pub async fn get_binding(
    State(sb): State<Sandbox>,
    Path((collection, id, binding)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let token = admit(&sb, &headers, &method(&collection, "list")).await?;
    let parent = resource(&sb, &collection, &id)?;
    let g = sb.lock();
    if !g.world.is_admin(&token.email, &parent) {
        return Err(denied());
    }
    let name = format!("{parent}/accessBindings/{binding}");
    match g.world.bindings.iter().find(|b| b.name == name) {
        Some(b) => Ok(Json(binding_json(b)).into_response()),
        None => Err(api(
            404,
            "NOT_FOUND",
            &format!("Resource '{name}' was not found"),
        )),
    }
}

/// The body of a create, judged field by field against `AccessBinding`.
fn parse_binding(body: &str) -> Result<(String, Vec<String>), Refusal> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        invalid(
            "access_binding",
            &format!("Invalid JSON payload received. {e}"),
        )
    })?;
    let Value::Object(map) = value else {
        return Err(invalid(
            "access_binding",
            "Invalid JSON payload received. Expected an object.",
        ));
    };
    if let Some(unknown) = map
        .keys()
        .find(|k| !schema::ACCESS_BINDING_FIELDS.contains(&k.as_str()))
    {
        return Err(unknown_field(unknown, "access_binding"));
    }
    let user = map
        .get("user")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if user.is_empty() || !user.contains('@') {
        return Err(invalid(
            "access_binding.user",
            "The email address is not valid.",
        ));
    }
    let roles: Vec<String> = match map.get("roles") {
        Some(Value::Array(rs)) => rs
            .iter()
            .map(|r| r.as_str().unwrap_or_default().to_owned())
            .collect(),
        None => Vec::new(),
        Some(_) => {
            return Err(invalid(
                "access_binding.roles",
                "roles must be a list of strings.",
            ));
        }
    };
    if roles.is_empty() {
        return Err(invalid(
            "access_binding.roles",
            "At least one role is required.",
        ));
    }
    if let Some(bad) = roles.iter().find(|r| !schema::ROLES.contains(&r.as_str())) {
        return Err(invalid(
            "access_binding.roles",
            &format!("Invalid role: {bad}"),
        ));
    }
    Ok((user, roles))
}

pub async fn create_binding(
    State(sb): State<Sandbox>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, Refusal> {
    let token = admit(&sb, &headers, &method(&collection, "create")).await?;
    let parent = resource(&sb, &collection, &id)?;
    let (user, roles) = parse_binding(&body)?;
    let mut g = sb.lock();
    if !g.world.is_admin(&token.email, &parent) {
        return Err(denied());
    }
    // One binding per user and resource: a second is refused (roles change by update).
    if g.world
        .bindings
        .iter()
        .any(|b| b.parent == parent && b.user == user)
    {
        return Err(api(
            409,
            "ALREADY_EXISTS",
            &format!("An access binding for {user} already exists on {parent}."),
        ));
    }
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    let b = g.world.bind(&parent, &user, &roles);
    g.save();
    Ok(Json(binding_json(&b)).into_response())
}

pub async fn delete_binding(
    State(sb): State<Sandbox>,
    Path((collection, id, binding)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let token = admit(&sb, &headers, &method(&collection, "delete")).await?;
    let parent = resource(&sb, &collection, &id)?;
    let mut g = sb.lock();
    let name = format!("{parent}/accessBindings/{binding}");
    // Administrators manage users; anyone may remove their own access (Google Analytics
    // offers a person "Remove access" on themselves without the Administrator role).
    let own = g
        .world
        .bindings
        .iter()
        .any(|b| b.name == name && b.user == token.email);
    if !own && !g.world.is_admin(&token.email, &parent) {
        return Err(denied());
    }
    let before = g.world.bindings.len();
    g.world.bindings.retain(|b| b.name != name);
    if g.world.bindings.len() == before {
        return Err(api(
            404,
            "NOT_FOUND",
            &format!("Resource '{name}' was not found"),
        ));
    }
    g.save();
    Ok(Json(json!({})).into_response())
}
