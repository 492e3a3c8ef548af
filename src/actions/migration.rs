//! Managed-account migration: the rule applied when staff or the client record a move,
//! lapsing at the deadline, the one-click re-authorisation link, and the deadline
//! reminders. The radar's reads are `radar`; Meta's signals are `signals`.

use super::requests::{Issued, Spec, issue};
use super::{Actor, Ctx, audit};
use crate::actions::webhooks;
use crate::clock::{format_day, format_iso_day, parse_iso_day};
use crate::domain::access::{Ask, GrantMode};
use crate::domain::migration::{
    DueBasis, MigrationRecord, MigrationStatus, RecordSource, ReminderStage,
};
use crate::domain::webhook::EventType;
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::{Text, Tr};
use crate::mail::templates::{self, Audience, Due};
use crate::store::grants::Grant;
use crate::store::{Tx, agencies, clients, prefs, reauth};
use serde_json::json;

/// What staff record about a client's move, as typed (a foreign client is a 404 before
/// any form error). Dates are `YYYY-MM-DD` or empty.
#[derive(Debug, Clone, Default)]
pub struct MoveForm {
    pub status: String,
    /// The day the current status began.
    pub date: String,
    /// The organisation's deadline for people to activate managed accounts.
    pub people_deadline: String,
    /// `staff` or `client` (what the client told staff).
    pub deadline_source: String,
    /// The day people activated.
    pub activated_on: String,
    pub activated_source: String,
}

/// "Messy Main Ads (Ad account)", as a message so the client's copy is in their language.
fn asset_line(g: &Grant) -> Text {
    crate::domain::access::asset_words(&g.asset_name, g.kind)
}

/// "31 December 2026", or "31 December 2026 (estimated)".
pub fn due_words(due: i64, basis: DueBasis) -> String {
    Due {
        at: due,
        estimate: basis.is_estimate(),
    }
    .words(Tr::EN)
}

/// Staff record a client's migration: validated, then applied. `Err(errors)` names each
/// field to correct, in the form's words; nothing is stored then.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn record(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    f: &MoveForm,
) -> AppResult<Result<usize, Vec<FieldError>>> {
    clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let status = MigrationStatus::parse(&f.status);
    if status.is_none() {
        errors.push(FieldError::new("status", "Choose a migration status."));
    }
    let mut date = |field: &'static str, raw: &str| match raw.trim() {
        "" => None,
        d => {
            let day = parse_iso_day(d);
            if day.is_none() {
                errors.push(FieldError::new(
                    field,
                    format!("{d:?} is not a date: use dates like 2027-01-31."),
                ));
            }
            day
        }
    };
    let day = date("date", &f.date);
    let people_deadline = date("people_deadline", &f.people_deadline);
    let activated_on = date("activated_on", &f.activated_on);
    let mut source = |field: &'static str, raw: &str| match raw.trim() {
        "" => RecordSource::Staff,
        s => RecordSource::parse(s)
            .filter(|s| *s != RecordSource::Meta)
            .unwrap_or_else(|| {
                errors.push(FieldError::new(
                    field,
                    "Say whether you know this date or the client told you.",
                ));
                RecordSource::Staff
            }),
    };
    let deadline_source = source("deadline_source", &f.deadline_source);
    let activated_source = source("activated_source", &f.activated_source);
    // The start day only feeds an estimate: with the organisation's deadline (or the day
    // people activated) the due date is known without it.
    if let Some(s) = status
        && s.needs_day()
        && day.is_none()
        && people_deadline.is_none()
        && activated_on.is_none()
        && f.date.trim().is_empty()
    {
        errors.push(FieldError::new(
            "date",
            "Give the day the move began, or the organisation's deadline for people below: \
             with neither, Latchkey cannot tell when user-based access ends.",
        ));
    }
    let Some(status) = status.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let new = clients::NewRecord {
        record: MigrationRecord {
            status,
            day,
            people_deadline,
            activated_on,
        },
        source: RecordSource::Staff,
        deadline_source,
        activated_source,
        by: &actor.name,
    };
    apply(ctx, actor, client_id, &new).await.map(Ok)
}

