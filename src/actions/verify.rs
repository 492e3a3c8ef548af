//! Verification of partner grants against what Meta lists on the agency's `client_*`
//! edges: periodically for every connected agency, and "check now" for one client. The
//! connection itself is `connection`; offboarding is `offboard`.

use std::collections::HashMap;

use super::connection::{agency_token, warn_connection};
use super::offboard::label;
use super::{Actor, Ctx, audit_as};
use crate::actions::webhooks;
use crate::domain::access::AssetKind;
use crate::domain::migration::ConnectionWarning;
use crate::domain::webhook::EventType;
use crate::domain::{GrantChange, GrantStatus};
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::meta::client::{Edge, pending_edge};
use crate::meta::{AccessToken, GraphError};
use crate::store::{agencies, clients, grants, leases, prefs, reauth};

/// How long one verification run may hold its lease.
const LEASE_SECS: i64 = 15 * 60;

/// What one verification run found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub confirmed: usize,
    pub lost: usize,
    pub recovered: usize,
}

/// Why a run did not happen.
#[derive(Debug)]
pub enum VerifyError {
    NotConnected,
    /// Another process (or request) is verifying this agency right now.
    AlreadyRunning,
    Meta(GraphError),
    App(AppError),
}

impl From<AppError> for VerifyError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<sqlx::Error> for VerifyError {
    fn from(e: sqlx::Error) -> Self {
        Self::App(e.into())
    }
}

/// Reconciles the agency's partner grants with Meta's `client_*` edges. Holds a lease so a
/// run never overlaps itself across processes; a crashed run's lease simply expires.
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn verify_agency(ctx: &Ctx, agency_id: i64) -> Result<VerifyReport, VerifyError> {
    let token = agency_token(ctx, agency_id)
        .await?
        .ok_or(VerifyError::NotConnected)?;
    let agency = agencies::get(&ctx.db.pool, agency_id)
        .await?
        .ok_or(VerifyError::NotConnected)?;
    let portfolio = agency
        .portfolio_id
        .clone()
        .ok_or(VerifyError::NotConnected)?;
    let holder = crate::domain::token::random_hex(8);
    let scope = format!("agency:{agency_id}");
    let now = ctx.clock.now();
    if !leases::acquire(
        &ctx.db.pool,
        "verify",
        &scope,
        &holder,
        now,
        now + LEASE_SECS,
    )
    .await?
    {
        return Err(VerifyError::AlreadyRunning);
    }
    let result = reconcile(ctx, &agency, &portfolio, &token).await;
    leases::release(&ctx.db.pool, "verify", &scope, &holder).await?;
    // Meta refused the agency's own token: tell the agency at once, not at the deadline.
    if let Err(VerifyError::Meta(GraphError::TokenInvalid { .. })) = &result {
        warn_connection(ctx, &agency, ConnectionWarning::Lost).await?;
    }
    result
}

