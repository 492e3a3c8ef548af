//! The client's statement about their organisation's move to managed Meta accounts, made
//! on the done page: kept beside the agency's record, never changing it.

use super::steps::{Problem, ProblemKind, Stop, still_open};
use crate::actions::{Ctx, audit_as};
use crate::clock::format_iso_day;
use crate::domain::migration::MigrationStatus;
use crate::domain::request::RequestEvent;
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::store::agencies::Agency;
use crate::store::flows::{self, Flow};
use crate::store::requests::AccessRequest;
use crate::store::{Tx, prefs, requests, statements, throttle};

/// Statements per flow before the client must wait: enough to correct a slip.
const STATEMENTS: throttle::Policy = throttle::Policy {
    free: 5,
    max_delay: 15 * 60,
    lock_after: 50,
    lock_secs: 60 * 60,
    forget_after: 60 * 60,
};

/// The client says whether (and when) their organisation moves to managed Meta accounts.
/// It is their statement, kept with the person's name beside the agency's record and
/// sent to the agency; it never changes that record or a grant's flag. It needs the
/// verified Facebook login of this flow and a live link, and is rate-limited.
#[tracing::instrument(skip_all, fields(flow = flow.id, agency = flow.agency_id))]
pub async fn state_migration(
    ctx: &Ctx,
    flow: &Flow,
    status: &str,
    date: &str,
    ip: &str,
) -> AppResult<Result<(), Stop>> {
    let (Some(person_id), Some(person_name)) = (flow.person_id.clone(), flow.person_name.clone())
    else {
        // No Facebook login in this flow: nobody to attribute a statement to.
        return Ok(Err(Stop::SessionOver));
    };
    let (r, agency) = match still_open(ctx, flow).await? {
        Ok(x) => x,
        Err(stop) => return Ok(Err(stop)),
    };
    let (status, date) = match said(status, date) {
        Ok(x) => x,
        // A refusal on the client's own page, in their language; nothing is recorded.
        Err(message) => {
            return Ok(Err(Stop::Problem(Problem {
                retry: false,
                ..Problem::new(
                    flow.agency_id,
                    ProblemKind::Invalid,
                    "error-400-title",
                    message,
                )
            })));
        }
    };
    let now = ctx.clock.now();
    let key = format!("statement:{}", flow.id);
    let wait = throttle::wait_secs(&ctx.db.pool, &key, now).await?;
    if wait > 0 {
        return Err(AppError::TooManyRequests { retry_after: wait });
    }
    let said = match date {
        Some(d) => format!("{} ({})", status_words(status), format_iso_day(d)),
        None => status_words(status).to_owned(),
    };
    let mut tx = ctx.db.begin().await?;
    throttle::record_failure(&mut tx, &key, STATEMENTS, now).await?;
    statements::insert(
        &mut *tx,
        &statements::NewStatement {
            agency_id: agency.id,
            client_id: r.client_id,
            request_id: r.id,
            person_id: &person_id,
            person_name: &person_name,
            status,
            day: date,
        },
        now,
    )
    .await?;
    let detail = format!("{person_name} said: {said}");
    requests::add_event(&mut *tx, r.id, RequestEvent::Statement, &detail, now).await?;
    let who = format!("{person_name} (client, Facebook id {person_id})");
    let target = format!("{}: {said}", r.client_name);
    let action = "client.statement";
    audit_as(&mut tx, Some(agency.id), &who, ip, action, &target, now).await?;
    tell_agency(ctx, &mut tx, &agency, &r, &person_name, &said, now).await?;
    flows::touch(&mut *tx, flow.id, now).await?;
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(Ok(()))
}

/// The status and day a client chose, or the message (a key) saying what to correct.
fn said(status: &str, date: &str) -> Result<(MigrationStatus, Option<i64>), &'static str> {
    let status = MigrationStatus::parse(status).ok_or("move-error-choose")?;
    let date = match date.trim() {
        "" => None,
        d => Some(crate::clock::parse_iso_day(d).ok_or("move-error-date")?),
    };
    if status.needs_day() && date.is_none() {
        return Err("move-error-date-needed");
    }
    Ok((status, date))
}

/// E-mails the agency's people who asked for clients' statements.
async fn tell_agency(
    ctx: &Ctx,
    tx: &mut Tx,
    agency: &Agency,
    r: &AccessRequest,
    person_name: &str,
    said: &str,
    now: i64,
) -> AppResult<()> {
    let brand = templates::Brand::from(agency);
    let url = ctx.url(&format!("/clients/{}", r.client_id));
    for to in prefs::recipients(&mut **tx, agency.id, templates::kinds::CLIENT_STATEMENT).await? {
        let email =
            templates::client_statement(&brand, &to, &r.client_name, person_name, said, &url)?;
        ctx.queue_mail(tx, Some(agency.id), &email, now).await?;
    }
    Ok(())
}

/// A migration status as a client's words.
pub fn status_words(status: MigrationStatus) -> &'static str {
    match status {
        MigrationStatus::NotStarted => "not moving, or not that they know of",
        MigrationStatus::Invited => "people were invited to managed accounts",
        MigrationStatus::Preparing => "the move is being prepared",
        MigrationStatus::Migrating => "the move is happening now",
        MigrationStatus::Migrated => "the move already happened",
    }
}
