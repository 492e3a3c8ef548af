//! Webhooks: owners and admins register endpoints; changes emit events into the webhook
//! outbox inside their own transaction; the worker signs and sends them with retries over
//! about three days, then turns a dead endpoint off and tells the agency.

use serde_json::{Value, json};

use super::{Actor, Ctx, audit};
use crate::domain::BoundedText;
use crate::domain::webhook::{self, EventType};
use crate::error::{AppError, AppResult, FieldError};
use crate::mail::templates;
// The read models this module returns, for the web layer to name.
use crate::store::webhooks as store;
pub use crate::store::webhooks::{Delivery, Endpoint};
use crate::store::{Tx, agencies, prefs};

/// Seconds a rotated-out secret still signs, so receivers can switch over.
pub const ROTATION_OVERLAP: i64 = 24 * 3600;
/// Senders per process.
const CONCURRENCY: usize = 32;
/// A new batch starts with an agency's delivery only while fewer than this many of its
/// deliveries are in flight, across every process (a batch adds up to [`BATCH`] − 1 of the
/// same endpoint's to the one it starts with).
const PER_AGENCY_IN_FLIGHT: i64 = 16;
/// Deliveries a sender sends to one endpoint together, recorded in one transaction.
pub const BATCH: i64 = 8;
/// Endpoints one agency may have.
pub const MAX_ENDPOINTS: usize = 20;
/// Seconds a claimed delivery is held by its worker.
const LEASE: i64 = 60;

/// An endpoint as typed.
#[derive(Debug, Clone, Default)]
pub struct EndpointForm {
    pub url: String,
    pub description: String,
    /// Event types; none: every event.
    pub events: Vec<String>,
}

fn managers_only(actor: &Actor) -> AppResult<()> {
    if actor.role.can_manage() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the agency's owners and admins can manage webhooks.",
        ))
    }
}

/// Registers an endpoint; returns its id and its secret (shown once).
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    f: &EndpointForm,
) -> AppResult<Result<(i64, String), Vec<FieldError>>> {
    managers_only(actor)?;
    let mut errors = Vec::new();
    let url = ctx
        .webhooks
        .check(&f.url)
        .map_err(|e| errors.push(FieldError::new("url", e)))
        .ok();
    let description = BoundedText::parse(&f.description, "The description", 200, false)
        .map_err(|e| errors.push(FieldError::new("description", e)))
        .ok();
    let mut events = Vec::new();
    for e in &f.events {
        match EventType::parse(e) {
            Some(t) if !events.contains(&t.as_str()) => events.push(t.as_str()),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "events",
                format!("{e:?} is not an event Latchkey sends."),
            )),
        }
    }
    if store::endpoints(&ctx.db.pool, actor.agency_id).await?.len() >= MAX_ENDPOINTS {
        errors.push(FieldError::new(
            "url",
            format!(
                "An agency may have {MAX_ENDPOINTS} endpoints. Delete one you no longer use, or send several event types to one endpoint."
            ),
        ));
    }
    let (Some(url), Some(description), true) = (url, description, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let secret = webhook::new_secret();
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let id = store::insert_endpoint(
        &mut *tx,
        &store::NewEndpoint {
            agency_id: actor.agency_id,
            url: url.as_str(),
            description: description.as_str(),
            events: &events.join(","),
            secret_sealed: &ctx.secrets.seal(&secret),
            created_by: actor.user_id,
            created_by_name: &actor.name,
        },
        now,
    )
    .await?;
    audit(&mut tx, actor, "webhook.created", url.as_str(), now).await?;
    tx.commit().await?;
    Ok(Ok((id, secret)))
}

pub async fn list(ctx: &Ctx, agency_id: i64) -> AppResult<Vec<Endpoint>> {
    Ok(store::endpoints(&ctx.db.pool, agency_id).await?)
}

/// One of the agency's endpoints, or 404.
pub async fn get(ctx: &Ctx, agency_id: i64, id: i64) -> AppResult<Endpoint> {
    store::endpoint(&ctx.db.pool, agency_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Turns an endpoint on or off by hand.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, endpoint = id))]
