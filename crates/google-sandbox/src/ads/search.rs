//! `googleAds:search`: GAQL over the resources an onboarding reads.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{admitted, failure, field, object, reach};
use crate::errors::Refusal;
use crate::world::World;
use crate::{Sandbox, gaql, schema};

/// A resource's rows on `customer`, each with every field the sandbox knows (proto names).
fn rows(w: &World, resource: &str, customer: &str) -> Vec<Map<String, Value>> {
    let obj = |v: Value| v.as_object().cloned().unwrap_or_default();
    match resource {
        "customer" => w
            .ads_customer(customer)
            .map(|c| {
                obj(json!({
                    "resource_name": format!("customers/{}", c.id),
                    "id": c.id,
                    "descriptive_name": c.name,
                    "manager": c.manager,
                    "test_account": false,
                    "status": "ENABLED",
                    "currency_code": "EUR",
                    "time_zone": "Europe/Madrid",
                }))
            })
            .into_iter()
            .collect(),
        "customer_client_link" => w
            .ads_links
            .iter()
            .filter(|l| l.manager_id == customer)
            .map(|l| {
                obj(json!({
                    "resource_name": l.client_link_name(),
                    "client_customer": format!("customers/{}", l.client_id),
                    "manager_link_id": l.link_id,
                    "status": l.status,
                    "hidden": false,
                }))
            })
            .collect(),
        "customer_manager_link" => w
            .ads_links
            .iter()
            .filter(|l| l.client_id == customer)
            .map(|l| {
                obj(json!({
                    "resource_name": l.manager_link_name(),
                    "manager_customer": format!("customers/{}", l.manager_id),
                    "manager_link_id": l.link_id,
                    "status": l.status,
                }))
            })
            .collect(),
        "customer_user_access" => w
            .ads_access
            .iter()
            .enumerate()
            .filter(|(_, a)| a.customer_id == customer)
            .map(|(i, a)| {
                let user = 700_000 + i;
                obj(json!({
                    "resource_name": format!("customers/{customer}/customerUserAccesses/{user}"),
                    "user_id": user.to_string(),
                    "email_address": a.email,
                    "access_role": a.role,
                }))
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `googleAds:search`: one page of rows (the sandbox's results always fit one page).
pub async fn search(
    State(sb): State<Sandbox>,
    Path(customer): Path<String>,
    headers: HeaderMap,
    raw: String,
) -> Result<Response, Refusal> {
    let (caller, value) = admitted(&sb, &headers, "search", &raw).await?;
    let map = object(&value, schema::SEARCH_REQUEST_FIELDS, "")?;
    // proto3's JSON: a field at its default value is as good as absent.
    if field(map, "pageSize").is_some_and(|v| v.as_i64() != Some(0)) {
        return Err(failure("requestError", "PAGE_SIZE_NOT_SUPPORTED", ""));
    }
    let query = field(map, "query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let q = gaql::parse(query).map_err(|e| failure("queryError", e.code, &e.at))?;
    let g = sb.lock();
    reach(&g.world, &caller, &customer)?;
    let selected = |row: &Map<String, Value>| {
        let mut out = Map::new();
        out.insert("resourceName".into(), row["resource_name"].clone());
        for f in &q.fields {
            let name = f.split_once('.').map_or(f.as_str(), |(_, n)| n);
            if let Some(v) = row.get(name) {
                out.insert(camel(name), v.clone());
            }
        }
        out
    };
    let results: Vec<Value> = rows(&g.world, &q.resource, &customer)
        .into_iter()
        .filter(|row| {
            q.conditions.iter().all(|c| {
                let name = c.field.split_once('.').map_or(c.field.as_str(), |(_, n)| n);
                c.holds(&row.get(name).map(text).unwrap_or_default())
            })
        })
        .take(q.limit.unwrap_or(usize::MAX))
        .map(|row| json!({ camel(&q.resource): selected(&row) }))
        .collect();
    let mask: Vec<String> = q
        .fields
        .iter()
        .map(|f| {
            let (r, n) = f.split_once('.').unwrap_or((f, ""));
            format!("{}.{}", camel(r), camel(n))
        })
        .collect();
    // Google leaves `results` out when nothing matched.
    let mut answer = json!({"fieldMask": mask.join(","), "queryResourceConsumption": "1"});
    if !results.is_empty() {
        answer["results"] = json!(results);
    }
    Ok(Json(answer).into_response())
}
