//! Running a client's approval so that it survives a crash and a Graph outage.
//!
//! 1. `begin`: one transaction claims the attempt (a lease the running process renews),
//!    claims a single-use link for this flow, and writes one intent row per chosen asset —
//!    all before the first call to Meta.
//! 2. `run`: shares each asset and writes Meta's answer to its row as it comes back.
//! 3. `finish`: one transaction records the grants, uses the link up only if at least one
//!    grant was recorded, and tells the agency and the client the truth.
//!
//! A process killed between 1 and 3 leaves an attempt whose lease runs out; `recover`
//! (on start-up and periodically) reads back what Meta holds for every asset without an
//! answer, records it, and marks the rest failed with the reason.

use std::sync::Arc;

use super::finish::finish;
use super::results::parse_asset;

use crate::actions::Ctx;
use crate::actions::platforms::Offered;
use crate::actions::platforms::{self, Approval, Outcome, Sharing};
use crate::domain::GrantStatus;
use crate::domain::access::{Ask, GrantMode};
use crate::domain::request::RequestEvent;
use crate::error::AppError;
use crate::i18n::Text;
use crate::meta::AccessToken;
use crate::meta::client::bounded;
use crate::store::flows::{self, Flow, Item};
use crate::store::requests::AccessRequest;
use crate::store::{agencies, requests, users};

/// How `begin` ended.
pub enum Begun {
    /// The attempt is claimed and its intent written.
    Started(i64),
    /// Another submit of this flow already started (double click, back button).
    AlreadyStarted,
    /// The single-use link was used up by another flow.
    LinkUsed,
    /// Another flow is approving this single-use link right now.
    Busy,
}

/// Claims a new attempt of `flow` for `selected` and writes its intent.
#[tracing::instrument(skip_all, fields(flow = flow.id, agency = flow.agency_id))]
pub async fn begin(
    st: &Ctx,
    flow: &Flow,
    r: &AccessRequest,
    selected: &[Offered],
) -> Result<Begun, AppError> {
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    let Some(attempt) =
        flows::begin_attempt(&mut tx, flow.id, flow.attempt, now, now + st.approval_lease).await?
    else {
        return Ok(Begun::AlreadyStarted);
    };
    if r.single_use == 1
        && !flows::claim_request(&mut tx, r.id, flow.id, now, now + st.approval_lease).await?
    {
        tx.rollback().await?;
        let used = requests::get(&st.db.pool, r.agency_id, r.id)
            .await?
            .is_some_and(|r| r.used_at.is_some());
        return Ok(if used { Begun::LinkUsed } else { Begun::Busy });
    }
    for asset in selected {
        let json = serde_json::to_string(asset)
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!("asset json: {e}")))?;
        flows::add_intent(&mut tx, flow.id, attempt, &asset.id, &json, now).await?;
    }
    requests::add_event(
        &mut *tx,
        r.id,
        RequestEvent::Approving,
        &format!("{} assets chosen", selected.len()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Begun::Started(attempt))
}

/// What the shares of one flow need, loaded once.
pub(super) struct Context {
    pub(super) flow: Flow,
    pub(super) request: AccessRequest,
    pub(super) agency: agencies::Agency,
    pub(super) token: Option<AccessToken>,
    pub(super) staff_emails: Vec<String>,
}