pub async fn set_enabled(ctx: &Ctx, actor: &Actor, id: i64, on: bool) -> AppResult<()> {
    managers_only(actor)?;
    let e = get(ctx, actor.agency_id, id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let (at, why, action) = if on {
        (None, "", "webhook.enabled")
    } else {
        (Some(now), "Turned off by staff.", "webhook.disabled")
    };
    store::set_disabled(&mut *tx, actor.agency_id, id, at, why).await?;
    audit(&mut tx, actor, action, &e.url, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A new secret, shown once; the old one keeps signing for [`ROTATION_OVERLAP`].
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, endpoint = id))]
pub async fn rotate(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<String> {
    managers_only(actor)?;
    let e = get(ctx, actor.agency_id, id).await?;
    let secret = webhook::new_secret();
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    store::rotate(
        &mut *tx,
        actor.agency_id,
        id,
        &ctx.secrets.seal(&secret),
        now + ROTATION_OVERLAP,
    )
    .await?;
    audit(&mut tx, actor, "webhook.secret_rotated", &e.url, now).await?;
    tx.commit().await?;
    Ok(secret)
}

/// Deletes an endpoint and its log.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, endpoint = id))]
pub async fn delete(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<()> {
    managers_only(actor)?;
    let e = get(ctx, actor.agency_id, id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    store::delete_endpoint(&mut tx, actor.agency_id, id).await?;
    audit(&mut tx, actor, "webhook.deleted", &e.url, now).await?;
    tx.commit().await?;
    Ok(())
}

/// An endpoint's deliveries, newest first, before `before_id`.
pub async fn deliveries(
    ctx: &Ctx,
    agency_id: i64,
    endpoint_id: i64,
    before_id: Option<i64>,
    limit: i64,
) -> AppResult<Vec<Delivery>> {
    get(ctx, agency_id, endpoint_id).await?;
    Ok(store::deliveries(&ctx.db.pool, agency_id, endpoint_id, before_id, limit).await?)
}

/// Sends a delivery again now, with the same `webhook-id` (receivers dedupe on it).
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, delivery = id))]
pub async fn redeliver(ctx: &Ctx, actor: &Actor, endpoint_id: i64, id: i64) -> AppResult<()> {
    managers_only(actor)?;
    let d = store::delivery(&ctx.db.pool, actor.agency_id, id)
        .await?
        .filter(|d| d.endpoint_id == endpoint_id)
        .ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    store::redeliver(&mut *tx, actor.agency_id, id, now).await?;
    let target = format!("{} {}", d.event_type, d.message_id);
    audit(&mut tx, actor, "webhook.redelivered", &target, now).await?;
    tx.commit().await?;
    ctx.webhook_bell.notify_one();
    Ok(())
}

