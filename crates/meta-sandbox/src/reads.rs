//! The Graph API's reads on people, businesses and their asset edges, one function per
//! route: `graph::dispatch` authenticates the caller and picks the route.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Sandbox;
use super::answers::*;
use super::nodes;
use super::paging::{page, pick};
use super::schema::{added, asset_node, edge_kind};
use super::world::World;

/// One authenticated read: the world, who calls, and the call's parameters.
pub(super) struct Read<'a> {
    pub w: &'a World,
    pub sb: &'a Sandbox,
    pub caller: &'a Caller<'a>,
    pub p: &'a BTreeMap<String, String>,
    pub version: &'a str,
    pub now: i64,
}

impl Read<'_> {
    /// One page of `items` of the list at `path`, with Graph's cursors and links.
    fn page(&self, items: Vec<Value>, path: &str) -> GResult {
        Ok(page(items, self.p, &self.sb.graph_base, self.version, path))
    }
}

/// `GET /me`.
pub(super) fn me(r: &Read) -> GResult {
    fields_ok(r.p, nodes::USER, added::NONE)?;
    let person =
        r.w.person(&r.caller.info.person_id)
            .ok_or_else(|| no_object("me"))?;
    Ok(pick(
        json!({"id": person.id, "name": person.name, "email": person.email}),
        Some(r.p.get("fields").unwrap_or(&"id,name".to_owned())),
    ))
}

/// `GET /me/businesses`: the portfolios the person is in (and may still use).
pub(super) fn my_businesses(r: &Read) -> GResult {
    r.caller.need("business_management")?;
    fields_ok(r.p, nodes::BUSINESS, added::NONE)?;
    let (w, me) = (r.w, &r.caller.info.person_id);
    let items = w
        .members
        .iter()
        .filter(|m| {
            m.person_id == *me && !w.personal_access_ended(&m.person_id, &m.business_id, r.now)
        })
        .filter_map(|m| w.business(&m.business_id))
        .map(|b| json!({"id": b.id, "name": b.name, "verification_status": "verified"}))
        .collect();
    r.page(items, "me/businesses")
}

/// `GET /{id}`: a business or an asset node.
pub(super) fn node(r: &Read, id: &str) -> GResult {
    if let Some(b) = r.w.business(id) {
        fields_ok(r.p, nodes::BUSINESS, added::NONE)?;
        Ok(pick(
            json!({"id": b.id, "name": b.name, "verification_status": "verified"}),
            r.p.get("fields"),
        ))
    } else if let Some(a) = r.w.asset(id) {
        fields_ok(r.p, asset_node(&a.kind), added::NONE)?;
        Ok(pick(asset_json(r.w, id), r.p.get("fields")))
    } else {
        Err(no_object(id))
    }
}

/// `GET /me/business_users`: the person's own business-scoped accounts.
pub(super) fn my_business_users(r: &Read) -> GResult {
    r.caller.need("business_management")?;
    fields_ok(r.p, nodes::BUSINESS_USER, added::NONE)?;
    let (w, me) = (r.w, &r.caller.info.person_id);
    let items = w
        .members
        .iter()
        .filter(|m| m.person_id == *me)
        .filter(|m| !w.personal_access_ended(&m.person_id, &m.business_id, r.now))
        .filter_map(|m| {
            let b = w.business(&m.business_id)?;
            let kind = w.account_type(m);
            Some(
                json!({"id": m.bsuid, "name": w.person(&m.person_id)?.name, "role": m.role,
                        "business": {"id": b.id, "name": b.name}, "invited_user_type": [kind]}),
            )
        })
        .collect();
    r.page(items, "me/business_users")
}

