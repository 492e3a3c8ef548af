//! The manager link's two sides: the manager invites or withdraws (`customerClientLinks`),
//! the client accepts, refuses or ends it, or the manager ends it (`customerManagerLinks`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{
    MAX_MANAGERS, active_managers, admitted, failure, field, link_error, link_parts, mask, object,
    reach, status, validate_only,
};
use crate::errors::Refusal;
use crate::world::{AdsLink, World};
use crate::{Sandbox, schema};

/// The manager's side: invite a client (`create`, `PENDING` only) or withdraw an invitation
/// and end a link (`update` to `CANCELED` or `INACTIVE`).
pub async fn mutate_client_link(
    State(sb): State<Sandbox>,
    Path(customer): Path<String>,
    headers: HeaderMap,
    raw: String,
) -> Result<Response, Refusal> {
    let (caller, value) = admitted(&sb, &headers, "mutateCustomerClientLink", &raw).await?;
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
    let (caller, value) = admitted(&sb, &headers, "mutateCustomerManagerLink", &raw).await?;
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
        let who = Who {
            customer: &customer,
            login: caller.login.as_deref(),
            role: &role,
        };
        changes.push(judge_operation(w, &who, op, &format!("operations[{i}]"))?);
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

/// Who changes a client's manager links: the client account in the path, the manager the
/// call goes through (if any), and the caller's role.
struct Who<'a> {
    customer: &'a str,
    login: Option<&'a str>,
    role: &'a str,
}

/// One operation of a `customerManagerLinks:mutate`, checked against the link as it stands:
/// (the link's index, its new status, its resource name).
fn judge_operation(
    w: &World,
    who: &Who,
    op: &Value,
    at: &str,
) -> Result<(usize, String, String), Refusal> {
    let op = object(op, schema::MANAGER_LINK_OPERATION_FIELDS, at)?;
    mask(op, schema::CUSTOMER_MANAGER_LINK_FIELDS)?;
    let update =
        field(op, "update").ok_or_else(|| failure("requestError", "OPERATION_REQUIRED", at))?;
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
    let no_invite = || failure("customerManagerLinkError", "NO_PENDING_INVITE", name);
    let index = w
        .ads_links
        .iter()
        .position(|l| {
            l.client_id == client
                && l.manager_id == manager
                && l.link_id == link_id
                && client == who.customer
        })
        .ok_or_else(no_invite)?;
    let link: &AdsLink = &w.ads_links[index];
    // The link's manager, acting through itself, may only end the link.
    let as_manager = who.login == Some(manager.as_str());
    if (as_manager && to != "INACTIVE") || (!as_manager && who.role != "ADMIN") {
        return Err(link_error("NON_OWNER_USER_CANNOT_MODIFY_LINK"));
    }
    match (link.status.as_str(), to.as_str()) {
        ("PENDING", "ACTIVE") if active_managers(w, &client) >= MAX_MANAGERS => {
            Err(link_error("TOO_MANY_MANAGERS"))
        }
        ("PENDING", "ACTIVE" | "REFUSED") | ("ACTIVE", "INACTIVE") => {
            Ok((index, to, name.to_owned()))
        }
        (_, "ACTIVE" | "REFUSED") => Err(no_invite()),
        _ => Err(link_error("INVALID_STATUS_CHANGE")),
    }
}