/// Queues `event` for every live endpoint of the agency that wants it, inside the
/// transaction that made the change (so an event exists exactly when the change does).
/// `data` names ids only. The caller rings [`Ctx::webhook_bell`] after commit.
pub async fn emit(
    tx: &mut Tx,
    agency_id: i64,
    event: EventType,
    data: Value,
    now: i64,
) -> AppResult<()> {
    let endpoints = store::live_endpoints(&mut **tx, agency_id).await?;
    let wanting: Vec<&Endpoint> = endpoints
        .iter()
        .filter(|e| e.wants(event.as_str()))
        .collect();
    if wanting.is_empty() {
        return Ok(());
    }
    let id = webhook::new_message_id();
    let payload = json!({
        "type": event.as_str(),
        "timestamp": crate::clock::format_rfc3339(now),
        "data": data,
    })
    .to_string();
    for e in wanting {
        store::insert_delivery(
            &mut **tx,
            e.id,
            agency_id,
            &id,
            event.as_str(),
            &payload,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Delivers everything that can be claimed now, with every sender, and returns how many
/// were attempted (the tests' and `latchkey`'s drain; `jobs::webhooks` runs senders instead).
pub async fn deliver_due(ctx: &Ctx) -> AppResult<usize> {
    let senders = (0..CONCURRENCY).map(|_| async {
        let mut n = 0;
        while deliver_next(ctx).await? {
            n += 1;
        }
        AppResult::Ok(n)
    });
    let mut total = 0;
    for n in futures_util::future::join_all(senders).await {
        total += n?;
    }
    Ok(total)
}

/// Claims one due delivery (fairly between agencies) and up to [`BATCH`] − 1 more for the
/// same endpoint, sends them together and records their outcomes in one transaction.
/// Whether one was claimed.
pub async fn deliver_next(ctx: &Ctx) -> AppResult<bool> {
    let now = ctx.clock.now();
    let Some(first) = store::claim_next(&ctx.db, now, LEASE, PER_AGENCY_IN_FLIGHT).await? else {
        return Ok(false);
    };
    // Wake a resting sender before this one is busy: there may be more due.
    ctx.webhook_bell.notify_one();
    let endpoint_id = first.endpoint_id;
    let mut batch = vec![first];
    batch.extend(store::claim_more(&ctx.db, endpoint_id, now, LEASE, BATCH - 1).await?);
    // Read at each batch: a rotation or a switch-off counts from the next one.
    if let Some(e) = store::endpoint(&ctx.db.pool, batch[0].agency_id, endpoint_id).await? {
        let secrets = signing_secrets(ctx, &e, now);
        let sends = batch.iter().map(|d| attempt(ctx, &e, &secrets, d));
        let done = futures_util::future::join_all(sends).await;
        if let Err(err) = record(ctx, &e, &batch, done).await {
            tracing::error!(error = ?err, endpoint = endpoint_id, "webhook deliveries could not be recorded");
        }
    }
    Ok(true)
}

/// The secrets that sign: the current one, and the previous one during its overlap.
fn signing_secrets(ctx: &Ctx, e: &Endpoint, now: i64) -> Vec<String> {
    let mut sealed = vec![&e.secret_sealed];
    if let (Some(prev), Some(until)) = (&e.previous_secret_sealed, e.previous_until)
        && until > now
    {
        sealed.push(prev);
    }
    sealed
        .into_iter()
        .filter_map(|s| ctx.secrets.open(s).ok())
        .collect()
}

/// What one attempt came to, to be recorded.
struct Attempted {
    status: &'static str,
    next_attempt_at: i64,
    code: Option<i64>,
    error: String,
    ms: i64,
    /// The retry schedule is spent.
    give_up: bool,
}

/// Sends one delivery (nothing is written here).
async fn attempt(ctx: &Ctx, e: &Endpoint, secrets: &[String], d: &Delivery) -> Attempted {
    let now = ctx.clock.now();
    if e.disabled_at.is_some() {
        // Held until the endpoint is on again (then redelivered by hand).
        return Attempted {
            status: store::FAILED,
            next_attempt_at: now,
            code: None,
            error: "The endpoint is turned off.".into(),
            ms: 0,
            give_up: false,
        };
    }
    let sig = secrets
        .iter()
        .filter_map(|s| webhook::sign(s, &d.message_id, now, &d.payload))
        .collect::<Vec<_>>()
        .join(" ");
    let got = ctx
        .webhooks
        .send(&e.url, &d.message_id, now, &sig, d.payload.clone())
        .await;
    let code = got.status.map(i64::from);
    let (status, next_attempt_at, give_up) = if got.accepted() {
        (store::DELIVERED, now, false)
    } else {
        match webhook::RETRY.after_secs(d.attempts + 1) {
            Some(wait) => (store::PENDING, now + wait, false),
            None => (store::FAILED, now, true),
        }
    };
    Attempted {
        status,
        next_attempt_at,
        code,
        error: if got.accepted() {
            String::new()
        } else {
            got.error
        },
        ms: got.ms,
        give_up,
    }
}

/// Records a batch's outcomes in one transaction; a delivery whose schedule is spent then
/// turns its endpoint off (its own transaction, with the e-mail).
async fn record(
    ctx: &Ctx,
    e: &Endpoint,
    batch: &[Delivery],
    done: Vec<Attempted>,
) -> AppResult<()> {
    let now = ctx.clock.now();
    let mut recorded: Vec<(&Delivery, &Attempted)> = batch
        .iter()
        .zip(&done)
        .filter(|(_, a)| !a.give_up)
        .collect();
    // In id order, as every recording transaction takes its rows: two never wait on each
    // other's rows in opposite orders.
    recorded.sort_by_key(|(d, _)| d.id);
    let mut tx = ctx.db.begin().await?;
    for (d, a) in recorded {
        store::record_attempt(
            &mut *tx,
            d.id,
            a.status,
            a.next_attempt_at,
            a.code,
            &a.error,
            a.ms,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    for (d, a) in batch.iter().zip(&done).filter(|(_, a)| a.give_up) {
        give_up(ctx, e, d, a.code, &a.error, a.ms).await?;
    }
    Ok(())
}

/// The schedule is spent: the delivery failed, the endpoint is turned off, and the agency
/// is told by e-mail (preference `webhook_disabled`).
async fn give_up(
    ctx: &Ctx,
    e: &Endpoint,
    d: &Delivery,
    code: Option<i64>,
    error: &str,
    ms: i64,
) -> AppResult<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    store::record_attempt(&mut *tx, d.id, store::FAILED, now, code, error, ms, now).await?;
    if e.disabled_at.is_none() {
        let why = format!("Deliveries failed for about three days. Last: {error}");
        store::set_disabled(&mut *tx, e.agency_id, e.id, Some(now), &why).await?;
        if let Some(agency) = agencies::get(&mut *tx, e.agency_id).await? {
            let brand = templates::Brand::from(&agency);
            let page = ctx.url(&format!("/settings/webhooks/{}", e.id));
            for to in prefs::recipients(&mut *tx, e.agency_id, "webhook_disabled").await? {
                let mail = templates::webhook_disabled(&brand, &to, &e.url, error, &page)?;
                ctx.queue_mail(&mut tx, Some(e.agency_id), &mail, now)
                    .await?;
            }
        }
        let actor = Actor::system(e.agency_id);
        audit(&mut tx, &actor, "webhook.auto_disabled", &e.url, now).await?;
    }
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(())
}

/// How many senders a process runs: each claims and sends one batch (one endpoint's) at a
/// time, so a slow receiver holds only the senders of its own batches (an agency's claims
/// stop at [`PER_AGENCY_IN_FLIGHT`] deliveries in flight).
pub const SENDERS: usize = CONCURRENCY;

/// Seconds until the next delivery is due (at most 30), for an idle sender's wait.
pub async fn next_due_in(ctx: &Ctx) -> i64 {
    match store::next_due(&ctx.db.pool).await {
        Ok(Some(due)) => (due - ctx.clock.now()).clamp(0, 30),
        _ => 30,
    }
}
