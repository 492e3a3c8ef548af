//! The Google Ads API (REST, the version in `schema::ADS_VERSION`) as an agency onboarding
//! uses it: `customers:listAccessibleCustomers`, `googleAds:search` (GAQL over `customer`,
//! `customer_client_link`, `customer_manager_link` and `customer_user_access`), and the
//! manager link's two sides — the manager invites (`customerClientLinks:mutate`, created
//! `PENDING`), the client's administrator accepts, refuses or ends it
//! (`customerManagerLinks:mutate`), and the manager may end it too. Bodies are judged by the
//! `google-ads` types; refusals carry a `GoogleAdsFailure` with Google's error codes.
//!
//! Access is Google Ads': a person reaches an account they were given directly, or a client
//! of a manager account they were given when the call names that manager in the
//! `login-customer-id` header. Developer tokens are not asked for: the `google-ads` types
//! of this version say they "have been sunset" in favour of the Cloud project's access.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::analytics::admit_scoped;
use super::errors::{Refusal, api_with, unknown_field};
use super::gaql;
use super::world::{AdsLink, SCOPE_ADWORDS, World};
use super::{Sandbox, schema};

/// How many active managers a client account may have (the sandbox's number; Google's
/// refusal beyond it is `TOO_MANY_MANAGERS`).
pub const MAX_MANAGERS: usize = 5;

/// A refusal in the Ads API's shape: the HTTP status, and one error with its code.
pub fn failure(kind: &str, code: &str, trigger: &str) -> Refusal {
    let (http, status, top) = match kind {
        "authenticationError" => (
            401,
            "UNAUTHENTICATED",
            "Request is missing required authentication credential.",
        ),
        "authorizationError" => (
            403,
            "PERMISSION_DENIED",
            "The caller does not have permission",
        ),
        "quotaError" => (429, "RESOURCE_EXHAUSTED", "Too many requests."),
        _ => (
            400,
            "INVALID_ARGUMENT",
            "Request contains an invalid argument.",
        ),
    };
    let message = schema::ads_error(kind, code).unwrap_or(code);
    let mut error = json!({"errorCode": {kind: code}, "message": message});
    if !trigger.is_empty() {
        error["trigger"] = json!({"stringValue": trigger});
    }
    api_with(
        http,
        status,
        top,
        vec![json!({
            "@type": format!("type.googleapis.com/google.ads.googleads.{}.errors.GoogleAdsFailure", schema::ADS_VERSION),
            "errors": [error],
            "requestId": super::random_hex(8),
        })],
    )
}

fn link_error(code: &str) -> Refusal {
    failure("managerLinkError", code, "")
}

/// Who is calling, and through which account.
struct Caller {
    email: String,
    /// The `login-customer-id` header, if any.
    login: Option<String>,
}

async fn admit_ads(sb: &Sandbox, headers: &HeaderMap) -> Result<Caller, Refusal> {
    let token = admit_scoped(sb, headers, &[SCOPE_ADWORDS], || {
        failure("quotaError", "RESOURCE_TEMPORARILY_EXHAUSTED", "")
    })
    .await?;
    let login = match headers.get("login-customer-id").map(|v| v.to_str()) {
        None => None,
        Some(Ok(v)) if v.len() == 10 && v.bytes().all(|b| b.is_ascii_digit()) => Some(v.to_owned()),
        Some(_) => {
            return Err(failure(
                "requestError",
                "INVALID_CUSTOMER_ID",
                "login-customer-id",
            ));
        }
    };
    Ok(Caller {
        email: token.email,
        login,
    })
}

/// The caller's role on `customer`: their own, or through the manager named in
/// `login-customer-id` when that manager actively manages it. 2-Step Verification is
/// required where the account's administrators require it.
fn reach<'w>(w: &'w World, caller: &Caller, customer: &str) -> Result<&'w str, Refusal> {
    let denied = || failure("authorizationError", "USER_PERMISSION_DENIED", customer);
    let account = w.ads_customer(customer).ok_or_else(denied)?;
    let through = caller.login.as_deref().unwrap_or(customer);
    let role = w.ads_role(through, &caller.email).ok_or_else(denied)?;
    let managed = through == customer
        || w.ads_links
            .iter()
            .any(|l| l.manager_id == through && l.client_id == customer && l.status == "ACTIVE");
    if !managed {
        return Err(denied());
    }
    let requires =
        account.requires_two_step || w.ads_customer(through).is_some_and(|c| c.requires_two_step);
    if requires
        && w.without_two_step
            .iter()
            .any(|e| e.eq_ignore_ascii_case(&caller.email))
    {
        return Err(failure(
            "authenticationError",
            "TWO_STEP_VERIFICATION_NOT_ENROLLED",
            "",
        ));
    }
    Ok(role)
}

