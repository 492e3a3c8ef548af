//! Managed-account migration: the rule applied when staff or the client record a move, the
//! one-click re-authorisation link, and the deadline reminders.

use super::requests::{Issued, Spec, issue};
use super::{Actor, Ctx, audit};
use crate::clock::{format_day, parse_iso_day};
use crate::domain::access::{Ask, GrantMode};
use crate::domain::migration::{self, MigrationStatus, ReminderStage};
use crate::error::{AppError, AppResult};
use crate::mail::templates::{self, Audience};
use crate::store::grants::Grant;
use crate::store::{agencies, clients, grants, prefs};

/// What staff record about a client's move, as typed (a foreign client is a 404 before
/// any form error).
#[derive(Debug, Clone, Default)]
pub struct MoveForm {
    pub status: String,
    /// `YYYY-MM-DD`, or empty.
    pub date: String,
    /// Days after the move until user-based grants are due; empty: 30.
    pub grace_days: String,
}

/// "Page name (Facebook Page)" for e-mails.
fn asset_line(g: &Grant) -> String {
    format!("{} ({})", g.asset_name, g.kind.label())
}

/// Staff record a client's migration. A status that starts the clock needs its date.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn record(ctx: &Ctx, actor: &Actor, client_id: i64, f: &MoveForm) -> AppResult<usize> {
    clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bad = |msg: &str| AppError::BadRequest(msg.to_owned());
    let status =
        MigrationStatus::parse(&f.status).ok_or_else(|| bad("Choose a migration status."))?;
    let day = match f.date.trim() {
        "" => None,
        d => Some(parse_iso_day(d).ok_or_else(|| bad("Use a date like 2027-01-31."))?),
    };
    if status.starts_clock() && day.is_none() {
        return Err(bad(
            "Give the date of the move: the re-authorisation deadline is counted from it.",
        ));
    }
    let grace = match f.grace_days.trim() {
        "" => 30,
        g => g
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=365).contains(d))
            .ok_or_else(|| bad("The grace period is 0 to 365 days."))?,
    };
    clients::set_grace_days(&ctx.db.pool, actor.agency_id, client_id, grace).await?;
    apply(ctx, actor, client_id, status, day).await
}

