//! The sharing edges of an asset: `/{asset}/agencies` (partner access for a business
//! portfolio) and `/{asset}/assigned_users` (tasks for a person of a portfolio), with the
//! rules Meta enforces on each.

use std::collections::BTreeMap;

use axum::http::Method;
use serde_json::json;

use super::answers::{
    Caller, GErr, GResult, check_personal, err, full_control, iso, no_object, parse_list,
};
use super::paging::page;
use super::schema::{self, added};
use super::world::{Asset, Share};
use super::{Inner, Sandbox};
use super::{answers::fields_ok, nodes};

/// One call on an asset's sharing edge.
pub(super) struct EdgeCall<'a, 'c> {
    pub sb: &'a Sandbox,
    pub c: &'a Caller<'c>,
    pub m: Method,
    pub asset_id: &'a str,
    pub p: &'a BTreeMap<String, String>,
    pub version: &'a str,
    pub now: i64,
}

/// The asset, if the caller may reach it at all (`business_management`, not cut off by a
/// migration), with the caller's own tasks on it.
fn reachable(
    g: &Inner,
    c: &Caller,
    asset_id: &str,
    now: i64,
) -> Result<(Asset, Vec<String>), GErr> {
    c.need("business_management")?;
    let w = &g.world;
    let asset = w
        .asset(asset_id)
        .cloned()
        .ok_or_else(|| no_object(asset_id))?;
    check_personal(w, c, asset.owner.as_deref(), now)?;
    let own_tasks = w.tasks_of(&c.info.person_id, asset_id);
    Ok((asset, own_tasks))
}

/// Refuses a call on a Page's edge made without that Page's own token.
fn page_token(c: &Caller, page_id: &str) -> Result<(), GErr> {
    if c.info.page_id.as_deref() == Some(page_id) {
        Ok(())
    } else {
        Err(err(
            210,
            None,
            "(#210) A page access token is required to request this resource.",
        ))
    }
}

pub(super) fn agencies(g: &mut Inner, call: EdgeCall<'_, '_>) -> GResult {
    let (c, asset_id) = (call.c, call.asset_id);
    let (asset, own_tasks) = reachable(g, c, asset_id, call.now)?;
    let w = &g.world;
    // A partner business's admins can see (and leave) assets shared with their business.
    let partner_admin = w.shares.iter().any(|s| {
        s.asset_id == asset_id
            && w.membership(&s.business_id, &c.info.person_id)
                .is_some_and(|mb| mb.role == "ADMIN")
    });
    if own_tasks.is_empty() && !partner_admin {
        return Err(no_object(asset_id));
    }
    // A Page's partners are read, added and removed with the Page's own token only.
    if asset.kind == "page" {
        page_token(c, asset_id)?;
    }
    let full_control = own_tasks.iter().any(|t| t == full_control(&asset.kind));
    match call.m {
        Method::GET => list_partners(w, &call),
        Method::POST => add_partner(g, &asset, full_control, &call),
        Method::DELETE => remove_partner(g, full_control, &call),
        _ => Err(err(100, None, "Unsupported request")),
    }
}

/// `GET /{asset}/agencies`: the businesses the asset is shared with.
fn list_partners(w: &super::world::World, call: &EdgeCall<'_, '_>) -> GResult {
    let (p, asset_id) = (call.p, call.asset_id);
    fields_ok(p, nodes::BUSINESS, added::AGENCIES)?;
    let items = w
        .shares
        .iter()
        .filter(|s| s.asset_id == asset_id)
        .map(|s| {
            let name = w.business(&s.business_id).map(|b| b.name.clone()).unwrap_or_default();
            json!({"id": s.business_id, "name": name, "permitted_tasks": s.tasks, "access_status": s.status,
                   "access_requested_time": iso(s.requested_at), "access_updated_time": iso(s.requested_at)})
        })
        .collect();
    let path = format!("{asset_id}/agencies");
    Ok(page(items, p, &call.sb.graph_base, call.version, &path))
}