pub async fn list_accessible(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let caller = admit_ads(&sb, &headers).await?;
    let g = sb.lock();
    let names: Vec<String> = g
        .world
        .ads_access
        .iter()
        .filter(|a| a.email.eq_ignore_ascii_case(&caller.email))
        .map(|a| format!("customers/{}", a.customer_id))
        .collect();
    Ok(Json(json!({ "resourceNames": names })).into_response())
}

/// The JSON body as an object whose every key is one of `fields`, else Google's refusal.
fn object<'v>(v: &'v Value, fields: &[&str], at: &str) -> Result<&'v Map<String, Value>, Refusal> {
    let map = v
        .as_object()
        .ok_or_else(|| failure("requestError", "REQUIRED_FIELD_MISSING", at))?;
    // Google's JSON parser takes a field's proto name as well as its JSON name.
    let known = |k: &str| fields.iter().any(|f| *f == k || snake(f) == k);
    match map.keys().find(|k| !known(k)) {
        Some(unknown) => Err(unknown_field(unknown, at)),
        None => Ok(map),
    }
}

fn snake(camel: &str) -> String {
    let mut s = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            s.push('_');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

fn field<'v>(map: &'v Map<String, Value>, json_name: &str) -> Option<&'v Value> {
    map.get(json_name).or_else(|| map.get(&snake(json_name)))
}

fn body(raw: &str) -> Result<Value, Refusal> {
    serde_json::from_str(raw)
        .map_err(|e| super::errors::invalid("", &format!("Invalid JSON payload received. {e}")))
}

/// A status from a body: one of `ManagerLinkStatus`'s values, else the JSON parser's refusal.
fn status(v: Option<&Value>, at: &str) -> Result<String, Refusal> {
    let s = v.and_then(Value::as_str).unwrap_or_default();
    if schema::MANAGER_LINK_STATUSES.contains(&s) {
        Ok(s.to_owned())
    } else {
        Err(super::errors::invalid(
            at,
            &format!(
                "Invalid value at '{at}' (type.googleapis.com/google.ads.googleads.{}.enums.ManagerLinkStatusEnum.ManagerLinkStatus), \"{s}\"",
                schema::ADS_VERSION
            ),
        ))
    }
}

/// The update mask: present, and naming only fields of `resource_fields`.
fn mask(op: &Map<String, Value>, resource_fields: &[&str]) -> Result<(), Refusal> {
    let Some(m) = field(op, "updateMask").and_then(Value::as_str) else {
        return Err(failure("fieldMaskError", "FIELD_MASK_MISSING", ""));
    };
    for path in m.split(',').map(str::trim) {
        if !resource_fields
            .iter()
            .any(|f| snake(f) == path || *f == path)
        {
            return Err(failure("fieldMaskError", "FIELD_NOT_FOUND", path));
        }
    }
    Ok(())
}

fn validate_only(map: &Map<String, Value>) -> bool {
    field(map, "validateOnly").and_then(Value::as_bool) == Some(true)
}

/// `customers/{C}/customer…Links/{A}~{L}`: (C, A, L).
fn link_parts(name: &str, collection: &str) -> Option<(String, String, String)> {
    let rest = name.strip_prefix("customers/")?;
    let (customer, rest) = rest.split_once(&format!("/{collection}/"))?;
    let (other, link) = rest.split_once('~')?;
    Some((customer.to_owned(), other.to_owned(), link.to_owned()))
}

fn active_managers(w: &World, client: &str) -> usize {
    w.ads_links
        .iter()
        .filter(|l| l.client_id == client && l.status == "ACTIVE")
        .count()
}

