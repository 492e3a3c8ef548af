//! Offboarding a client: partner access removed on every live partner grant by the
//! platform it is on (`platforms`), each removal read back and recorded per asset, with the
//! manual steps where the platform refused.

use super::platforms::{self, PlatformError, Removal};
use super::{Actor, Ctx, audit};
use crate::actions::webhooks;
use crate::domain::access::GrantMode;
use crate::domain::webhook::EventType;
use crate::domain::{GrantChange, GrantStatus, Platform};
use crate::error::{AppError, AppResult};
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

/// Why offboarding did not start.
#[derive(Debug)]
pub enum OffboardRefused {
    /// The typed name did not match the client's.
    NameMismatch(String),
    /// The agency has not connected this platform (for Meta: no connection or no
    /// portfolio) to remove partner access with.
    NotConnected(Platform),
}

/// Each platform removes its own grants and reads them back. A platform that is not
/// connected stops the whole offboarding before anything is removed anywhere.
async fn remove_everywhere(
    ctx: &Ctx,
    agency: &agencies::Agency,
    client_id: i64,
    partner: Vec<Grant>,
) -> AppResult<Result<Vec<Removal>, OffboardRefused>> {
    let groups = platforms::by_platform(partner, |g| g.platform);
    for (platform, _) in &groups {
        let api = ctx.platforms.api(*platform)?;
        if !api.connected(ctx, agency).await? {
            return Ok(Err(OffboardRefused::NotConnected(*platform)));
        }
    }
    let mut removals = Vec::new();
    for (platform, grants) in groups {
        let api = ctx.platforms.api(platform)?;
        match api.remove(ctx, agency, client_id, grants).await {
            Ok(r) => removals.push(r),
            Err(PlatformError::NotConnected(p)) => {
                return Ok(Err(OffboardRefused::NotConnected(p)));
            }
            Err(PlatformError::Failed { why, .. }) => {
                return Err(AppError::Unexpected(anyhow::anyhow!("{platform}: {why}")));
            }
            Err(PlatformError::App(e)) => return Err(e),
        }
    }
    Ok(Ok(removals))
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
    let total = partner.len();
    let removals = match remove_everywhere(ctx, &agency, client_id, partner).await? {
        Ok(r) => r,
        Err(refused) => return Ok(Err(refused)),
    };
    let now = ctx.clock.now();
    let mut results = Vec::new();
    let mut tx = ctx.db.begin().await?;
    for (g, r) in removals.iter().flat_map(|r| &r.grants) {
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
                    "platform": g.platform.as_str(), "kind": g.kind.as_str(),
                    "mode": g.mode.as_str(),
                });
                webhooks::emit(&mut tx, actor.agency_id, EventType::GrantRemoved, data, now)
                    .await?;
                results.push((label(g), "Removed".to_owned()));
            }
            Err(why) => results.push((label(g), format!("Not removed: {why}"))),
        }
    }
    let removed = results.iter().filter(|r| r.1 == "Removed").count();
    results.extend(removals.into_iter().flat_map(|r| r.lines));
    let target = format!(
        "{}: {removed} of {total} partner grants removed",
        client.name
    );
    audit(&mut tx, actor, "client.offboarded", &target, now).await?;
    tx.commit().await?;
    ctx.webhook_bell.notify_one();
    Ok(Ok(results))
}
