//! Offboarding a client: partner access removed on every live partner grant (the agency's
//! side, then the owner's side where the agency can, then the client relationship itself),
//! each removal read back and recorded per asset, with the manual steps where Meta refused.

use std::collections::HashMap;

use super::connection::agency_token;
use super::{Actor, Ctx, audit};
use crate::actions::webhooks;
use crate::domain::access::{AssetKind, GrantMode};
use crate::domain::webhook::EventType;
use crate::domain::{GrantChange, GrantStatus};
use crate::error::{AppError, AppResult};
use crate::meta::AccessToken;
use crate::meta::client::CONCURRENCY;
use crate::meta::client::bounded;
use crate::store::grants::Grant;
use crate::store::{agencies, clients, grants};

/// A client's live grants, partner-based and user-based: what offboarding removes or lists.
#[tracing::instrument(skip_all, fields(agency = agency_id, client = client_id))]
pub async fn live_grants(
    ctx: &Ctx,
    agency_id: i64,
    client_id: i64,
) -> AppResult<(Vec<Grant>, Vec<Grant>)> {
    let all = grants::for_client(&ctx.db.pool, agency_id, client_id).await?;
    let (partner, user) = all
        .into_iter()
        .filter(|g| g.status.is_live())
        .partition(|g| g.mode == GrantMode::Partner);
    Ok((partner, user))
}

/// "Page name (Facebook Page)".
pub fn label(g: &Grant) -> String {
    format!("{} ({})", g.asset_name, g.kind.label())
}

/// Where, in the agency's own Meta Business Settings, a partner asset is removed by hand.
/// Why a Page's partner access could not be removed through the API.
const NO_PAGE_TOKEN: &str = "Meta removes a partner from a Page only with that Page's own token, and your agency's system user has no role on this Page.";

/// Why the relationship with a client's business was kept.
const SHARED_ELSEWHERE: &str = "Another of your clients in Latchkey holds assets of this Meta business, and ending the relationship would remove those too.";

/// Where a client relationship is ended by hand.
const END_BY_HAND: &str = "To end it by hand: in your agency's Meta Business Settings, open Users → Partners, select the client and choose Remove.";

fn remove_by_hand(kind: AssetKind) -> String {
    let section = kind.settings_section();
    let what = match kind {
        AssetKind::Page => "Page",
        AssetKind::AdAccount => "ad account",
        AssetKind::Instagram => "Instagram account",
        AssetKind::Catalog => "catalog",
        AssetKind::Pixel => "dataset",
    };
    format!(
        "To remove it by hand: in your agency's Meta Business Settings, open {section}, select the {what} and choose Remove."
    )
}

/// Why offboarding did not start.
#[derive(Debug)]
pub enum OffboardRefused {
    /// The typed name did not match the client's.
    NameMismatch(String),
    /// No Meta connection (or no portfolio) to remove partner access with.
    NotConnected,
}