/// The manager's side: invite a client (`create`, `PENDING` only) or withdraw an invitation
/// and end a link (`update` to `CANCELED` or `INACTIVE`).
pub async fn mutate_client_link(
    State(sb): State<Sandbox>,
    Path(customer): Path<String>,
    headers: HeaderMap,
    raw: String,
) -> Result<Response, Refusal> {
    let caller = admit_ads(&sb, &headers).await?;
    let value = body(&raw)?;
    let map = object(&value, schema::MUTATE_CLIENT_LINK_REQUEST_FIELDS, "")?;
    let op =
        field(map, "operation").ok_or_else(|| failure("requestError", "OPERATION_REQUIRED", ""))?;
    let op = object(op, schema::CLIENT_LINK_OPERATION_FIELDS, "operation")?;
    let mut g = sb.lock();
    let w = &mut g.world;
    let role = reach(w, &caller, &customer)?;
    if !matches!(role, "ADMIN" | "STANDARD") {
        return Err(failure("authorizationError", "ACTION_NOT_PERMITTED", ""));
    }
    let name = match (field(op, "create"), field(op, "update")) {
        (Some(create), None) => {
            if field(op, "updateMask").is_some() {
                return Err(failure("fieldMaskError", "FIELD_MASK_NOT_ALLOWED", ""));
            }
            let link = invite(w, &customer, create)?;
            if validate_only(map) {
                return Ok(Json(json!({})).into_response());
            }
            w.ads_link(&link.0, &link.1, "PENDING").client_link_name()
        }
        (None, Some(update)) => {
            mask(op, schema::CUSTOMER_CLIENT_LINK_FIELDS)?;
            let update = object(
                update,
                schema::CUSTOMER_CLIENT_LINK_FIELDS,
                "operation.update",
            )?;
            let name = field(update, "resourceName")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some((manager, client, link_id)) = link_parts(name, "customerClientLinks") else {
                return Err(failure("requestError", "RESOURCE_NAME_MALFORMED", name));
            };
            let to = status(field(update, "status"), "operation.update.status")?;
            let link = w
                .ads_links
                .iter_mut()
                .find(|l| {
                    l.manager_id == manager
                        && l.client_id == client
                        && l.link_id == link_id
                        && manager == customer
                })
                .ok_or_else(|| failure("requestError", "RESOURCE_NOT_FOUND", name))?;
            match (link.status.as_str(), to.as_str()) {
                ("PENDING", "CANCELED") | ("ACTIVE", "INACTIVE") => {}
                _ => return Err(link_error("INVALID_STATUS_CHANGE")),
            }
            if !validate_only(map) {
                link.status = to;
            }
            name.to_owned()
        }
        _ => return Err(failure("requestError", "OPERATION_REQUIRED", "")),
    };
    g.save();
    Ok(Json(json!({"result": {"resourceName": name}})).into_response())
}

/// Checks an invitation from `manager` (a create's body): (manager, client).
fn invite(w: &World, manager: &str, create: &Value) -> Result<(String, String), Refusal> {
    let create = object(
        create,
        schema::CUSTOMER_CLIENT_LINK_FIELDS,
        "operation.create",
    )?;
    let client = field(create, "clientCustomer")
        .and_then(Value::as_str)
        .and_then(|c| c.strip_prefix("customers/"))
        .ok_or_else(|| failure("requestError", "REQUIRED_FIELD_MISSING", "client_customer"))?;
    let to = status(field(create, "status"), "operation.create.status")?;
    if to != "PENDING" {
        return Err(link_error("CREATING_ENABLED_LINK_NOT_ALLOWED"));
    }
    if !w.ads_customer(manager).is_some_and(|c| c.manager) {
        return Err(link_error("ACCOUNTS_NOT_COMPATIBLE_FOR_LINKING"));
    }
    if client == manager {
        return Err(link_error("CUSTOMER_CANNOT_MANAGE_SELF"));
    }
    if w.ads_customer(client).is_none() {
        return Err(failure("requestError", "INVALID_CUSTOMER_ID", client));
    }
    let existing = |s: &str| {
        w.ads_links
            .iter()
            .any(|l| l.manager_id == manager && l.client_id == client && l.status == s)
    };
    if existing("ACTIVE") {
        return Err(link_error("ALREADY_MANAGED_BY_THIS_MANAGER"));
    }
    if existing("PENDING") {
        return Err(link_error("ALREADY_INVITED_BY_THIS_MANAGER"));
    }
    if !w
        .ads_access
        .iter()
        .any(|a| a.customer_id == client && a.role == "ADMIN")
    {
        return Err(link_error("CLIENT_HAS_NO_ADMIN_USER"));
    }
    if active_managers(w, client) >= MAX_MANAGERS {
        return Err(link_error("TOO_MANY_MANAGERS"));
    }
    Ok((manager.to_owned(), client.to_owned()))
}