/// `POST /{asset}/agencies`: shares the asset with a partner business, as Meta checks it.
fn add_partner(
    g: &mut Inner,
    asset: &Asset,
    full_control: bool,
    call: &EdgeCall<'_, '_>,
) -> GResult {
    let (p, asset_id, w) = (call.p, call.asset_id, &g.world);
    if !full_control {
        return Err(err(
            200,
            None,
            "(#200) You must have full control of this asset to share it with a partner.",
        ));
    }
    let Some(owner) = asset.owner.clone() else {
        return Err(err(
            100,
            Some(3996),
            "This Page is not in a business portfolio, so it cannot be shared with a partner.",
        ));
    };
    let business = p.get("business").cloned().unwrap_or_default();
    if w.business(&business).is_none() {
        return Err(err(
            100,
            None,
            "(#100) Param business must be a valid business id",
        ));
    }
    if business == owner {
        return Err(err(
            100,
            Some(3946),
            "The asset already belongs to this business.",
        ));
    }
    let tasks = parse_list(p.get("permitted_tasks").map_or("", String::as_str));
    let valid = schema::permitted_tasks(&asset.kind);
    if tasks.is_empty() || tasks.iter().any(|t| !valid.contains(&t.as_str())) {
        return Err(err(
            100,
            None,
            "(#100) permitted_tasks contains an invalid task",
        ));
    }
    if w.shares
        .iter()
        .any(|s| s.asset_id == asset_id && s.business_id == business)
    {
        return Err(err(
            100,
            Some(3989),
            "Duplicate assignment: this asset is already shared with this business.",
        ));
    }
    // Instagram shares wait for the partner's confirmation, as Meta's do.
    let status = if asset.kind == "instagram" {
        "PENDING"
    } else {
        "CONFIRMED"
    };
    g.world.note_partnership(&business, asset_id);
    g.world.shares.push(Share {
        asset_id: asset_id.to_owned(),
        business_id: business,
        tasks,
        status: status.into(),
        requested_at: call.now,
    });
    Ok(json!({"success": true}))
}

/// `DELETE /{asset}/agencies`: the asset's admins remove a partner, or a partner leaves.
fn remove_partner(g: &mut Inner, full_control: bool, call: &EdgeCall<'_, '_>) -> GResult {
    let asset_id = call.asset_id;
    let business = call.p.get("business").cloned().unwrap_or_default();
    let leaving = g
        .world
        .membership(&business, &call.c.info.person_id)
        .is_some_and(|m| m.role == "ADMIN");
    if !leaving && !full_control {
        return Err(err(
            200,
            None,
            "(#200) You must have full control of this asset to remove a partner.",
        ));
    }
    let before = g.world.shares.len();
    g.world
        .shares
        .retain(|s| !(s.asset_id == asset_id && s.business_id == business));
    if g.world.shares.len() == before {
        return Err(err(
            100,
            None,
            "(#100) This business does not have access to the asset",
        ));
    }
    Ok(json!({"success": true}))
}

/// The caller must be an admin of `business` (an existing one) to change what it holds.
fn partner_admin(
    w: &super::world::World,
    c: &Caller,
    business: &str,
    refusal: &str,
) -> Result<(), GErr> {
    if w.business(business).is_none() {
        return Err(no_object(business));
    }
    if w.membership(business, &c.info.person_id)
        .is_none_or(|m| m.role != "ADMIN")
    {
        return Err(err(200, None, refusal));
    }
    Ok(())
}

/// `business` gives up `assets`: their shares with it go, and so do its people's
/// assignments on them. How many shares went.
fn give_up(g: &mut Inner, business: &str, assets: &[String]) -> usize {
    let members: Vec<String> = g
        .world
        .members
        .iter()
        .filter(|m| m.business_id == business)
        .map(|m| m.bsuid.clone())
        .collect();
    let before = g.world.shares.len();
    g.world
        .shares
        .retain(|s| !(s.business_id == business && assets.contains(&s.asset_id)));
    g.world
        .assignments
        .retain(|a| !(assets.contains(&a.asset_id) && members.contains(&a.bsuid)));
    before - g.world.shares.len()
}