/// `GET /{business}/system_users`: admins only.
pub(super) fn system_users(r: &Read, business: &str) -> GResult {
    r.caller.need("business_management")?;
    fields_ok(r.p, nodes::SYSTEM_USER, added::NONE)?;
    let w = r.w;
    if w.membership(business, &r.caller.info.person_id)
        .is_none_or(|m| m.role != "ADMIN")
    {
        return Err(err(
            200,
            None,
            "(#200) Only an admin of the business can see its system users",
        ));
    }
    let items = w
        .members
        .iter()
        .filter(|m| m.business_id == business && m.person_id == super::world::SYSTEM_USER)
        .filter_map(|m| {
            Some(json!({"id": m.bsuid, "name": w.person(&m.person_id)?.name, "role": m.role}))
        })
        .collect();
    r.page(items, &format!("{business}/system_users"))
}

/// `GET /{business}/business_users`: the portfolio's people, with their account type.
pub(super) fn business_users(r: &Read, business: &str) -> GResult {
    r.caller.need("business_management")?;
    fields_ok(r.p, nodes::BUSINESS_USER, added::NONE)?;
    let w = r.w;
    member_of(w, r.caller, business, "people")?;
    check_personal(w, r.caller, Some(business), r.now)?;
    let items = w
        .members
        .iter()
        .filter(|m| m.business_id == business)
        .filter_map(|m| {
            let person = w.person(&m.person_id)?;
            let kind = w.account_type(m);
            Some(json!({"id": m.bsuid, "name": person.name, "email": person.email, "role": m.role, "invited_user_type": [kind]}))
        })
        .collect();
    r.page(items, &format!("{business}/business_users"))
}

/// `GET /{business}/pending_client_pages|pending_client_ad_accounts`: shares waiting for
/// the owner's answer.
pub(super) fn pending_clients(r: &Read, business: &str, edge: &str) -> GResult {
    r.caller.need("business_management")?;
    let (kind, node, field) = if edge == "pending_client_pages" {
        ("page", nodes::PAGE_REQUEST, "page")
    } else {
        ("ad_account", nodes::AD_ACCOUNT_REQUEST, "ad_account")
    };
    fields_ok(r.p, node, added::CLIENT_ASSETS)?;
    let w = r.w;
    member_of(w, r.caller, business, "assets")?;
    let items: Vec<Value> = w
        .shares
        .iter()
        .filter(|s| s.business_id == business && s.status == "PENDING")
        .filter(|s| w.asset(&s.asset_id).is_some_and(|a| a.kind == kind))
        .map(|s| {
            json!({"id": format!("{}_{}", s.asset_id, s.business_id), field: asset_json(w, &s.asset_id),
                   "permitted_tasks": s.tasks})
        })
        .collect();
    r.page(items, &format!("{business}/{edge}"))
}

/// `GET /{business}/owned_*|client_*`: what the business owns, or what partners shared
/// with it (confirmed shares only; waiting ones are on `pending_client_*`).
pub(super) fn business_assets(r: &Read, business: &str, edge: &str) -> GResult {
    r.caller.need("business_management")?;
    let Some((kind, client)) = edge_kind(edge) else {
        return Err(no_object(edge));
    };
    let edge_adds = if client {
        added::CLIENT_ASSETS
    } else {
        added::NONE
    };
    fields_ok(r.p, asset_node(kind), edge_adds)?;
    let w = r.w;
    member_of(w, r.caller, business, "assets")?;
    check_personal(w, r.caller, Some(business), r.now)?;
    let items: Vec<Value> = if client {
        w.shares
            .iter()
            .filter(|s| s.business_id == business && s.status == "CONFIRMED")
            .filter(|s| w.asset(&s.asset_id).is_some_and(|a| a.kind == kind))
            .map(|s| {
                let mut v = asset_json(w, &s.asset_id);
                v["permitted_tasks"] = json!(s.tasks);
                v
            })
            .collect()
    } else {
        w.assets
            .iter()
            .filter(|a| a.owner.as_deref() == Some(business) && a.kind == kind)
            .map(|a| {
                let mut v = asset_json(w, &a.id);
                // `AdAccount.user_tasks`: the only owned kind whose node type tells the
                // caller's own tasks.
                if kind == "ad_account" {
                    v["user_tasks"] = json!(w.tasks_of(&r.caller.info.person_id, &a.id));
                }
                v
            })
            .collect()
    };
    r.page(items, &format!("{business}/{edge}"))
}