/// Writes the agency's migration record and applies the rule: user-based grants flagged
/// with their due date (or re-dated, or cleared when nothing is at risk), partner grants
/// untouched, a deadline already past lapses at once; e-mails and audit in the same
/// transaction. Returns how many grants are flagged or lapsed.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn apply(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    new: &clients::NewRecord<'_>,
) -> AppResult<usize> {
    let agency_id = actor.agency_id;
    let client = clients::get(&ctx.db.pool, agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&ctx.db.pool, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    let rec = new.record;
    let mut tx = ctx.db.begin().await?;
    clients::set_migration(&mut *tx, agency_id, client_id, new, now).await?;
    clients::reset_deadline_stage(&mut *tx, client_id).await?;
    let mut flagged = 0;
    match rec.people_due() {
        Some((due, basis)) => {
            reauth::retire_covered_user_grants(&mut tx, agency_id, client_id, now).await?;
            let list = reauth::flag_user_grants(&mut tx, agency_id, client_id, due, now).await?;
            flagged = list.len();
            for g in &list {
                let data = json!({
                    "grant_id": g.id, "client_id": client_id,
                    "due_on": format_iso_day(due), "estimate": basis.is_estimate(),
                });
                webhooks::emit(&mut tx, agency_id, EventType::GrantNeedsReauth, data, now).await?;
            }
            if !list.is_empty() {
                let due = Due {
                    at: due,
                    estimate: basis.is_estimate(),
                };
                tell_flagged(ctx, &mut tx, &agency, &client, &list, due, now).await?;
            }
        }
        // Not started: nothing is at risk any more.
        None if !rec.status.at_risk() => {
            reauth::unflag_user_grants(&mut tx, agency_id, client_id, now).await?;
        }
        // At risk but no date to count from yet: flags stay as they were.
        None => {}
    }
    let when = rec.day.map(format_day).unwrap_or_else(|| "no date".into());
    let due = match rec.people_due() {
        Some((d, b)) => format!("due {}", due_words(d, b)),
        None => "no due date".into(),
    };
    let target = format!(
        "{}: {} ({when}, {} source), {due}; {flagged} grants flagged",
        client.name,
        rec.status.as_str(),
        new.source.as_str(),
    );
    audit(&mut tx, actor, "client.migration_set", &target, now).await?;
    let data = json!({
        "client_id": client_id, "status": rec.status.as_str(), "flagged": flagged,
    });
    webhooks::emit(&mut tx, agency_id, EventType::MigrationRecorded, data, now).await?;
    tx.commit().await?;
    ctx.mailer.wake();
    ctx.webhook_bell.notify_one();
    // A deadline already in the past lapses now, not at the next job run.
    lapse_overdue(ctx).await?;
    Ok(flagged)
}

/// E-mails the agency's people (with the re-approval queue) and the client that these
/// user-based grants need re-approving by `due`.
async fn tell_flagged(
    ctx: &Ctx,
    tx: &mut Tx,
    agency: &agencies::Agency,
    client: &clients::Client,
    list: &[Grant],
    due: Due,
    now: i64,
) -> AppResult<()> {
    let brand = templates::Brand::from(agency);
    let assets: Vec<Text> = list.iter().map(asset_line).collect();
    let queue = ctx.url("/reauth");
    for to in prefs::recipients(&mut **tx, agency.id, "reauth_needed").await? {
        let email = templates::reauth_needed(
            Tr::EN,
            &brand,
            &to,
            Audience::Agency,
            &client.name,
            &assets,
            due,
            Some(&queue),
        )?;
        ctx.queue_mail(tx, Some(agency.id), &email, now).await?;
    }
    let email = templates::reauth_needed(
        Tr::new(client.lang().unwrap_or_default()),
        &brand,
        &client.contact_email,
        Audience::Client,
        &client.name,
        &assets,
        due,
        None,
    )?;
    ctx.queue_mail(tx, Some(agency.id), &email, now).await?;
    Ok(())
}

/// At the deadline an unresolved flagged grant becomes `lapsed` (presumed lost): per
/// client, one e-mail to the agency, in the transaction that changes them.
#[tracing::instrument(skip_all)]
pub async fn lapse_overdue(ctx: &Ctx) -> AppResult<usize> {
    let now = ctx.clock.now();
    let mut lapsed = 0;
    for (agency_id, client_id) in reauth::clients_past_deadline(&ctx.db.pool, now).await? {
        let Some(client) = clients::get(&ctx.db.pool, agency_id, client_id).await? else {
            continue;
        };
        let Some(agency) = agencies::get(&ctx.db.pool, agency_id).await? else {
            continue;
        };
        let mut tx = ctx.db.begin().await?;
        // Claimed by the update itself: a second process finds nothing left to lapse.
        let list = reauth::lapse_past_deadline(&mut tx, agency_id, client_id, now).await?;
        if list.is_empty() {
            continue;
        }
        for g in &list {
            let data = json!({"grant_id": g.id, "client_id": client_id});
            webhooks::emit(&mut tx, agency_id, EventType::GrantLapsed, data, now).await?;
        }
        let deadline = list
            .iter()
            .filter_map(|g| g.due_at)
            .min()
            .map(format_day)
            .unwrap_or_default();
        let assets: Vec<String> = list.iter().map(|g| asset_line(g).en()).collect();
        let brand = templates::Brand::from(&agency);
        let url = ctx.url("/reauth");
        for to in prefs::recipients(&mut *tx, agency_id, "access_lapsed").await? {
            let email =
                templates::access_lapsed(&brand, &to, &client.name, &assets, &deadline, &url)?;
            ctx.queue_mail(&mut tx, Some(agency_id), &email, now)
                .await?;
        }
        let target = format!("{}: {} grants lapsed", client.name, list.len());
        super::audit_as(
            &mut tx,
            Some(agency_id),
            "deadline",
            "-",
            "grants.lapsed",
            &target,
            now,
        )
        .await?;
        tx.commit().await?;
        lapsed += list.len();
    }
    if lapsed > 0 {
        ctx.mailer.wake();
        ctx.webhook_bell.notify_one();
    }
    Ok(lapsed)
}

/// One click: a partner-mode request scoped exactly to the client's flagged assets,
/// e-mailed to the client.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn send_reauth_link(ctx: &Ctx, actor: &Actor, client_id: i64) -> AppResult<Issued> {
    reauth_link(ctx, actor, client_id, true).await
}