/// Records a client's migration status and date, and applies the rule: user-based grants
/// flagged (or re-dated, or cleared), partner grants untouched, e-mails and audit in the
/// same transaction. Returns how many grants were flagged.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn apply(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    status: MigrationStatus,
    day: Option<i64>,
) -> AppResult<usize> {
    let agency_id = actor.agency_id;
    let client = clients::get(&ctx.db.pool, agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&ctx.db.pool, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grace = clients::grace_days(&ctx.db.pool, agency_id, client_id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    clients::set_migration(&mut *tx, agency_id, client_id, status, day, now).await?;
    clients::reset_deadline_stage(&mut *tx, client_id).await?;
    let mut flagged = 0;
    match (status.starts_clock(), day) {
        (true, Some(d)) => {
            let due = migration::due_at(d, grace);
            grants::retire_covered_user_grants(&mut tx, agency_id, client_id, now).await?;
            let list = grants::flag_user_grants(&mut tx, agency_id, client_id, due, now).await?;
            flagged = list.len();
            if !list.is_empty() {
                let brand = templates::Brand::from(&agency);
                let assets: Vec<String> = list.iter().map(asset_line).collect();
                let due_on = format_day(due);
                let queue = ctx.url("/reauth");
                for to in prefs::recipients(&mut *tx, agency_id, "reauth_needed").await? {
                    let email = templates::reauth_needed(
                        &brand,
                        &to,
                        Audience::Agency,
                        &client.name,
                        &assets,
                        &due_on,
                        Some(&queue),
                    )?;
                    ctx.queue_mail(&mut tx, Some(agency_id), &email, now)
                        .await?;
                }
                let email = templates::reauth_needed(
                    &brand,
                    &client.contact_email,
                    Audience::Client,
                    &client.name,
                    &assets,
                    &due_on,
                    None,
                )?;
                ctx.queue_mail(&mut tx, Some(agency_id), &email, now)
                    .await?;
            }
        }
        _ => {
            grants::unflag_user_grants(&mut tx, agency_id, client_id, now).await?;
        }
    }
    let when = day.map(format_day).unwrap_or_else(|| "no date".into());
    let target = format!(
        "{}: {} ({when}); {flagged} grants flagged",
        client.name,
        status.as_str()
    );
    audit(&mut tx, actor, "client.migration_set", &target, now).await?;
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(flagged)
}

/// One click: a partner-mode request scoped exactly to the client's flagged assets,
/// e-mailed to the client.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn send_reauth_link(ctx: &Ctx, actor: &Actor, client_id: i64) -> AppResult<Issued> {
    let client = clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if agency.portfolio_id.is_none() {
        return Err(AppError::BadRequest("Partner access needs your agency's Meta business portfolio ID. Add it in Settings first.".into()));
    }
    let flagged = grants::needing_reauth(&ctx.db.pool, actor.agency_id, Some(client_id)).await?;
    if flagged.is_empty() {
        return Err(AppError::BadRequest(
            "This client has no grants that need re-authorisation.".into(),
        ));
    }
    let now = ctx.clock.now();
    let level = agency.default_level;
    let mut asks: Vec<Ask> = Vec::new();
    for g in &flagged {
        if !asks.iter().any(|a| a.kind == g.kind) {
            asks.push(Ask {
                kind: g.kind,
                level,
            });
        }
    }
    let mut scope: Vec<&str> = flagged.iter().map(|g| g.asset_id.as_str()).collect();
    scope.dedup();
    let earliest = flagged
        .iter()
        .filter_map(|g| g.due_at)
        .min()
        .unwrap_or(now + 30 * 86_400);
    // The link outlives the deadline by two weeks: an overdue client must still be able
    // to reconnect. At least a day, at most 90.
    let expires_at = (earliest.max(now) + 14 * 86_400).clamp(now + 86_400, now + 90 * 86_400);
    let message = "Your organisation is moving to managed Meta accounts. Please reconnect these assets through your business portfolio, so our access keeps working.";
    let mut tx = ctx.db.begin().await?;
    let issued = issue(
        ctx,
        &mut tx,
        actor,
        &agency,
        Spec {
            client: &client,
            mode: GrantMode::Partner,
            asks: &asks,
            people: &[],
            message,
            single_use: true,
            expires_at,
            scope: &scope,
            purpose: "reauth",
            email_lines: Some(flagged.iter().map(asset_line).collect()),
            created_detail: format!(
                "re-authorisation of {} grants, by {}",
                flagged.len(),
                actor.name
            ),
            action: "reauth.requested",
        },
        now,
    )
    .await?;
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(issued)
}

/// Deadline reminders (7 days, 1 day, overdue): each stage once per client, and at most
/// one e-mail per client per cooldown. Safe in several processes: each is claimed first.
#[tracing::instrument(skip_all)]
pub async fn send_deadline_reminders(ctx: &Ctx) -> AppResult<usize> {
    let now = ctx.clock.now();
    let mut sent = 0;
    for (agency_id, client_id, due, last) in grants::reauth_deadlines(&ctx.db.pool).await? {
        // Each stage once, in order: a later stage is never followed by an earlier one.
        let Some(stage) = ReminderStage::due(due, now).filter(|s| Some(*s) > last) else {
            continue;
        };
        let Some(client) = clients::get(&ctx.db.pool, agency_id, client_id).await? else {
            continue;
        };
        let Some(agency) = agencies::get(&ctx.db.pool, agency_id).await? else {
            continue;
        };
        let count = grants::needing_reauth(&ctx.db.pool, agency_id, Some(client_id))
            .await?
            .len();
        let mut tx = ctx.db.begin().await?;
        if !clients::claim_deadline_reminder(&mut *tx, client_id, stage, now).await? {
            continue;
        }
        let brand = templates::Brand::from(&agency);
        let url = ctx.url("/reauth");
        for to in prefs::recipients(&mut *tx, agency_id, "deadline_reminder").await? {
            let email = templates::deadline_reminder(
                &brand,
                &to,
                stage,
                &client.name,
                count,
                &format_day(due),
                &url,
            )?;
            ctx.queue_mail(&mut tx, Some(agency_id), &email, now)
                .await?;
        }
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        ctx.mailer.wake();
    }
    Ok(sent)
}
