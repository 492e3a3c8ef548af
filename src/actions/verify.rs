//! Verification of partner grants against what each platform lists as shared with the
//! agency (`platforms`; for Meta, the agency's `client_*` edges): periodically for every
//! connected agency, and "check now" for one client. The connection itself is
//! `connection`; offboarding is `offboard`.

use std::collections::HashMap;

use super::offboard::label;
use super::platforms::{Holdings, PlatformError};
use super::{Actor, Ctx, audit_as};
use crate::actions::webhooks;
use crate::domain::webhook::EventType;
use crate::domain::{GrantChange, GrantStatus, Platform};
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::store::{Tx, agencies, clients, grants, leases, prefs, reauth};

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
    /// A platform refused or failed (in plain words); the next run starts again.
    Platform {
        platform: Platform,
        why: String,
    },
    App(AppError),
}

impl From<PlatformError> for VerifyError {
    fn from(e: PlatformError) -> Self {
        match e {
            PlatformError::NotConnected(_) => Self::NotConnected,
            PlatformError::Failed { platform, why, .. } => Self::Platform { platform, why },
            PlatformError::App(e) => Self::App(e),
        }
    }
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
    let agency = agencies::get(&ctx.db.pool, agency_id)
        .await?
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
    let result = reconcile(ctx, &agency).await;
    leases::release(&ctx.db.pool, "verify", &scope, &holder).await?;
    result
}

/// What every platform lists now: each one that holds grants (not connected: the run
/// cannot judge them), and each connected one (so a connection that stopped working is
/// noticed even before its first grant). With no platform to ask, there is nothing to run.
async fn holdings(
    ctx: &Ctx,
    agency: &agencies::Agency,
    grants: &[grants::Grant],
) -> Result<HashMap<Platform, Holdings>, VerifyError> {
    let mut all = HashMap::new();
    for platform in ctx.platforms.available() {
        let api = ctx.platforms.api(platform)?;
        let holds = grants.iter().any(|g| g.platform == platform);
        if !holds && !api.connected(ctx, agency).await? {
            continue;
        }
        // Throttling or an outage stops the run; the next one picks up from scratch.
        all.insert(platform, api.holdings(ctx, agency).await?);
    }
    if all.is_empty() {
        return Err(VerifyError::NotConnected);
    }
    Ok(all)
}

async fn reconcile(ctx: &Ctx, agency: &agencies::Agency) -> Result<VerifyReport, VerifyError> {
    let partner = grants::partner_grants(&ctx.db.pool, agency.id).await?;
    let found = holdings(ctx, agency, &partner).await?;
    let now = ctx.clock.now();
    let mut report = VerifyReport::default();
    let mut lost_by_client: HashMap<i64, Vec<String>> = HashMap::new();
    let mut tx = ctx.db.begin().await?;
    for g in grants::partner_grants(&mut *tx, agency.id).await? {
        let Some(held) = found.get(&g.platform) else {
            continue;
        };
        // A waiting share the platform does not list is still waiting, not lost.
        let Some(change) = held.change_for(&g) else {
            continue;
        };
        let Some(new) = g.status.after(change) else {
            continue;
        };
        if change == GrantChange::Missing {
            let why = format!(
                "{} no longer lists this asset as shared with the agency.",
                g.platform
            );
            grants::set_status(&mut tx, g.id, new, &why, false, now).await?;
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
            let why = format!("Confirmed by {}.", g.platform);
            grants::set_status(&mut tx, g.id, new, &why, true, now).await?;
            // Confirmed partner access now covers flagged user-based access on the asset.
            if new == GrantStatus::Active {
                reauth::replace_user_grants(&mut tx, agency.id, &g.asset_id, now).await?;
            }
            report.confirmed += 1;
        }
    }
    tell_lost(ctx, &mut tx, agency, &lost_by_client, now).await?;
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

/// One e-mail per client with lost grants, to the agency's people who asked for them.
async fn tell_lost(
    ctx: &Ctx,
    tx: &mut Tx,
    agency: &agencies::Agency,
    lost_by_client: &HashMap<i64, Vec<String>>,
    now: i64,
) -> AppResult<()> {
    let brand = templates::Brand::from(agency);
    for (client_id, assets) in lost_by_client {
        let name = clients::get(&mut **tx, agency.id, *client_id)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        let url = ctx.url(&format!("/clients/{client_id}"));
        for to in prefs::recipients(&mut **tx, agency.id, "access_lost").await? {
            let email = templates::access_lost(&brand, &to, &name, assets, &url)?;
            ctx.queue_mail(tx, Some(agency.id), &email, now).await?;
        }
    }
    Ok(())
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
        Err(VerifyError::Platform { platform, why }) => {
            tracing::warn!(%platform, why, "check now failed");
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
