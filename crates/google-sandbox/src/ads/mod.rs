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
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

mod links;
mod search;
#[cfg(test)]
mod tests;

pub use links::{mutate_client_link, mutate_manager_link};
pub use search::search;

use super::analytics::admit_scoped;
use super::errors::{Refusal, api_with, unknown_field};
use super::world::{SCOPE_ADWORDS, World};
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

/// Keeps a request's body for Google's own types to judge again.
fn journal(sb: &Sandbox, method: &str, raw: &str) {
    let mut g = sb.lock();
    if g.ads_requests.len() < 10_000 {
        g.ads_requests.push((method.to_owned(), raw.to_owned()));
    }
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

/// What every Google Ads call with a body passes: admission, the journal, and its JSON.
async fn admitted(
    sb: &Sandbox,
    headers: &HeaderMap,
    method: &str,
    raw: &str,
) -> Result<(Caller, Value), Refusal> {
    let caller = admit_ads(sb, headers).await?;
    journal(sb, method, raw);
    Ok((caller, body(raw)?))
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
