//! Migration signals: what an approval saw of a client's portfolios (work accounts, the
//! approver's own) kept for staff, who accept or dismiss each with one click.

use super::migration::apply;
use super::{Actor, Ctx, audit};
use crate::actions::platforms::meta::PortfolioSignal;
use crate::domain::migration::{MigrationStatus, RecordSource};
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::store::{agencies, clients, prefs, signals};

/// Keeps what an approval saw of the client's portfolios (work accounts among the people,
/// or the approver's own) as signals for staff, and tells them once per new signal. The
/// agency's record is not touched: staff accept a signal with one click.
pub async fn record_signals(
    ctx: &Ctx,
    agency: &agencies::Agency,
    client_id: i64,
    approver: &str,
    seen: &[PortfolioSignal],
) -> AppResult<usize> {
    let seen: Vec<&PortfolioSignal> = seen.iter().filter(|s| s.says_migrating()).collect();
    if seen.is_empty() {
        return Ok(0);
    }
    let Some(client) = clients::get(&ctx.db.pool, agency.id, client_id).await? else {
        return Ok(0);
    };
    // Already migrating or migrated on the agency's record: nothing new to suggest.
    if clients::migration(&ctx.db.pool, agency.id, client_id)
        .await?
        .is_some_and(|r| r.migration_status.needs_day())
    {
        return Ok(0);
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let mut new = 0;
    for s in seen {
        let fresh = signals::record(
            &mut tx,
            &signals::NewSignal {
                agency_id: agency.id,
                client_id,
                business_id: &s.business_id,
                business_name: &s.business_name,
                managed: s.managed as i64,
                people: s.people as i64,
                approver_name: approver,
                approver_managed: s.approver_managed,
            },
            now,
        )
        .await?;
        if !fresh {
            continue;
        }
        new += 1;
        let evidence = format!(
            "During {approver}'s approval, Meta listed {} of {} people in {} on managed work accounts{}.",
            s.managed,
            s.people,
            s.business_name,
            if s.approver_managed {
                ", including the approver"
            } else {
                ""
            }
        );
        let brand = templates::Brand::from(agency);
        let url = ctx.url(&format!("/clients/{client_id}"));
        for to in prefs::recipients(&mut *tx, agency.id, "migration_signal").await? {
            let email = templates::migration_signal(&brand, &to, &client.name, &evidence, &url)?;
            ctx.queue_mail(&mut tx, Some(agency.id), &email, now)
                .await?;
        }
        super::audit_as(
            &mut tx,
            Some(agency.id),
            "meta",
            "-",
            "client.migration_signal",
            &format!("{}: {evidence}", client.name),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    if new > 0 {
        ctx.mailer.wake();
    }
    Ok(new)
}

/// Staff accept a signal from Meta: the record moves to "migrating" from the day it was
/// seen (source: Meta), keeping the dates staff already have, and the rule applies.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn decide_signal(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    signal_id: i64,
    decision: &str,
) -> AppResult<()> {
    // A foreign client is a 404 before any form error.
    clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let accept = match decision {
        "accept" => true,
        "dismiss" => false,
        _ => return Err(AppError::BadRequest("Accept or dismiss the signal.".into())),
    };
    let now = ctx.clock.now();
    let signal = signals::decide(
        &ctx.db.pool,
        actor.agency_id,
        client_id,
        signal_id,
        accept,
        &actor.name,
        now,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    if !accept {
        let mut tx = ctx.db.begin().await?;
        let target = format!("signal {} from {}", signal.id, signal.business_name);
        audit(&mut tx, actor, "client.signal_dismissed", &target, now).await?;
        tx.commit().await?;
        return Ok(());
    }
    signals::close_open(&ctx.db.pool, actor.agency_id, client_id, &actor.name, now).await?;
    let row = clients::migration(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut record = row.record();
    if !record.status.needs_day() {
        record.status = MigrationStatus::Migrating;
        record.day = Some(signal.observed_at - signal.observed_at.rem_euclid(86_400));
    }
    let new = clients::NewRecord {
        record,
        source: RecordSource::Meta,
        deadline_source: row.people_deadline_source,
        activated_source: row.activated_source,
        by: &actor.name,
    };
    apply(ctx, actor, client_id, &new).await?;
    Ok(())
}