async fn context(st: &Ctx, flow_id: i64) -> Result<Context, AppError> {
    let flow = flows::by_id(&st.db.pool, flow_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let request = requests::get(&st.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&st.db.pool, flow.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = flow
        .token_sealed
        .as_ref()
        .and_then(|s| st.secrets.open(s).ok())
        .map(AccessToken);
    let staff_emails = users::list(&st.db.pool, agency.id)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect();
    Ok(Context {
        flow,
        request,
        agency,
        token,
        staff_emails,
    })
}

fn failed_outcomes(
    asset: &Offered,
    mode: GrantMode,
    grantees: &[String],
    reason: &Text,
) -> Vec<Outcome> {
    grantees
        .iter()
        .map(|g| Outcome {
            kind: asset.kind,
            asset_id: asset.id.clone(),
            asset_name: asset.name.clone(),
            owner: asset.owner.clone(),
            mode,
            grantee: g.clone(),
            tasks: Vec::new(),
            status: GrantStatus::Failed,
            reason: reason.clone(),
            existing: false,
            verified: false,
            platform_ref: String::new(),
        })
        .collect()
}

/// Shares (or, recovering, reads back) every item of `attempt` that has no answer yet,
/// through the platform each asset is on. False when a read-back could not reach a
/// platform: the attempt is left for a later recovery.
async fn answer_items(
    st: &Ctx,
    ctx: &Context,
    attempt: i64,
    recovering: bool,
) -> Result<bool, AppError> {
    let pending: Vec<(Item, Offered)> = flows::items(&st.db.pool, ctx.flow.id)
        .await?
        .into_iter()
        .filter(|i| i.attempt == attempt && i.outcomes.is_none())
        .map(|i| parse_asset(&i).map(|a| (i, a)))
        .collect::<Result<_, _>>()?;
    if pending.is_empty() {
        return Ok(true);
    }
    let mode = ctx.request.mode;
    let people: Vec<String> = ctx
        .request
        .user_people
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let portfolio = ctx.agency.portfolio_id.clone().unwrap_or_default();
    let grantees = match mode {
        GrantMode::Partner => vec![portfolio.clone()],
        GrantMode::User => people.clone(),
    };
    let Some(token) = ctx.token.as_ref() else {
        // No token to act or read with: the session ended before anything could be done.
        let reason = Text::msg(if recovering {
            "reason-interrupted-unchecked"
        } else {
            "reason-session-ended"
        });
        fail_all(st, &pending, mode, &grantees, &reason).await?;
        return Ok(true);
    };
    let asks = Ask::decode(&ctx.request.asks);
    let approver = ctx.flow.person_name.clone().unwrap_or_default();
    let mut all = true;
    for (platform, pending) in platforms::by_platform(pending, |(_, a)| a.kind.platform()) {
        let a = Approval {
            agency: &ctx.agency,
            client_id: ctx.request.client_id,
            token,
            mode,
            asks: &asks,
            staff_emails: &ctx.staff_emails,
            people: &people,
            approver: &approver,
            recovering,
        };
        let assets: Vec<Offered> = pending.iter().map(|(_, a)| a.clone()).collect();
        let sharing = match st.platforms.api(platform)?.sharing(st, a, &assets).await {
            Ok(s) => s,
            Err(_) if recovering => {
                all = false;
                continue;
            }
            Err(why) => {
                fail_all(st, &pending, mode, &grantees, &why).await?;
                continue;
            }
        };
        all &= answer_each(st, ctx, attempt, recovering, sharing.as_ref(), pending).await?;
    }
    Ok(all)
}

/// Answers every item as failed for every grantee, with `reason`.
async fn fail_all(
    st: &Ctx,
    pending: &[(Item, Offered)],
    mode: GrantMode,
    grantees: &[String],
    reason: &Text,
) -> Result<(), AppError> {
    for (item, asset) in pending {
        let outcomes = failed_outcomes(asset, mode, grantees, reason);
        flows::answer(&st.db.pool, item.id, &to_json(&outcomes)?, st.clock.now()).await?;
    }
    Ok(())
}

/// Shares of one approval in flight at once. Each is a few dependent calls on its own asset;
/// the platforms limit calls per hour per business (which their pacers follow from the usage
/// they report), not calls in flight, so an approval of 50 assets runs as one wave.
const SHARE_CONCURRENCY: usize = 64;

/// Shares (or reads back) each asset with bounded concurrency, writing each answer as it
/// comes back and renewing the lease. False when some read-back could not reach the
/// platform.
async fn answer_each(
    st: &Ctx,
    ctx: &Context,
    attempt: i64,
    recovering: bool,
    sharing: &dyn Sharing,
    pending: Vec<(Item, Offered)>,
) -> Result<bool, AppError> {
    let lease = st.approval_lease;
    let results = bounded(pending, SHARE_CONCURRENCY, |(item, asset)| async move {
        let outcomes = if recovering {
            sharing.read_back(&asset).await
        } else {
            Some(sharing.share(&asset).await)
        };
        let Some(outcomes) = outcomes else {
            return Ok(false);
        };
        let now = st.clock.now();
        flows::answer(&st.db.pool, item.id, &to_json(&outcomes)?, now).await?;
        flows::renew_lease(&st.db.pool, ctx.flow.id, attempt, now + lease).await?;
        Ok::<bool, AppError>(true)
    })
    .await;
    let mut all = true;
    for r in results {
        all &= r?;
    }
    Ok(all)
}

pub(super) fn to_json(outcomes: &[Outcome]) -> Result<String, AppError> {
    serde_json::to_string(outcomes)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("outcomes json: {e}")))
}

/// Runs a claimed attempt to its end: shares, then records. The lease is renewed in the
/// background while Meta is slow, so only a dead process lets it run out.
#[tracing::instrument(skip_all, fields(flow = flow_id, attempt))]
pub async fn run(st: Arc<Ctx>, flow_id: i64, attempt: i64, ip: String) -> Result<(), AppError> {
    let heartbeat = {
        let st = st.clone();
        tokio::spawn(async move {
            let every = std::time::Duration::from_secs((st.approval_lease / 3).max(1) as u64);
            loop {
                tokio::time::sleep(every).await;
                let until = st.clock.now() + st.approval_lease;
                let renewed = async {
                    flows::renew_lease(&st.db.pool, flow_id, attempt, until).await?;
                    flows::renew_request_claim(&st.db.pool, flow_id, until).await
                };
                if let Err(e) = renewed.await {
                    tracing::warn!(error = %e, flow_id, "approval lease not renewed");
                }
            }
        })
    };
    let result = async {
        let ctx = context(&st, flow_id).await?;
        answer_items(&st, &ctx, attempt, false).await?;
        finish(&st, &ctx, attempt, &ip, false).await
    }
    .await;
    heartbeat.abort();
    result
}

/// Finishes every attempt whose process died (its lease ran out): reads back what Meta
/// holds, records it, tells the agency. Returns how many were recovered.
#[tracing::instrument(skip_all)]
pub async fn recover(st: &Ctx) -> Result<usize, AppError> {
    let mut done = 0;
    loop {
        let now = st.clock.now();
        let Some((flow_id, attempt)) =
            flows::claim_stale(&st.db.pool, now, now + st.approval_lease).await?
        else {
            return Ok(done);
        };
        let ctx = context(st, flow_id).await?;
        if !answer_items(st, &ctx, attempt, true).await? {
            // Meta could not be read: conclude nothing; the lease runs out and a later
            // run tries again.
            tracing::warn!(flow_id, "approval recovery could not read Meta; will retry");
            return Ok(done);
        }
        finish(st, &ctx, attempt, "recovery", true).await?;
        tracing::info!(flow_id, attempt, "unfinished approval recovered");
        done += 1;
    }
}
