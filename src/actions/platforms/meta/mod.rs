//! Meta behind the platform seam: read-back from the agency's `client_*` edges, and removal
//! of partner access (the agency's side, then the owner's side where the agency can, then
//! the client relationship itself), each read back.

pub mod inventory;
mod share;

use std::collections::HashMap;

pub use share::PortfolioSignal;

use super::{
    Approval, Holdings, Inventory, Line, NotListed, PlatformApi, PlatformError, Removal, Sharing,
    SignInRefused, SignedIn,
};
use crate::actions::Ctx;
use crate::actions::connection::{agency_token, warn_connection};
use crate::actions::platforms::Offered;
use crate::domain::Platform;
use crate::domain::access::Ask;
use crate::domain::access::AssetKind;
use crate::domain::migration::ConnectionWarning;
use crate::i18n::Text;
use crate::meta::client::{CONCURRENCY, Edge, bounded, pending_edge};
use crate::meta::{AccessToken, GraphError};
use crate::store::agencies::Agency;
use crate::store::grants::{self, Grant};

/// Why a Page's partner access could not be removed through the API.
const NO_PAGE_TOKEN: &str = "Meta removes a partner from a Page only with that Page's own token, and your agency's system user has no role on this Page.";

/// Why the relationship with a client's business was kept.
const SHARED_ELSEWHERE: &str = "Another of your clients in Latchkey holds assets of this Meta business, and ending the relationship would remove those too.";

/// Where a client relationship is ended by hand.
const END_BY_HAND: &str = "To end it by hand: in your agency's Meta Business Settings, open Users → Partners, select the client and choose Remove.";

/// Where, in the agency's own Meta Business Settings, a partner asset is removed by hand.
fn remove_by_hand(kind: AssetKind) -> String {
    let section = kind.settings_section();
    let what = match kind {
        AssetKind::Page => "Page",
        AssetKind::AdAccount => "ad account",
        AssetKind::Instagram => "Instagram account",
        AssetKind::Catalog => "catalog",
        AssetKind::Pixel => "dataset",
        AssetKind::Ga4Property | AssetKind::GtmContainer | AssetKind::GoogleAds => "asset",
    };
    format!(
        "To remove it by hand: in your agency's Meta Business Settings, open {section}, select the {what} and choose Remove."
    )
}

pub struct Meta;

/// The agency's system-user token and portfolio id, or why there are none.
async fn connection(ctx: &Ctx, agency: &Agency) -> Result<(AccessToken, String), PlatformError> {
    let token = agency_token(ctx, agency.id).await?;
    match (token, agency.portfolio_id.clone()) {
        (Some(t), Some(p)) => Ok((t, p)),
        _ => Err(PlatformError::NotConnected(Platform::Meta)),
    }
}

fn failed(e: &GraphError) -> PlatformError {
    PlatformError::Failed {
        platform: Platform::Meta,
        why: e.plain(),
        connection_lost: matches!(e, GraphError::TokenInvalid { .. }),
    }
}

#[async_trait::async_trait]
impl PlatformApi for Meta {
    fn platform(&self) -> Platform {
        Platform::Meta
    }

    fn sign_in_url(&self, ctx: &Ctx, asks: &[Ask], state: &str, again: bool) -> String {
        ctx.graph
            .dialog_url(state, &inventory::scopes_for(asks), again)
    }

    async fn signed_in(
        &self,
        ctx: &Ctx,
        asks: &[Ask],
        code: &str,
    ) -> crate::error::AppResult<Result<SignedIn, SignInRefused>> {
        let refused = |e: GraphError| {
            tracing::warn!(error = ?e, "facebook login could not be completed");
            SignInRefused::Failed(e.why())
        };
        let token = match ctx.graph.exchange_code(code).await {
            Ok(t) => t.access_token,
            Err(e) => return Ok(Err(refused(e))),
        };
        let info = match ctx.graph.debug_token(&token).await {
            Ok(i) => i,
            Err(e) => return Ok(Err(refused(e))),
        };
        if !info.is_valid || info.app_id != ctx.graph.config().app_id {
            return Ok(Err(SignInRefused::Unconfirmed));
        }
        let missing: Vec<Text> = inventory::scopes_for(asks)
            .iter()
            .filter(|s| !info.scopes.iter().any(|g| g == *s))
            .map(|s| inventory::scope_words(s))
            .collect();
        if !missing.is_empty() {
            return Ok(Err(SignInRefused::Missing(missing)));
        }
        let me =
            ctx.graph.me(&token).await.map_err(|e| {
                crate::error::AppError::Unexpected(anyhow::anyhow!("/me failed: {e}"))
            })?;
        Ok(Ok(SignedIn {
            token,
            person_id: me.id,
            person_name: me.name,
        }))
    }

