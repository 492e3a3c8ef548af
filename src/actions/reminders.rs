//! Reminding a client of an open request: by staff (once a day at most), automatically on
//! the agency's schedule, and telling webhooks when a link expired unanswered.

use super::requests::{get, new_token, sender_address};
use super::{Actor, Ctx, audit, webhooks};
use crate::domain::access::{self, Ask};
use crate::domain::reminder;
use crate::domain::request::RequestEvent;
use crate::domain::webhook::EventType;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::mail::templates;
// The read models this module returns, for the web layer to name.
pub use crate::store::links::LinkView;
/// One line of a request's timeline, as stored (its kind parsed by the reader).
pub use crate::store::requests::RequestEvent as TimelineRow;
pub use crate::store::requests::{AccessRequest, RequestQuery};
use crate::store::{Tx, agencies, requests};

/// Staff remind the client now (a fresh link; the old one stops working). At most once per
/// [`reminder::COOLDOWN`].
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, request = id))]
pub async fn remind(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<()> {
    let r = get(ctx, actor.agency_id, id).await?;
    let now = ctx.clock.now();
    if !r.status(now).is_open() {
        return Err(AppError::BadRequest(
            "This request is no longer open, so there is nothing to remind the client about."
                .into(),
        ));
    }
    let agency = agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = ctx.db.begin().await?;
    if !requests::claim_reminder(&mut *tx, actor.agency_id, id, now).await? {
        return Err(AppError::TooManyRequests {
            retry_after: reminder::wait(r.last_reminder_at, now).max(1),
        });
    }
    let detail = format!("by {} to {}", actor.name, r.client_email);
    let sender = actor.user_id.map(|_| actor.name.as_str());
    let prefix = queue_reminder(ctx, &mut tx, &agency, &r, sender, &detail, now).await?;
    let target = format!("{} ({prefix})", r.client_name);
    audit(&mut tx, actor, "request.reminded", &target, now).await?;
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(())
}

/// Queues a reminder for a request, inside the caller's transaction. Only the link's hash
/// is kept, so a reminder cannot repeat the old link: it carries a fresh one, and the old
/// one stops working (the request page says so before the click). Returns the new prefix.
async fn queue_reminder(
    ctx: &Ctx,
    tx: &mut Tx,
    agency: &agencies::Agency,
    r: &AccessRequest,
    sender: Option<&str>,
    detail: &str,
    now: i64,
) -> AppResult<String> {
    let (token, prefix) = new_token();
    requests::replace_token(tx, agency.id, r.id, &token.hash(), &prefix, now).await?;
    let ask = templates::AccessAsk {
        client_name: r.client_name.clone(),
        sender_name: sender.map(str::to_owned),
        asks: Ask::decode(&r.asks)
            .iter()
            .map(|a| access::ask_words(a.kind, a.level))
            .collect(),
        message: (!r.message.is_empty()).then(|| r.message.clone()),
        link: ctx.link_url(&token),
        expires_at: r.expires_at,
        reauth: r.purpose == "reauth",
    };
    let brand = templates::Brand::from(agency);
    let reply_to = sender_address(&mut **tx, agency.id, r.created_by).await?;
    let tr = Tr::new(r.mail_lang());
    let email = templates::request_reminder(tr, &brand, &r.client_email, &ask)?
        .on_behalf_of(&brand.agency_name, reply_to);
    ctx.queue_mail(tx, Some(agency.id), &email, now).await?;
    requests::add_event(&mut **tx, r.id, RequestEvent::Reminded, detail, now).await?;
    Ok(prefix)
}

/// The automatic reminder job: one pass over requests that were e-mailed and not opened
/// for the agency's `reminder_days`. Safe to run in several processes at once: each
/// reminder is claimed by one atomic update in the transaction that queues its e-mail.
#[tracing::instrument(skip_all)]
pub async fn send_auto_reminders(ctx: &Ctx) -> AppResult<usize> {
    let now = ctx.clock.now();
    let due = requests::due_for_auto_reminder(&ctx.db.pool, now, 100).await?;
    let mut sent = 0;
    for (id, agency_id) in due {
        let Some(r) = requests::get(&ctx.db.pool, agency_id, id).await? else {
            continue;
        };
        let Some(agency) = agencies::get(&ctx.db.pool, agency_id).await? else {
            continue;
        };
        let mut tx = ctx.db.begin().await?;
        if !requests::claim_auto_reminder(&mut *tx, id, now).await? {
            continue;
        }
        let detail = format!(
            "automatically, after {} days unopened",
            agency.reminder_days
        );
        queue_reminder(ctx, &mut tx, &agency, &r, None, &detail, now).await?;
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        ctx.mailer.wake();
    }
    Ok(sent)
}

/// Tells integrators about links that expired unanswered (`request.expired`), each once: the
/// claim and the event are one transaction, so several processes never send it twice.
#[tracing::instrument(skip_all)]
pub async fn note_expired(ctx: &Ctx) -> AppResult<usize> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let expired = requests::claim_expired(&mut *tx, now).await?;
    for (id, agency_id, client_id) in &expired {
        let data = serde_json::json!({"request_id": id, "client_id": client_id});
        webhooks::emit(&mut tx, *agency_id, EventType::RequestExpired, data, now).await?;
    }
    tx.commit().await?;
    if !expired.is_empty() {
        ctx.webhook_bell.notify_one();
    }
    Ok(expired.len())
}