/// `DELETE /{business}/pages?page_id=…` and `…/ad_accounts?adaccount_id=…`: the partner
/// business gives up a client's asset shared with it, by its own decision (an admin of the
/// partner, with `business_management`). Its people's assignments on the asset go with it.
/// The owner-side `DELETE /{page}/agencies` needs a Page token with MANAGE, which a partner
/// given Advertise or View never holds: this is the call an agency makes.
pub(super) fn leave(
    g: &mut Inner,
    c: &Caller,
    business: &str,
    edge: &str,
    p: &BTreeMap<String, String>,
) -> GResult {
    c.need("business_management")?;
    let (param, kind) = if edge == "pages" {
        ("page_id", "page")
    } else {
        ("adaccount_id", "ad_account")
    };
    let Some(raw) = p.get(param) else {
        return Err(err(
            100,
            None,
            &format!("(#100) The parameter {param} is required"),
        ));
    };
    let asset_id = if kind == "ad_account" && !raw.starts_with("act_") {
        format!("act_{raw}")
    } else {
        raw.clone()
    };
    let w = &g.world;
    partner_admin(
        w,
        c,
        business,
        "(#200) Only an admin of the business can remove its assets",
    )?;
    if !w.assets.iter().any(|a| a.id == asset_id && a.kind == kind) {
        return Err(err(
            100,
            None,
            "(#100) Param page_id or adaccount_id must be a valid asset id",
        ));
    }
    if give_up(g, business, &[asset_id]) == 0 {
        return Err(err(
            100,
            None,
            "(#100) This asset is not shared with this business",
        ));
    }
    Ok(json!({"success": true}))
}

/// `GET /{business}/clients`: the businesses that have shared assets with this one (the
/// Partners list), with `business_management`, for a member of the business.
pub(super) fn clients(
    g: &Inner,
    c: &Caller,
    business: &str,
) -> Result<Vec<serde_json::Value>, GErr> {
    c.need("business_management")?;
    let w = &g.world;
    if w.business(business).is_none() {
        return Err(no_object(business));
    }
    if w.membership(business, &c.info.person_id).is_none() {
        return Err(err(
            200,
            None,
            "(#200) You must be a member of the business to see its clients",
        ));
    }
    Ok(w.partnerships
        .iter()
        .filter(|(partner, _)| partner == business)
        .filter_map(|(_, client)| w.business(client))
        .map(|b| json!({"id": b.id, "name": b.name}))
        .collect())
}

/// `DELETE /{business}/clients?business=…`: the partner ends its relationship with a
/// client business, and with it every asset of the client shared with it and its people's
/// assignments on them, by its own admin's decision (`business_management`).
pub(super) fn end_client(
    g: &mut Inner,
    c: &Caller,
    business: &str,
    p: &BTreeMap<String, String>,
) -> GResult {
    c.need("business_management")?;
    let Some(client) = p.get("business").cloned() else {
        return Err(err(100, None, "(#100) The parameter business is required"));
    };
    partner_admin(
        &g.world,
        c,
        business,
        "(#200) Only an admin of the business can end a client relationship",
    )?;
    if !g
        .world
        .partnerships
        .remove(&(business.to_owned(), client.clone()))
    {
        return Err(err(
            100,
            None,
            "(#100) Param business must be a client of this business",
        ));
    }
    let theirs: Vec<String> = g
        .world
        .assets
        .iter()
        .filter(|a| a.owner.as_deref() == Some(client.as_str()))
        .map(|a| a.id.clone())
        .collect();
    give_up(g, business, &theirs);
    Ok(json!({"success": true}))
}

/// The confirmed share of `asset_id` with `business`, when the caller administers that
/// business: a partner's admins work inside their own portfolio, and may see and assign
/// its people on the asset within the tasks the share permits.
fn partner_share(
    w: &super::world::World,
    c: &Caller,
    asset_id: &str,
    business: &str,
) -> Option<Share> {
    w.shares
        .iter()
        .find(|s| {
            s.asset_id == asset_id
                && s.business_id == business
                && s.status == "CONFIRMED"
                && w.membership(business, &c.info.person_id)
                    .is_some_and(|mb| mb.role == "ADMIN")
        })
        .cloned()
}

pub(super) fn assigned_users(g: &mut Inner, call: EdgeCall<'_, '_>) -> GResult {
    let (c, asset_id) = (call.c, call.asset_id);
    let (asset, own_tasks) = reachable(g, c, asset_id, call.now)?;
    let w = &g.world;
    let partner_of_caller = w
        .members
        .iter()
        .filter(|mb| mb.person_id == c.info.person_id)
        .find_map(|mb| partner_share(w, c, asset_id, &mb.business_id));
    if own_tasks.is_empty() && partner_of_caller.is_none() {
        return Err(no_object(asset_id));
    }
    match call.m {
        Method::GET => list_assigned(w, &asset, &own_tasks, &call),
        Method::POST | Method::DELETE => assign(g, &asset, &own_tasks, &call),
        _ => Err(err(100, None, "Unsupported request")),
    }
}