    async fn inventory(
        &self,
        ctx: &Ctx,
        token: &AccessToken,
        asks: &[Ask],
        agency: &Agency,
    ) -> Result<Inventory, NotListed> {
        let portfolio = agency.portfolio_id.as_deref();
        inventory::inventory(&ctx.graph, token, asks, portfolio, agency.public_name())
            .await
            .map_err(|e| NotListed {
                sign_in_again: e == GraphError::TokenInvalid { subcode: None },
                why: e.why(),
            })
    }

    async fn sharing<'a>(
        &'a self,
        ctx: &'a Ctx,
        a: Approval<'a>,
        assets: &[Offered],
    ) -> Result<Box<dyn Sharing + 'a>, Text> {
        let prepared = share::prepare(&ctx.graph, a.token, assets)
            .await
            .map_err(|e| e.why())?;
        if !a.recovering {
            // Evidence only: a failure to record it must not stop the shares.
            let recorded = crate::actions::signals::record_signals(
                ctx,
                a.agency,
                a.client_id,
                a.approver,
                &prepared.signals,
            )
            .await;
            if let Err(e) = recorded {
                tracing::warn!(error = ?e, "migration signals not recorded");
            }
        }
        Ok(Box::new(share::MetaSharing {
            graph: &ctx.graph,
            approval: a,
            prepared,
        }))
    }

    async fn arrange_for_staff(
        &self,
        ctx: &Ctx,
        agency: &Agency,
        staff: &[String],
        shared: Vec<(String, Vec<String>)>,
    ) -> HashMap<String, String> {
        crate::actions::assignments::assign(ctx, agency, staff, shared)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = ?e, "partner assets not assigned inside the agency");
                HashMap::new()
            })
    }

    async fn connected(&self, ctx: &Ctx, agency: &Agency) -> crate::error::AppResult<bool> {
        Ok(agency.portfolio_id.is_some() && agency_token(ctx, agency.id).await?.is_some())
    }

    async fn holdings(&self, ctx: &Ctx, agency: &Agency) -> Result<Holdings, PlatformError> {
        let (token, portfolio) = connection(ctx, agency).await?;
        let listed = listed(ctx, &token, &portfolio).await;
        if let Err(PlatformError::Failed {
            connection_lost: true,
            ..
        }) = &listed
        {
            // Meta refused the agency's own token: tell the agency at once, not at the
            // deadline.
            warn_connection(ctx, agency, ConnectionWarning::Lost).await?;
        }
        let held = listed?;
        Ok(Holdings {
            held,
            // Meta lists waiting shares only for Pages and ad accounts.
            unlisted_waiting: Platform::Meta
                .kinds()
                .into_iter()
                .filter(|k| pending_edge(*k).is_none())
                .collect(),
            unknown: Vec::new(),
        })
    }

    async fn remove(
        &self,
        ctx: &Ctx,
        agency: &Agency,
        client_id: i64,
        partner: Vec<Grant>,
    ) -> Result<Removal, PlatformError> {
        let (token, portfolio) = connection(ctx, agency).await?;
        let outcomes = leave_assets(ctx, &token, &portfolio, partner).await;
        let relationships =
            end_relationships(ctx, agency.id, client_id, &token, &portfolio, &outcomes).await?;
        let ended: Vec<&str> = relationships
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(o, _)| o.as_str())
            .collect();
        // An asset of a business whose relationship ended is gone with it.
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
        let grants = read_back(ctx, &token, &portfolio, outcomes).await;
        let still_clients: Vec<String> = if ended.is_empty() {
            Vec::new()
        } else {
            ctx.graph
                .client_businesses(&token, &portfolio)
                .await
                .map(|rows| rows.into_iter().map(|b| b.id).collect())
                .unwrap_or_default()
        };
        let lines = relationships
            .into_iter()
            .map(|(owner, r)| relationship_line(&owner, r, &still_clients))
            .collect();
        Ok(Removal { grants, lines })
    }
}