async fn reconcile(
    ctx: &Ctx,
    agency: &agencies::Agency,
    portfolio: &str,
    token: &AccessToken,
) -> Result<VerifyReport, VerifyError> {
    // Asset id → whether the share still waits for the owner's answer. `client_*` lists
    // what the agency holds; `pending_client_*` (Pages and ad accounts only) what waits.
    let mut found: HashMap<String, bool> = HashMap::new();
    for kind in AssetKind::ALL {
        // Throttling or an outage stops the run; the next one picks up from scratch.
        let rows = ctx
            .graph
            .business_assets(token, portfolio, kind, Edge::Client)
            .await
            .map_err(VerifyError::Meta)?;
        found.extend(rows.into_iter().map(|r| (r.id, false)));
        let waiting = ctx
            .graph
            .pending_client_assets(token, portfolio, kind)
            .await
            .map_err(VerifyError::Meta)?;
        found.extend(waiting.into_iter().map(|id| (id, true)));
    }
    let now = ctx.clock.now();
    let mut report = VerifyReport::default();
    let mut lost_by_client: HashMap<i64, Vec<String>> = HashMap::new();
    let mut tx = ctx.db.begin().await?;
    for g in grants::partner_grants(&mut *tx, agency.id).await? {
        let change = match found.get(&g.asset_id) {
            Some(pending) => GrantChange::Seen { pending: *pending },
            // Meta lists no waiting shares of the other kinds: a pending one that is not
            // listed yet is still waiting, not lost.
            None if g.status == GrantStatus::Pending && pending_edge(g.kind).is_none() => {
                continue;
            }
            None => GrantChange::Missing,
        };
        let Some(new) = g.status.after(change) else {
            continue;
        };
        if change == GrantChange::Missing {
            let why = "Meta no longer lists this asset as shared with the agency.";
            grants::set_status(&mut tx, g.id, new, why, false, now).await?;
            let data = serde_json::json!({"grant_id": g.id, "client_id": g.client_id});
            webhooks::emit(&mut tx, agency.id, EventType::GrantLost, data, now).await?;
            lost_by_client
                .entry(g.client_id)
                .or_default()
                .push(label(&g));
            report.lost += 1;
        } else {
            if g.status == GrantStatus::Lost {
                report.recovered += 1;
            }
            grants::set_status(&mut tx, g.id, new, "Confirmed by Meta.", true, now).await?;
            // Confirmed partner access now covers flagged user-based access on the asset.
            if new == GrantStatus::Active {
                reauth::replace_user_grants(&mut tx, agency.id, &g.asset_id, now).await?;
            }
            report.confirmed += 1;
        }
    }
    let brand = templates::Brand::from(agency);
    for (client_id, assets) in &lost_by_client {
        let name = clients::get(&mut *tx, agency.id, *client_id)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        let url = ctx.url(&format!("/clients/{client_id}"));
        for to in prefs::recipients(&mut *tx, agency.id, "access_lost").await? {
            let email =
                templates::access_lost(&brand, &to, &name, assets, &url).map_err(AppError::from)?;
            ctx.queue_mail(&mut tx, Some(agency.id), &email, now)
                .await?;
        }
    }
    agencies::mark_verified(&mut *tx, agency.id, now).await?;
    let what = format!("{} confirmed, {} lost", report.confirmed, report.lost);
    audit_as(
        &mut tx,
        Some(agency.id),
        "verification",
        "-",
        "grants.verified",
        &what,
        now,
    )
    .await?;
    let data = serde_json::json!({
        "confirmed": report.confirmed, "lost": report.lost, "recovered": report.recovered,
    });
    webhooks::emit(
        &mut tx,
        agency.id,
        EventType::VerificationCompleted,
        data,
        now,
    )
    .await?;
    tx.commit().await?;
    ctx.mailer.wake();
    ctx.webhook_bell.notify_one();
    Ok(report)
}

/// How a "check now" ended, for the page that follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    Verified,
    NotConnected,
    AlreadyRunning,
    MetaFailed,
}

/// "Check now" on a client page: verifies the whole agency.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn check_now(ctx: &Ctx, actor: &Actor, client_id: i64) -> AppResult<CheckOutcome> {
    clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(match verify_agency(ctx, actor.agency_id).await {
        Ok(_) => CheckOutcome::Verified,
        Err(VerifyError::NotConnected) => CheckOutcome::NotConnected,
        Err(VerifyError::AlreadyRunning) => CheckOutcome::AlreadyRunning,
        Err(VerifyError::Meta(e)) => {
            tracing::warn!(error = ?e, "check now failed");
            CheckOutcome::MetaFailed
        }
        Err(VerifyError::App(e)) => return Err(e),
    })
}

/// The periodic job: every connected agency whose last run is older than `interval`.
#[tracing::instrument(skip_all)]
pub async fn verify_due(ctx: &Ctx, interval: i64) -> usize {
    let before = ctx.clock.now() - interval;
    let Ok(due) = agencies::due_for_verification(&ctx.db.pool, before).await else {
        return 0;
    };
    let mut ran = 0;
    for agency_id in due {
        match verify_agency(ctx, agency_id).await {
            Ok(r) => {
                ran += 1;
                tracing::info!(
                    agency_id,
                    confirmed = r.confirmed,
                    lost = r.lost,
                    "grants verified"
                );
            }
            Err(VerifyError::AlreadyRunning) => {}
            Err(e) => tracing::warn!(agency_id, error = ?e, "verification did not complete"),
        }
    }
    ran
}