/// `GET /{asset}/assigned_users?business=`: the people of one business assigned to it.
fn list_assigned(
    w: &super::world::World,
    asset: &Asset,
    own_tasks: &[String],
    call: &EdgeCall<'_, '_>,
) -> GResult {
    let (c, p, asset_id, now) = (call.c, call.p, call.asset_id, call.now);
    // Meta's reference for a Page's assigned users: a Page token, and
    // pages_manage_metadata — refused in Meta's words without either.
    if asset.kind == "page" {
        page_token(c, asset_id)?;
        c.need("pages_manage_metadata")?;
    }
    let Some(business) = p.get("business") else {
        return Err(err(100, None, "(#100) The parameter business is required"));
    };
    fields_ok(p, nodes::ASSIGNED_USER, added::ASSIGNED_USERS)?;
    if own_tasks.is_empty() && partner_share(w, c, asset_id, business).is_none() {
        return Err(err(
            200,
            None,
            "(#200) You can only see the people of a business you administer",
        ));
    }
    let items = w
        .assignments
        .iter()
        .filter(|a| a.asset_id == asset_id)
        .filter_map(|a| {
            let member = w.member_by_bsuid(&a.bsuid)?;
            // Personal-account assignments stop working after the migration's grace.
            if member.business_id != *business
                || (!member.managed && w.migration_over(&member.business_id, now))
            {
                return None;
            }
            let person = w.person(&member.person_id)?;
            let kind = if member.person_id == super::world::SYSTEM_USER {
                "SYSTEM_USER"
            } else {
                "BUSINESS_USER"
            };
            Some(json!({"id": a.bsuid, "name": person.name, "user_type": kind, "tasks": a.tasks}))
        })
        .collect();
    let path = format!("{asset_id}/assigned_users");
    Ok(page(items, p, &call.sb.graph_base, call.version, &path))
}

/// `POST` or `DELETE /{asset}/assigned_users`: assigns a person of the owner's portfolio
/// (by its admins) or of a partner business (by the partner's admins, within the share).
fn assign(g: &mut Inner, asset: &Asset, own_tasks: &[String], call: &EdgeCall<'_, '_>) -> GResult {
    let (c, p, asset_id, m) = (call.c, call.p, call.asset_id, &call.m);
    let w = &g.world;
    let user = p.get("user").cloned().unwrap_or_default();
    let member = w.member_by_bsuid(&user).cloned();
    let owner_side = member
        .as_ref()
        .is_some_and(|mb| Some(&mb.business_id) == asset.owner.as_ref());
    let partner = member
        .as_ref()
        .and_then(|mb| partner_share(w, c, asset_id, &mb.business_id));
    let Some(member) = member.filter(|_| owner_side || partner.is_some()) else {
        return Err(err(
            100,
            None,
            "(#100) Param user must be a business-scoped user id of a person in the asset's business portfolio or in a partner business you administer",
        ));
    };
    if owner_side {
        if asset.kind == "page" && *m == Method::POST {
            page_token(c, asset_id)?;
        }
        if !own_tasks.iter().any(|t| t == full_control(&asset.kind)) {
            return Err(err(
                200,
                None,
                "(#200) You must have full control of this asset to assign people.",
            ));
        }
    }
    if *m == Method::DELETE {
        g.world
            .assignments
            .retain(|a| !(a.asset_id == asset_id && a.bsuid == member.bsuid));
        return Ok(json!({"success": true}));
    }
    let tasks = parse_list(p.get("tasks").map_or("", String::as_str));
    let valid = schema::user_tasks(&asset.kind);
    if tasks.is_empty() || tasks.iter().any(|t| !valid.contains(&t.as_str())) {
        return Err(err(100, None, "(#100) tasks contains an invalid task"));
    }
    if let Some(share) = partner.filter(|_| !owner_side)
        && tasks.iter().any(|t| !share.tasks.contains(t))
    {
        return Err(err(
            100,
            None,
            "(#100) tasks exceed what the asset's owner permitted your business",
        ));
    }
    g.world
        .assignments
        .retain(|a| !(a.asset_id == asset_id && a.bsuid == member.bsuid));
    g.world.assignments.push(super::world::Assignment {
        asset_id: asset_id.to_owned(),
        bsuid: member.bsuid,
        tasks,
    });
    Ok(json!({"success": true}))
}