/// Asset id → whether it waits for the owner's answer, over every kind: `client_*` lists
/// what the agency holds, `pending_client_*` (Pages and ad accounts) what waits.
async fn listed(
    ctx: &Ctx,
    token: &AccessToken,
    portfolio: &str,
) -> Result<HashMap<String, bool>, PlatformError> {
    let mut found = HashMap::new();
    for kind in Platform::Meta.kinds() {
        // Throttling or an outage stops the run; the next one picks up from scratch.
        let rows = ctx
            .graph
            .business_assets(token, portfolio, kind, Edge::Client)
            .await
            .map_err(|e| failed(&e))?;
        found.extend(rows.into_iter().map(|r| (r.id, false)));
        let waiting = ctx
            .graph
            .pending_client_assets(token, portfolio, kind)
            .await
            .map_err(|e| failed(&e))?;
        found.extend(waiting.into_iter().map(|id| (id, true)));
    }
    Ok(found)
}

/// Removes partner access asset by asset, the agency's side first.
async fn leave_assets(
    ctx: &Ctx,
    token: &AccessToken,
    portfolio: &str,
    partner: Vec<Grant>,
) -> Vec<(Grant, Result<(), String>)> {
    // Meta changes a Page's partners only with that Page's token: the agency's system user
    // has one for the Pages it was given a role on (`/me/accounts`).
    let page_tokens: HashMap<String, AccessToken> =
        if partner.iter().any(|g| g.kind == AssetKind::Page) {
            crate::actions::assignments::page_tokens(ctx, token).await
        } else {
            HashMap::new()
        };
    bounded(partner, CONCURRENCY, |g| {
        let (graph, portfolio, system) = (ctx.graph.clone(), portfolio.to_owned(), token.clone());
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
    .await
}

/// Then the relationship itself (`DELETE /{agency}/clients`), which takes every asset of the
/// client's business whatever its kind — unless another client of the agency's holds assets
/// of that business, which it would take too.
async fn end_relationships(
    ctx: &Ctx,
    agency_id: i64,
    client_id: i64,
    token: &AccessToken,
    portfolio: &str,
    outcomes: &[(Grant, Result<(), String>)],
) -> Result<Vec<(String, Result<(), String>)>, PlatformError> {
    let mut owners: Vec<String> = outcomes
        .iter()
        .filter_map(|(g, _)| g.owner_portfolio_id.clone())
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort();
    owners.dedup();
    let mut relationships = Vec::new();
    for owner in owners {
        let elsewhere = grants::owner_shared_elsewhere(&ctx.db.pool, agency_id, client_id, &owner)
            .await
            .map_err(crate::error::AppError::from)?;
        if elsewhere {
            relationships.push((owner, Err(SHARED_ELSEWHERE.to_owned())));
            continue;
        }
        let r = ctx
            .graph
            .end_client_relationship(token, portfolio, &owner)
            .await
            .map_err(|e| e.plain().to_owned());
        relationships.push((owner, r));
    }
    Ok(relationships)
}

/// Reads back either way: an asset Meta still lists as shared with the agency was not
/// removed, whatever the calls answered. A refusal gets the steps to remove it by hand.
async fn read_back(
    ctx: &Ctx,
    token: &AccessToken,
    portfolio: &str,
    outcomes: Vec<(Grant, Result<(), String>)>,
) -> Vec<(Grant, Result<(), String>)> {
    let mut kinds: Vec<AssetKind> = Vec::new();
    for (g, r) in &outcomes {
        if r.is_ok() && !kinds.contains(&g.kind) {
            kinds.push(g.kind);
        }
    }
    let mut still_listed: Vec<String> = Vec::new();
    for kind in kinds {
        if let Ok(rows) = ctx
            .graph
            .business_assets(token, portfolio, kind, Edge::Client)
            .await
        {
            still_listed.extend(rows.into_iter().map(|r| r.id));
        }
    }
    outcomes
        .into_iter()
        .map(|(g, r)| {
            let r = r
                .and_then(|()| {
                    if still_listed.contains(&g.asset_id) {
                        Err("Meta still lists it as shared with your agency.".to_owned())
                    } else {
                        Ok(())
                    }
                })
                .map_err(|why| format!("{why} {}", remove_by_hand(g.kind)));
            (g, r)
        })
        .collect()
}

/// The result line for one client relationship: removed only when Meta no longer lists the
/// business among the agency's clients.
fn relationship_line(owner: &str, r: Result<(), String>, still_clients: &[String]) -> Line {
    let line = format!("The client relationship with Meta business {owner}");
    match r {
        Ok(()) if !still_clients.iter().any(|c| c == owner) => (line, "Removed".to_owned()),
        Ok(()) => (
            line,
            format!("Not removed: Meta still lists it among your clients. {END_BY_HAND}"),
        ),
        Err(why) => (line, format!("Not removed: {why} {END_BY_HAND}")),
    }
}