/// Ends the partnership: removes partner access on every live partner grant and records
/// the result per asset as (asset, outcome) lines.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn offboard(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    confirm_name: &str,
) -> AppResult<Result<Vec<(String, String)>, OffboardRefused>> {
    let client = clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if confirm_name.trim() != client.name {
        return Ok(Err(OffboardRefused::NameMismatch(client.name)));
    }
    let (partner, _) = live_grants(ctx, actor.agency_id, client_id).await?;
    let token = agency_token(ctx, actor.agency_id).await?;
    let (Some(token), Some(portfolio)) = (token, agency.portfolio_id.clone()) else {
        return Ok(Err(OffboardRefused::NotConnected));
    };
    let total = partner.len();
    // Meta changes a Page's partners only with that Page's token: the agency's system user
    // has one for the Pages it was given a role on (`/me/accounts`).
    let page_tokens: HashMap<String, AccessToken> =
        if partner.iter().any(|g| g.kind == AssetKind::Page) {
            crate::actions::assignments::page_tokens(ctx, &token).await
        } else {
            HashMap::new()
        };
    let outcomes = bounded(partner, CONCURRENCY, |g| {
        let (graph, portfolio, system) = (ctx.graph.clone(), portfolio.clone(), token.clone());
        let owner_side = match g.kind {
            AssetKind::Page => page_tokens.get(&g.asset_id).cloned(),
            _ => Some(token.clone()),
        };
        async move {
            // The agency's own side first: Meta documents it for Pages and ad accounts, and
            // it needs no Page token (which an agency given Advertise or View never holds).
            let agency_side = graph
                .leave_client_asset(&system, &portfolio, g.kind, &g.asset_id)
                .await;
            let r = match (agency_side, owner_side) {
                (Some(Ok(())), _) => Ok(()),
                // Then the owner's side, where the agency holds what it needs.
                (_, Some(t)) => graph
                    .remove_partner(&t, &g.asset_id, &portfolio)
                    .await
                    .map_err(|e| e.plain().to_owned()),
                (Some(Err(e)), None) => Err(e.plain().to_owned()),
                (None, None) => Err(NO_PAGE_TOKEN.to_owned()),
            };
            (g, r)
        }
    })
    .await;
    // Then the relationship itself (`DELETE /{agency}/clients`), which takes every asset of
    // the client's business whatever its kind — unless another client of the agency's holds
    // assets of that business, which it would take too.
    let mut owners: Vec<String> = outcomes
        .iter()
        .filter_map(|(g, _)| g.owner_portfolio_id.clone())
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort();
    owners.dedup();
    let mut relationships: Vec<(String, Result<(), String>)> = Vec::new();
    for owner in owners {
        if grants::owner_shared_elsewhere(&ctx.db.pool, actor.agency_id, client_id, &owner).await? {
            relationships.push((owner, Err(SHARED_ELSEWHERE.to_owned())));
            continue;
        }
        let r = ctx
            .graph
            .end_client_relationship(&token, &portfolio, &owner)
            .await
            .map_err(|e| e.plain().to_owned());
        relationships.push((owner, r));
    }
    let ended: Vec<&str> = relationships
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(o, _)| o.as_str())
        .collect();
    let outcomes: Vec<_> = outcomes
        .into_iter()
        .map(|(g, r)| {
            let by_relationship = g
                .owner_portfolio_id
                .as_deref()
                .is_some_and(|o| ended.contains(&o));
            let r = if by_relationship { Ok(()) } else { r };
            (g, r)
        })
        .collect();
    // Read back either way: an asset Meta still lists as shared with the agency was not
    // removed, whatever the calls answered; a business Meta still lists among the agency's
    // clients was not let go.
    let mut still_listed: Vec<String> = Vec::new();
    let mut kinds: Vec<AssetKind> = Vec::new();
    for (g, r) in &outcomes {
        if r.is_ok() && !kinds.contains(&g.kind) {
            kinds.push(g.kind);
        }
    }
    for kind in kinds {
        if let Ok(rows) = ctx
            .graph
            .business_assets(&token, &portfolio, kind, crate::meta::client::Edge::Client)
            .await
        {
            still_listed.extend(rows.into_iter().map(|r| r.id));
        }
    }
    let still_clients: Vec<String> = if ended.is_empty() {
        Vec::new()
    } else {
        ctx.graph
            .client_businesses(&token, &portfolio)
            .await
            .map(|rows| rows.into_iter().map(|b| b.id).collect())
            .unwrap_or_default()
    };
    let outcomes: Vec<_> = outcomes
        .into_iter()
        .map(|(g, r)| {
            let r = r.and_then(|()| {
                if still_listed.contains(&g.asset_id) {
                    Err("Meta still lists it as shared with your agency.".to_owned())
                } else {
                    Ok(())
                }
            });
            (g, r)
        })
        .collect();
    let now = ctx.clock.now();
    let mut results = Vec::new();
    let mut tx = ctx.db.begin().await?;
    for (g, r) in &outcomes {
        match r {
            Ok(()) => {
                let new = g
                    .status
                    .after(GrantChange::Removed)
                    .unwrap_or(GrantStatus::Revoked);
                let why = "Partnership ended by the agency; partner access removed.";
                grants::set_status(&mut tx, g.id, new, why, false, now).await?;
                let data = serde_json::json!({
                    "grant_id": g.id, "client_id": g.client_id, "asset_id": g.asset_id,
                    "kind": g.kind.as_str(), "mode": g.mode.as_str(),
                });
                webhooks::emit(&mut tx, actor.agency_id, EventType::GrantRemoved, data, now)
                    .await?;
                results.push((label(g), "Removed".to_owned()));
            }
            Err(why) => results.push((
                label(g),
                format!("Not removed: {why} {}", remove_by_hand(g.kind)),
            )),
        }
    }
    let removed = results.iter().filter(|r| r.1 == "Removed").count();
    for (owner, r) in relationships {
        let line = format!("The client relationship with Meta business {owner}");
        results.push(match r {
            Ok(()) if !still_clients.contains(&owner) => (line, "Removed".to_owned()),
            Ok(()) => (
                line,
                format!("Not removed: Meta still lists it among your clients. {END_BY_HAND}"),
            ),
            Err(why) => (line, format!("Not removed: {why} {END_BY_HAND}")),
        });
    }
    let target = format!(
        "{}: {removed} of {total} partner grants removed",
        client.name
    );
    audit(&mut tx, actor, "client.offboarded", &target, now).await?;
    tx.commit().await?;
    ctx.webhook_bell.notify_one();
    Ok(Ok(results))
}