/// The re-authorisation request, e-mailed to the client or (`email` false) only returned,
/// for the printable report staff send themselves.
pub async fn reauth_link(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    email: bool,
) -> AppResult<Issued> {
    let client = clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if agency.portfolio_id.is_none() {
        return Err(AppError::BadRequest("Partner access needs your agency's Meta business portfolio ID. Add it in Settings first.".into()));
    }
    let flagged =
        reauth::needing_reauth(&ctx.db.pool, actor.agency_id, Some(client_id), true).await?;
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
            // The link's page and e-mail explain the move in the client's language.
            message: "",
            single_use: true,
            expires_at,
            scope: &scope,
            purpose: "reauth",
            email_lines: email.then(|| flagged.iter().map(asset_line).collect()),
            // The client's remembered language, so the e-mail and the page agree.
            language: client.lang(),
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
    ctx.webhook_bell.notify_one();
    Ok(issued)
}

/// Deadline reminders (7 days, 1 day, overdue): each stage once per client, and at most
/// one e-mail per client per cooldown. Safe in several processes: each is claimed first.
#[tracing::instrument(skip_all)]
pub async fn send_deadline_reminders(ctx: &Ctx) -> AppResult<usize> {
    let now = ctx.clock.now();
    let mut sent = 0;
    for (agency_id, client_id, due, last) in reauth::reauth_deadlines(&ctx.db.pool).await? {
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
        let count = reauth::needing_reauth(&ctx.db.pool, agency_id, Some(client_id), false)
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

/// A client's migration record (None: never recorded), or 404 for another agency's client.
pub async fn record_of(
    ctx: &Ctx,
    agency_id: i64,
    client_id: i64,
) -> AppResult<Option<crate::store::clients::MigrationRow>> {
    clients::get(&ctx.db.pool, agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(clients::migration(&ctx.db.pool, agency_id, client_id).await?)
}
