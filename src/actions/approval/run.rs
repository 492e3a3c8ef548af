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

use super::results::{merged, not_shared, parse_asset, parse_outcomes};

use crate::actions::platforms::Offered;
use crate::actions::platforms::{self, Approval, Outcome, Sharing};
use crate::actions::webhooks;
use crate::actions::{Ctx, audit_as};
use crate::domain::access::{Ask, GrantMode};
use crate::domain::request::RequestEvent;
use crate::domain::webhook::EventType;
use crate::domain::{GrantStatus, Platform, Tally};
use crate::error::AppError;
use crate::i18n::{Text, Tr};
use crate::mail::templates::{self, AssetOutcome};
use crate::meta::AccessToken;
use crate::meta::client::bounded;
use crate::meta::error::for_agency;
use crate::store::flows::{self, Flow, Item};
use crate::store::requests::AccessRequest;
use crate::store::{agencies, grants, prefs, reauth, requests, users};

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
struct Context {
    flow: Flow,
    request: AccessRequest,
    agency: agencies::Agency,
    token: Option<AccessToken>,
    staff_emails: Vec<String>,
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
    for (platform, pending) in by_platform(pending) {
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
        let sharing = match platforms::api(platform).sharing(st, a, &assets).await {
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

/// The chosen assets of an attempt by platform.
fn by_platform(items: Vec<(Item, Offered)>) -> Vec<(Platform, Vec<(Item, Offered)>)> {
    let mut groups: Vec<(Platform, Vec<(Item, Offered)>)> = Vec::new();
    for (item, asset) in items {
        let p = asset.kind.platform();
        match groups.iter_mut().find(|(q, _)| *q == p) {
            Some((_, list)) => list.push((item, asset)),
            None => groups.push((p, vec![(item, asset)])),
        }
    }
    groups
}

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
    let results = bounded(
        pending,
        crate::meta::client::CONCURRENCY,
        |(item, asset)| async move {
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
        },
    )
    .await;
    let mut all = true;
    for r in results {
        all &= r?;
    }
    Ok(all)
}

fn to_json(outcomes: &[Outcome]) -> Result<String, AppError> {
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

/// Records one attempt in one transaction: grants, the link used up only by a recorded
/// grant, the request's outcome, e-mails and the audit entry.
async fn finish(
    st: &Ctx,
    ctx: &Context,
    attempt: i64,
    ip: &str,
    recovered: bool,
) -> Result<(), AppError> {
    let now = st.clock.now();
    let items = flows::items(&st.db.pool, ctx.flow.id).await?;
    let mut this: Vec<Outcome> = Vec::new();
    for i in items.iter().filter(|i| i.attempt == attempt) {
        this.extend(parse_outcomes(i)?);
    }
    let results = merged(&items)?;
    let (r, agency) = (&ctx.request, &ctx.agency);
    let approver = ctx.flow.person_name.clone().unwrap_or_default();
    let approver_id = ctx.flow.person_id.clone().unwrap_or_default();
    let made: Vec<&Outcome> = this.iter().filter(|o| !o.existing).collect();
    let tally = Tally::of(made.iter().map(|o| o.status));
    let recorded = tally.shared();
    let still_failed = results
        .iter()
        .any(|o| !o.existing && o.status == GrantStatus::Failed);

    // The agency's own people get the newly shared assets inside its portfolio (before
    // recording, so the grants say at once who can use them).
    let targets: Vec<(String, Vec<String>, Platform)> = made
        .iter()
        .filter(|o| o.mode == GrantMode::Partner && o.status == GrantStatus::Active && o.verified)
        .map(|o| (o.asset_id.clone(), o.tasks.clone(), o.kind.platform()))
        .collect();
    let staff: Vec<String> = r
        .user_people
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let mut usable = std::collections::HashMap::new();
    for platform in Platform::of_kinds(made.iter().map(|o| o.kind)) {
        let mine: Vec<_> = targets
            .iter()
            .filter(|(_, _, p)| *p == platform)
            .map(|(id, tasks, _)| (id.clone(), tasks.clone()))
            .collect();
        if !mine.is_empty() {
            let api = platforms::api(platform);
            usable.extend(api.arrange_for_staff(st, agency, &staff, mine).await);
        }
    }

    let mut tx = st.db.begin().await?;
    if !flows::finish_attempt(
        &mut tx,
        ctx.flow.id,
        attempt,
        &to_json(&results)?,
        still_failed,
        now,
    )
    .await?
    {
        // Recorded already (the recovery job and a slow process met): nothing to add.
        return Ok(());
    }
    for o in this.iter().filter(|o| o.status == GrantStatus::Failed) {
        let data = serde_json::json!({
            "request_id": r.id, "client_id": r.client_id, "asset_id": o.asset_id,
            "kind": o.kind.as_str(), "mode": o.mode.as_str(),
        });
        webhooks::emit(&mut tx, agency.id, EventType::GrantFailed, data, now).await?;
    }
    for o in this.iter().filter(|o| o.status != GrantStatus::Failed) {
        let tasks = o.tasks.join(",");
        let grant_id = grants::upsert(
            &mut tx,
            &grants::GrantRecord {
                agency_id: agency.id,
                client_id: r.client_id,
                request_id: Some(r.id),
                kind: o.kind,
                asset_id: &o.asset_id,
                asset_name: &o.asset_name,
                owner_portfolio_id: o.owner.as_deref(),
                mode: o.mode,
                grantee: &o.grantee,
                tasks: &tasks,
                status: o.status,
                status_reason: &for_agency(&o.reason),
                approved_by_name: &approver,
                approved_by_id: &approver_id,
                verified: o.verified,
                existing: o.existing,
            },
            now,
        )
        .await?;
        if !o.existing {
            let data = serde_json::json!({
                "grant_id": grant_id, "request_id": r.id, "client_id": r.client_id,
                "status": o.status.as_str(), "mode": o.mode.as_str(),
            });
            webhooks::emit(&mut tx, agency.id, EventType::GrantCreated, data, now).await?;
        }
    }
    for (asset, names) in &usable {
        let portfolio = agency.portfolio_id.as_deref().unwrap_or_default();
        grants::set_usable_by(&mut *tx, agency.id, asset, portfolio, names).await?;
    }
    // Partner access replaces flagged user-based access on the same assets once Meta
    // confirms it by read-back: a share still pending does not cover anyone yet.
    for o in this
        .iter()
        .filter(|o| o.mode == GrantMode::Partner && o.status == GrantStatus::Active && o.verified)
    {
        reauth::replace_user_grants(&mut tx, agency.id, &o.asset_id, now).await?;
    }
    let shared_total = results
        .iter()
        .filter(|o| !o.existing && o.status != GrantStatus::Failed)
        .count();
    flows::release_request(&mut *tx, r.id, ctx.flow.id).await?;
    if recorded > 0 && r.single_use == 1 {
        // A capability is used up only by a recorded success.
        requests::mark_used(&mut *tx, r.id, now).await?;
    }
    if shared_total > 0 {
        let outcome = if still_failed { "partial" } else { "completed" };
        requests::complete(&mut *tx, r.id, outcome, now).await?;
        let data =
            serde_json::json!({"request_id": r.id, "client_id": r.client_id, "outcome": outcome});
        webhooks::emit(&mut tx, agency.id, EventType::RequestCompleted, data, now).await?;
    }
    let how = if recovered {
        " (recovered after an interruption)"
    } else {
        ""
    };
    requests::add_event(
        &mut *tx,
        r.id,
        if recorded > 0 {
            RequestEvent::Approved
        } else {
            RequestEvent::ApprovalFailed
        },
        &format!(
            "by {approver}: {}{how}{}",
            tally.summary(),
            not_shared(&made)
        ),
        now,
    )
    .await?;
    let who = format!("{approver} (client, Facebook id {approver_id})");
    let action = match (recorded > 0, recovered) {
        (true, false) => "request.approved",
        (true, true) => "request.approval_recovered",
        (false, _) => "request.approval_failed",
    };
    let target = format!("{} ({})", r.client_name, r.token_prefix);
    audit_as(&mut tx, Some(agency.id), &who, ip, action, &target, now).await?;
    let summary: Vec<AssetOutcome> = made
        .iter()
        .map(|o| AssetOutcome {
            asset_name: o.asset_name.clone(),
            kind: o.kind,
            status: o.status,
            reason: (o.status != GrantStatus::Active).then(|| o.reason.clone()),
        })
        .collect();
    // The agency reads each reason as what it can do about it.
    let for_staff: Vec<AssetOutcome> = summary
        .iter()
        .map(|o| AssetOutcome {
            reason: o.reason.as_ref().map(|t| Text::from(for_agency(t))),
            ..o.clone()
        })
        .collect();
    let brand_mail = templates::Brand::from(agency);
    let url = format!("{}/requests/{}", st.base_url, r.id);
    for to in prefs::recipients(&mut *tx, agency.id, "access_approved").await? {
        let email = templates::access_approved(&brand_mail, &to, &r.client_name, &for_staff, &url)?;
        st.queue_mail(&mut tx, Some(agency.id), &email, now).await?;
    }
    if recorded > 0 {
        // The client's receipt lists what this attempt shared and what it did not.
        let receipt = templates::approval_receipt(
            Tr::new(ctx.flow.lang().unwrap_or_else(|| r.mail_lang())),
            &brand_mail,
            &r.client_email,
            &r.client_name,
            &summary,
        )?
        .on_behalf_of(
            &brand_mail.agency_name,
            crate::actions::requests::sender_address(&mut *tx, agency.id, r.created_by).await?,
        );
        st.queue_mail(&mut tx, Some(agency.id), &receipt, now)
            .await?;
    }
    tx.commit().await?;
    st.mailer.wake();
    st.webhook_bell.notify_one();
    Ok(())
}