/// The client's side: accept (`ACTIVE`), refuse (`REFUSED`) or end (`INACTIVE`) a manager's
/// link; the link's manager may end it too, naming itself in `login-customer-id`. Every
/// operation is checked before any is applied.
pub async fn mutate_manager_link(
    State(sb): State<Sandbox>,
    Path(customer): Path<String>,
    headers: HeaderMap,
    raw: String,
) -> Result<Response, Refusal> {
    let caller = admit_ads(&sb, &headers).await?;
    let value = body(&raw)?;
    let map = object(&value, schema::MUTATE_MANAGER_LINK_REQUEST_FIELDS, "")?;
    let ops = field(map, "operations")
        .and_then(Value::as_array)
        .filter(|o| !o.is_empty())
        .ok_or_else(|| failure("requestError", "OPERATION_REQUIRED", ""))?;
    let mut g = sb.lock();
    let w = &mut g.world;
    let role = reach(w, &caller, &customer)?.to_owned();
    let mut changes = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let at = format!("operations[{i}]");
        let op = object(op, schema::MANAGER_LINK_OPERATION_FIELDS, &at)?;
        mask(op, schema::CUSTOMER_MANAGER_LINK_FIELDS)?;
        let update = field(op, "update")
            .ok_or_else(|| failure("requestError", "OPERATION_REQUIRED", &at))?;
        let update = object(
            update,
            schema::CUSTOMER_MANAGER_LINK_FIELDS,
            &format!("{at}.update"),
        )?;
        let name = field(update, "resourceName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some((client, manager, link_id)) = link_parts(name, "customerManagerLinks") else {
            return Err(failure("requestError", "RESOURCE_NAME_MALFORMED", name));
        };
        let to = status(field(update, "status"), &format!("{at}.update.status"))?;
        let found = w.ads_links.iter().position(|l| {
            l.client_id == client
                && l.manager_id == manager
                && l.link_id == link_id
                && client == customer
        });
        let Some(index) = found else {
            return Err(failure(
                "customerManagerLinkError",
                "NO_PENDING_INVITE",
                name,
            ));
        };
        let link: &AdsLink = &w.ads_links[index];
        // The link's manager, acting through itself, may only end the link.
        let as_manager = caller.login.as_deref() == Some(manager.as_str());
        if as_manager {
            if to != "INACTIVE" {
                return Err(link_error("NON_OWNER_USER_CANNOT_MODIFY_LINK"));
            }
        } else if role != "ADMIN" {
            return Err(link_error("NON_OWNER_USER_CANNOT_MODIFY_LINK"));
        }
        match (link.status.as_str(), to.as_str()) {
            ("PENDING", "ACTIVE") if active_managers(w, &client) >= MAX_MANAGERS => {
                return Err(link_error("TOO_MANY_MANAGERS"));
            }
            ("PENDING", "ACTIVE" | "REFUSED") | ("ACTIVE", "INACTIVE") => {}
            (_, "ACTIVE" | "REFUSED") => {
                return Err(failure(
                    "customerManagerLinkError",
                    "NO_PENDING_INVITE",
                    name,
                ));
            }
            _ => return Err(link_error("INVALID_STATUS_CHANGE")),
        }
        changes.push((index, to, name.to_owned()));
    }
    if validate_only(map) {
        return Ok(Json(json!({})).into_response());
    }
    let results: Vec<Value> = changes
        .into_iter()
        .map(|(index, to, name)| {
            w.ads_links[index].status = to;
            json!({ "resourceName": name })
        })
        .collect();
    g.save();
    Ok(Json(json!({ "results": results })).into_response())
}

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
    let caller = admit_ads(&sb, &headers).await?;
    let value = body(&raw)?;
    let map = object(&value, schema::SEARCH_REQUEST_FIELDS, "")?;
    if field(map, "pageSize").is_some() {
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

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use serde_json::{Value, json};
    use tower::ServiceExt;

    use super::super::world::*;
    use super::super::{Sandbox, TimeSource};

    struct Fixed;
    impl TimeSource for Fixed {
        fn now(&self) -> i64 {
            1_800_000_000
        }
    }

    async fn call(
        sb: &Sandbox,
        path: &str,
        token: &str,
        login: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(if body.is_null() { "GET" } else { "POST" })
            .uri(format!("/sandbox/google/googleads/v26/{path}"))
            .header("authorization", format!("Bearer {token}"));
        if let Some(l) = login {
            req = req.header("login-customer-id", l);
        }
        let body = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        let resp = sb
            .router()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    fn code(v: &Value) -> String {
        v["error"]["details"][0]["errors"][0]["errorCode"]
            .as_object()
            .and_then(|m| m.values().next())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    fn accept(link: &str, status: &str) -> Value {
        json!({"operations": [{"update": {"resourceName": link, "status": status}, "updateMask": "status"}]})
    }

    #[tokio::test]
    async fn a_manager_invites_the_client_s_administrator_accepts_and_either_side_ends_it() {
        let sb = Sandbox::new(Fixed, "http://127.0.0.1:1", None, vec![]);
        let agency = sb.issue_token(AGENCY_EMAIL, &[SCOPE_ADWORDS]);
        let casey = sb.issue_token(CLIENT_EMAIL, &[SCOPE_ADWORDS]);
        let vic = sb.issue_token(VIEWER_EMAIL, &[SCOPE_ADWORDS]);
        let mcc = Some(AGENCY_MCC);
        let invite = |status: &str| json!({"operation": {"create": {"clientCustomer": "customers/5550000001", "status": status}}});
        let links = format!("customers/{AGENCY_MCC}/customerClientLinks:mutate");
        let (s, v) = call(&sb, &links, &agency, mcc, invite("ACTIVE")).await;
        assert_eq!(
            (s, code(&v).as_str()),
            (StatusCode::BAD_REQUEST, "CREATING_ENABLED_LINK_NOT_ALLOWED")
        );
        let (s, v) = call(&sb, &links, &agency, mcc, invite("SOON")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("ManagerLinkStatus"),
            "{v}"
        );
        let mut unknown = invite("PENDING");
        unknown["operation"]["create"]["role"] = json!("ADMIN");
        let (s, v) = call(&sb, &links, &agency, mcc, unknown).await;
        assert!(
            s == StatusCode::BAD_REQUEST && v.to_string().contains("Unknown name \\\"role\\\""),
            "{v}"
        );
        let (s, v) = call(&sb, &links, &agency, mcc, invite("PENDING")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let name = v["result"]["resourceName"].as_str().unwrap().to_owned();
        let (_, v) = call(&sb, &links, &agency, mcc, invite("PENDING")).await;
        assert_eq!(code(&v), "ALREADY_INVITED_BY_THIS_MANAGER");

        // The manager reads its side by GAQL; the client sees the invitation on theirs.
        let query = |q: &str| json!({ "query": q });
        let (s, v) = call(&sb, &format!("customers/{AGENCY_MCC}/googleAds:search"), &agency, mcc,
            query("SELECT customer_client_link.manager_link_id, customer_client_link.status FROM customer_client_link WHERE customer_client_link.client_customer = 'customers/5550000001'")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let row = &v["results"][0]["customerClientLink"];
        assert_eq!(row["status"], "PENDING");
        let link_id = row["managerLinkId"].as_str().unwrap().to_owned();
        assert!(name.ends_with(&format!("5550000001~{link_id}")));
        let manager_link =
            format!("customers/5550000001/customerManagerLinks/{AGENCY_MCC}~{link_id}");
        let client_links = "customers/5550000001/customerManagerLinks:mutate";
        let (_, v) = call(
            &sb,
            client_links,
            &vic,
            None,
            accept(&manager_link, "ACTIVE"),
        )
        .await;
        assert_eq!(
            code(&v),
            "NON_OWNER_USER_CANNOT_MODIFY_LINK",
            "a read-only user cannot accept"
        );
        let (s, v) = call(
            &sb,
            client_links,
            &casey,
            None,
            accept(&manager_link, "ACTIVE"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["results"][0]["resourceName"], manager_link.as_str());
        let (_, v) = call(
            &sb,
            client_links,
            &casey,
            None,
            accept(&manager_link, "ACTIVE"),
        )
        .await;
        assert_eq!(code(&v), "NO_PENDING_INVITE");
        let (_, v) = call(&sb, &links, &agency, mcc, invite("PENDING")).await;
        assert_eq!(code(&v), "ALREADY_MANAGED_BY_THIS_MANAGER");

        // Now the manager reaches the client through itself, and ends the link from there.
        let (s, v) = call(
            &sb,
            "customers/5550000001/googleAds:search",
            &agency,
            mcc,
            query("SELECT customer.descriptive_name FROM customer"),
        )
        .await;
        assert_eq!(
            (s, v["results"][0]["customer"]["descriptiveName"].as_str()),
            (StatusCode::OK, Some("Messy Co Ads"))
        );
        let (s, _) = call(
            &sb,
            "customers/5550000001/googleAds:search",
            &agency,
            None,
            query("SELECT customer.descriptive_name FROM customer"),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "not without login-customer-id");
        let (s, v) = call(
            &sb,
            client_links,
            &agency,
            mcc,
            accept(&manager_link, "INACTIVE"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            sb.world()
                .ads_links
                .iter()
                .find(|l| l.link_id == link_id)
                .unwrap()
                .status,
            "INACTIVE"
        );
        let (s, _) = call(
            &sb,
            "customers/5550000001/googleAds:search",
            &agency,
            mcc,
            query("SELECT customer.descriptive_name FROM customer"),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "ended: no longer reachable");
    }

    #[tokio::test]
    async fn two_step_verification_too_many_managers_and_bad_queries_are_refused_in_google_s_codes()
    {
        let sb = Sandbox::new(Fixed, "http://127.0.0.1:1", None, vec![]);
        let agency = sb.issue_token(AGENCY_EMAIL, &[SCOPE_ADWORDS]);
        let noel = sb.issue_token(NO_2SV_EMAIL, &[SCOPE_ADWORDS]);
        let morgan = sb.issue_token(BIG_CLIENT_EMAIL, &[SCOPE_ADWORDS]);
        let (s, v) = call(
            &sb,
            "customers:listAccessibleCustomers",
            &morgan,
            None,
            Value::Null,
        )
        .await;
        assert_eq!(
            (s, v["resourceNames"].as_array().unwrap().len()),
            (StatusCode::OK, 40)
        );
        let (s, v) = call(
            &sb,
            "customers/5550000002/googleAds:search",
            &noel,
            None,
            json!({"query": "SELECT customer.id FROM customer"}),
        )
        .await;
        assert_eq!(
            (s, code(&v).as_str()),
            (
                StatusCode::UNAUTHORIZED,
                "TWO_STEP_VERIFICATION_NOT_ENROLLED"
            )
        );
        let (s, v) = call(
            &sb,
            "customers/5551000001/googleAds:search",
            &morgan,
            None,
            json!({"query": "SELECT customer.nickname FROM customer"}),
        )
        .await;
        assert_eq!(
            (s, code(&v).as_str()),
            (StatusCode::BAD_REQUEST, "UNRECOGNIZED_FIELD")
        );
        let (s, v) = call(&sb, "customers/5551000001/googleAds:search", &morgan, None,
            json!({"query": "SELECT customer_manager_link.manager_customer, customer_manager_link.status FROM customer_manager_link"})).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            v["results"][0]["customerManagerLink"]["managerCustomer"],
            format!("customers/{OTHER_MCC}")
        );
        sb.change(|w| {
            for m in 0..4 {
                let id = format!("88800000{m:02}");
                w.ads_customers.push(AdsCustomer {
                    id: id.clone(),
                    name: id.clone(),
                    manager: true,
                    requires_two_step: false,
                });
                w.ads_link(&id, "5551000001", "ACTIVE");
            }
        });
        let (_, v) = call(&sb, &format!("customers/{AGENCY_MCC}/customerClientLinks:mutate"), &agency, Some(AGENCY_MCC),
            json!({"operation": {"create": {"clientCustomer": "customers/5551000001", "status": "PENDING"}}})).await;
        assert_eq!(code(&v), "TOO_MANY_MANAGERS");
        let (s, v) = call(
            &sb,
            &format!("customers/{AGENCY_MCC}/googleAds:search"),
            &agency,
            Some("123-456-7890"),
            json!({"query": "SELECT customer.id FROM customer"}),
        )
        .await;
        assert_eq!(
            (s, code(&v).as_str()),
            (StatusCode::BAD_REQUEST, "INVALID_CUSTOMER_ID")
        );
    }
}
