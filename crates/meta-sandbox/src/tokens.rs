//! Tokens as Meta hands them out and describes them: the code exchange
//! (`/oauth/access_token`), `debug_token`, and `/me/accounts` with its Page tokens.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::answers::{Caller, GResult, asset_json, err, proof};
use super::paging::page;
use super::world::{APP_ID, APP_SECRET, SYSTEM_USER, TokenInfo};
use super::{Inner, Sandbox};

pub(super) fn oauth_token(g: &mut Inner, p: &BTreeMap<String, String>, now: i64) -> GResult {
    if p.get("client_id").map(String::as_str) != Some(APP_ID)
        || p.get("client_secret").map(String::as_str) != Some(APP_SECRET)
    {
        return Err(err(
            101,
            None,
            "Error validating application. Invalid application ID or secret.",
        ));
    }
    let (person, scopes) = if p.get("grant_type").map(String::as_str) == Some("fb_exchange_token") {
        let old = p
            .get("fb_exchange_token")
            .and_then(|t| g.world.tokens.get(t))
            .filter(|t| t.expires_at > now);
        let Some(old) = old else {
            return Err(err(190, None, "Invalid OAuth access token."));
        };
        (old.person_id.clone(), old.scopes.clone())
    } else {
        let code = p.get("code").cloned().unwrap_or_default();
        let Some(c) = g.world.codes.get_mut(&code) else {
            return Err(err(100, Some(36009), "Invalid verification code format."));
        };
        if c.used {
            return Err(err(
                100,
                Some(36009),
                "This authorization code has been used.",
            ));
        }
        if c.expires_at <= now {
            return Err(err(
                100,
                Some(36007),
                "This authorization code has expired.",
            ));
        }
        if p.get("redirect_uri") != Some(&c.redirect_uri) {
            return Err(err(
                100,
                Some(36008),
                "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            ));
        }
        c.used = true;
        (c.person_id.clone(), c.scopes.clone())
    };
    let token = format!("EAAS{}", super::random_hex(24));
    let ttl = 5_183_976;
    g.world.tokens.insert(
        token.clone(),
        TokenInfo {
            person_id: person,
            page_id: None,
            scopes,
            issued_at: now,
            expires_at: now + ttl,
        },
    );
    Ok(json!({"access_token": token, "token_type": "bearer", "expires_in": ttl}))
}

pub(super) fn debug_token(g: &Inner, p: &BTreeMap<String, String>, now: i64) -> GResult {
    if p.get("access_token").map(String::as_str) != Some(&format!("{APP_ID}|{APP_SECRET}")) {
        return Err(err(190, None, "Invalid OAuth access token signature."));
    }
    let input = p.get("input_token").cloned().unwrap_or_default();
    let w = &g.world;
    let Some(t) = w.tokens.get(&input) else {
        return Ok(
            json!({"data": {"is_valid": false, "error": {"code": 190, "message": "Invalid OAuth access token.", "subcode": 467}, "scopes": []}}),
        );
    };
    let businesses: Vec<&str> = w
        .members
        .iter()
        .filter(|m| m.person_id == t.person_id)
        .map(|m| m.business_id.as_str())
        .collect();
    let pages: Vec<&str> = w
        .roles
        .iter()
        .filter(|r| {
            r.person_id == t.person_id && w.asset(&r.asset_id).is_some_and(|a| a.kind == "page")
        })
        .map(|r| r.asset_id.as_str())
        .collect();
    let granular: Vec<Value> = t
        .scopes
        .iter()
        .filter_map(|s| match s.as_str() {
            "business_management" => Some(json!({"scope": s, "target_ids": businesses})),
            "pages_show_list" | "pages_manage_metadata" => {
                Some(json!({"scope": s, "target_ids": pages}))
            }
            _ => None,
        })
        .collect();
    let mut data = json!({
        "app_id": APP_ID,
        "type": match (&t.page_id, t.person_id.as_str()) {
            (Some(_), _) => "PAGE",
            (None, SYSTEM_USER) => "SYSTEM_USER",
            _ => "USER",
        },
        "application": "Latchkey Sandbox",
        "data_access_expires_at": t.issued_at + 90 * 86_400,
        "expires_at": t.expires_at,
        "is_valid": t.expires_at > now,
        "issued_at": t.issued_at,
        "scopes": t.scopes,
        "granular_scopes": granular,
        "user_id": t.person_id,
    });
    if t.expires_at <= now {
        data["error"] = json!({"code": 190, "message": "Error validating access token: Session has expired.", "subcode": 463});
    }
    Ok(json!({ "data": data }))
}

pub(super) fn me_accounts(
    g: &mut Inner,
    sb: &Sandbox,
    c: &Caller,
    p: &BTreeMap<String, String>,
    version: &str,
    now: i64,
) -> GResult {
    let w = &g.world;
    let mut pages: Vec<(String, Vec<String>, Option<String>)> = w
        .roles
        .iter()
        .filter(|r| r.person_id == c.info.person_id)
        .filter_map(|r| {
            w.asset(&r.asset_id)
                .filter(|a| a.kind == "page")
                .map(|a| (a.id.clone(), r.tasks.clone(), a.owner.clone()))
        })
        .filter(|(_, _, owner)| {
            !owner
                .as_deref()
                .is_some_and(|b| w.personal_access_ended(&c.info.person_id, b, now))
        })
        .collect();
    // Pages a business assigned the caller to (an agency's system user on a client's Page
    // shared with the agency) are listed too, with the tasks assigned: that is where the
    // caller gets the Page token those Pages' own edges need.
    for a in &w.assignments {
        let mine = w
            .member_by_bsuid(&a.bsuid)
            .is_some_and(|m| m.person_id == c.info.person_id);
        if mine
            && !pages.iter().any(|(id, _, _)| id == &a.asset_id)
            && let Some(asset) = w.asset(&a.asset_id).filter(|x| x.kind == "page")
        {
            pages.push((asset.id.clone(), a.tasks.clone(), asset.owner.clone()));
        }
    }
    let mut items = Vec::new();
    for (page_id, tasks, _) in pages {
        // Deterministic per user token and Page, so listing twice does not mint new tokens.
        let page_token = format!("EAAP{}", &proof(&format!("{}:{page_id}", c.token))[..40]);
        g.world.tokens.insert(
            page_token.clone(),
            TokenInfo {
                person_id: c.info.person_id.clone(),
                page_id: Some(page_id.clone()),
                scopes: c.info.scopes.clone(),
                issued_at: now,
                expires_at: c.info.expires_at,
            },
        );
        let mut v = asset_json(&g.world, &page_id);
        v["access_token"] = json!(page_token);
        v["tasks"] = json!(tasks);
        items.push(v);
    }
    Ok(page(items, p, &sb.graph_base, version, "me/accounts"))
}
