//! The client's capability link (`/r/<token>`): looking it up with a brake on guessing,
//! and recording that a person opened it.

use super::{Ctx, audit_as};
use crate::actions::webhooks;
use crate::domain::access::asset_words;
use crate::domain::request::RequestEvent;
use crate::domain::request::{Closed, DeclineReason};
use crate::domain::token::{LINK_PREFIX, hash_secret};
use crate::domain::webhook::EventType;
use crate::domain::{BoundedText, Platform, SecretToken};
use crate::error::{AppError, AppResult};
use crate::i18n::Text;
use crate::mail::templates;
use crate::store::links::{self, LinkView};
use crate::store::requests::AccessRequest;
use crate::store::{agencies, prefs, requests, throttle};

/// Failed link lookups per IP: 20 free, then growing delays (a guessing brake).
const LOOKUPS: throttle::Policy = throttle::Policy {
    free: 20,
    max_delay: 15 * 60,
    lock_after: 500,
    lock_secs: 60 * 60,
    forget_after: 60 * 60,
};

/// What this process remembers between link views so that a repeated view costs one
/// read: addresses it saw throttled, the visits it already recorded this hour, and what the
/// page shows of the agency, client and sender (for a second). None is a cache of the link
/// itself, whose row is read on every view.
#[derive(Default)]
pub struct LinkMemo {
    pub faces: super::link_faces::LinkFaces,
    pub words: super::link_faces::LinkWordsKept,
    blocked: std::sync::Mutex<std::collections::HashMap<String, i64>>,
    seen: std::sync::Mutex<(i64, std::collections::HashSet<(i64, u64)>)>,
    /// Keys the memo's visitor hashes: random per process, so nobody can aim at a collision.
    visit_keys: std::hash::RandomState,
}

/// Entries each memo keeps at most; past that it starts afresh (it is only a shortcut).
const MEMO_CAP: usize = 100_000;

impl LinkMemo {
    /// Seconds `ip` must still wait, as this process last saw it.
    pub fn blocked_wait(&self, ip: &str, now: i64) -> i64 {
        self.blocked
            .lock()
            .ok()
            .and_then(|m| m.get(ip).copied())
            .map_or(0, |until| (until - now).max(0))
    }

    pub fn block(&self, ip: &str, until: i64, now: i64) {
        if let Ok(mut m) = self.blocked.lock() {
            if m.len() >= MEMO_CAP {
                m.retain(|_, u| *u > now);
            }
            m.insert(ip.to_owned(), until);
        }
    }

    /// This process's short name for a visitor (address and browser as sent): the memo
    /// is asked on every view, before anything is hashed for the database.
    fn visit_key(&self, ip: &str, user_agent: &str) -> u64 {
        use std::hash::BuildHasher;
        self.visit_keys.hash_one((ip, user_agent))
    }

    /// Whether this visit was already recorded in `hour` (by this process).
    fn seen(&self, request_id: i64, visit: u64, hour: i64) -> bool {
        self.seen
            .lock()
            .is_ok_and(|s| s.0 == hour && s.1.contains(&(request_id, visit)))
    }

    fn remember(&self, request_id: i64, visit: u64, hour: i64) {
        if let Ok(mut s) = self.seen.lock() {
            if s.0 != hour || s.1.len() >= MEMO_CAP {
                *s = (hour, Default::default());
            }
            s.1.insert((request_id, visit));
        }
    }
}

/// The outcome of looking a link up.
pub enum Lookup {
    Live(Box<AccessRequest>, agencies::Agency),
    /// Expired or used up: 410 naming the agency.
    Gone(agencies::Agency, Closed),
}

/// Looks a presented token up, counting failures per IP. Unknown and malformed links are
/// the same 404; a revoked or replaced one says so on the agency's page.
#[tracing::instrument(skip_all)]
pub async fn lookup(ctx: &Ctx, ip: &str, raw: &str) -> AppResult<Lookup> {
    let now = ctx.clock.now();
    let found = match SecretToken::from_presented(LINK_PREFIX, raw) {
        Some(token) => requests::by_token_hash(&ctx.db.pool, &token.hash()).await?,
        None => None,
    };
    let Some(r) = found else {
        let (view, why) = replaced(ctx, ip, raw, now).await?;
        let agency = agencies::get(&ctx.db.pool, view.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(Lookup::Gone(agency, why));
    };
    throttled(ctx, ip, now)?;
    let agency = agencies::get(&ctx.db.pool, r.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.revoked_at.is_some() {
        return Ok(Lookup::Gone(agency, Closed::Revoked));
    }
    if r.declined_at.is_some() {
        return Ok(Lookup::Gone(agency, Closed::Declined));
    }
    if r.expires_at <= now {
        return Ok(Lookup::Gone(agency, Closed::Expired));
    }
    if r.single_use == 1 && r.used_at.is_some() {
        return Ok(Lookup::Gone(agency, Closed::Used));
    }
    Ok(Lookup::Live(Box::new(r), agency))
}

/// A throttled address is refused even with a good link: otherwise a guesser would learn
/// which of its guesses was right while it is supposed to be waiting.
pub fn throttled(ctx: &Ctx, ip: &str, now: i64) -> AppResult<()> {
    match ctx.links.blocked_wait(ip, now) {
        0 => Ok(()),
        wait => Err(AppError::TooManyRequests { retry_after: wait }),
    }
}

/// A lookup that found nothing: counted against the address (shared by every process
/// through the database), answered 404 or, once throttled, 429.
pub async fn failed_lookup(ctx: &Ctx, ip: &str, now: i64) -> AppError {
    let key = format!("link:{ip}");
    let counted = async {
        let wait = throttle::wait_secs(&ctx.db.pool, &key, now).await?;
        if wait > 0 {
            return Ok::<_, sqlx::Error>((wait, true));
        }
        let mut conn = ctx.db.pool.acquire().await?;
        let failures = throttle::record_failure(&mut conn, &key, LOOKUPS, now).await?;
        Ok((LOOKUPS.delay_after(failures), false))
    };
    match counted.await {
        Ok((0, _)) => AppError::NotFound,
        Ok((wait, already)) => {
            ctx.links.block(ip, now + wait, now);
            if already {
                AppError::TooManyRequests { retry_after: wait }
            } else {
                // This lookup is answered as unknown; the next one waits.
                AppError::NotFound
            }
        }
        Err(e) => AppError::from(e),
    }
}

/// How a link view stands.
pub enum Viewed {
    Live(Box<LinkView>),
    /// Expired or used up: 410 naming the agency.
    Gone(Box<LinkView>, Closed),
}

/// A view of the link page: one joined read; a person's visit (`user_agent` given) is
/// recorded once per visitor and hour. Unknown, malformed and revoked links are a 404.
#[tracing::instrument(skip_all)]
pub async fn view(ctx: &Ctx, ip: &str, raw: &str, user_agent: Option<&str>) -> AppResult<Viewed> {
    let view = match live_view(ctx, ip, raw).await? {
        Ok(view) => view,
        Err((view, why)) => return Ok(Viewed::Gone(view, why)),
    };
    if let Some(ua) = user_agent {
        record_open(ctx, &view, ip, ua).await?;
    }
    Ok(Viewed::Live(view))
}

/// What the client's landing shows for one of the agency's requests, for staff to preview:
/// no token, no open recorded, whatever the link's state.
#[tracing::instrument(skip_all, fields(agency = agency_id, request = id))]
pub async fn preview(ctx: &Ctx, agency_id: i64, id: i64) -> AppResult<Box<LinkView>> {
    links::link_view_by_id(&ctx.db.pool, agency_id, id)
        .await?
        .map(Box::new)
        .ok_or(AppError::NotFound)
}

/// The link behind a presented token, with the guessing brake: unknown, malformed and
/// revoked links are a 404; `Err((view, why))` when it no longer takes an answer.
async fn live_view(
    ctx: &Ctx,
    ip: &str,
    raw: &str,
) -> AppResult<Result<Box<LinkView>, (Box<LinkView>, Closed)>> {
    let now = ctx.clock.now();
    let head = match SecretToken::from_presented(LINK_PREFIX, raw) {
        Some(token) => links::link_head(&ctx.db, &token.hash()).await?,
        None => None,
    };
    let Some(head) = head else {
        return Ok(Err(replaced(ctx, ip, raw, now).await?));
    };
    let Some(view) = with_face(ctx, head).await? else {
        return Ok(Err(replaced(ctx, ip, raw, now).await?));
    };
    throttled(ctx, ip, now)?;
    Ok(match closed(&view, now) {
        Some(why) => Err((Box::new(view), why)),
        None => Ok(Box::new(view)),
    })
}

/// The request's row with its words (kept for good: they never change) and what its page
/// shows of the agency, client and sender (kept for a second per process, `link_faces`).
/// None if the client is gone.
async fn with_face(ctx: &Ctx, head: links::LinkHead) -> AppResult<Option<LinkView>> {
    let words = match ctx.links.words.get(head.id) {
        Some(w) => w,
        None => {
            let w = links::link_words(&ctx.db.pool, head.id).await?;
            ctx.links.words.put(head.id, w.clone());
            w
        }
    };
    let key = (head.agency_id, head.client_id, head.created_by);
    let faces = &ctx.links.faces;
    let now = ctx.clock.now();
    if let Some(face) = faces.get(key, now) {
        return Ok(Some(LinkView::of(head, words, face)));
    }
    let generation = faces.generation();
    let Some(face) = links::link_face(&ctx.db.pool, key.0, key.1, key.2).await? else {
        return Ok(None);
    };
    faces.put(key, generation, now, face.clone());
    Ok(Some(LinkView::of(head, words, face)))
}

/// For a link covering several platforms: each with whether something is shared on it
/// already (the landing offers the rest). Empty for a one-platform link: no read then.
pub async fn platforms_shared(ctx: &Ctx, view: &LinkView) -> AppResult<Vec<(Platform, bool)>> {
    let all = view.platforms();
    if all.len() < 2 {
        return Ok(Vec::new());
    }
    let shared = crate::store::grants::platforms_shared(&ctx.db.pool, view.id).await?;
    Ok(all.into_iter().map(|p| (p, shared.contains(&p))).collect())
}

/// The assets a re-authorisation link is about, named ("Messy Main Ads (Ad account)"), so
/// the client sees exactly what is affected. Empty for an ordinary request.
pub async fn reauth_assets(ctx: &Ctx, view: &LinkView) -> AppResult<Vec<Text>> {
    if view.purpose != "reauth" {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = view
        .scope_assets
        .split(',')
        .filter(|s| !s.is_empty())
        .collect();
    Ok(
        crate::store::reauth::user_assets_named(&ctx.db.pool, view.agency_id, &ids)
            .await?
            .into_iter()
            .map(|(name, kind)| asset_words(&name, kind))
            .collect(),
    )
}

/// Why a link no longer takes an approval: declined, expired or used up.
/// A token that is no request's link now: a replaced link's holder is told so (they hold a
/// real link, so it is no guess); anything else counts against the address as a guess.
async fn replaced(ctx: &Ctx, ip: &str, raw: &str, now: i64) -> AppResult<(Box<LinkView>, Closed)> {
    let view = match SecretToken::from_presented(LINK_PREFIX, raw) {
        Some(token) => links::replaced_link_view(&ctx.db.pool, &token.hash()).await?,
        None => None,
    };
    match view {
        Some(view) => {
            throttled(ctx, ip, now)?;
            Ok((Box::new(view), Closed::Replaced))
        }
        None => Err(failed_lookup(ctx, ip, now).await),
    }
}

fn closed(view: &LinkView, now: i64) -> Option<Closed> {
    if view.revoked_at.is_some() {
        Some(Closed::Revoked)
    } else if view.declined_at.is_some() {
        Some(Closed::Declined)
    } else if view.expires_at <= now {
        Some(Closed::Expired)
    } else if view.single_use == 1 && view.used_at.is_some() {
        Some(Closed::Used)
    } else {
        None
    }
}

/// Longest note a client may leave when declining.
pub const MAX_DECLINE_NOTE: usize = 500;

/// What a decline did.
pub enum Declined {
    /// Recorded; the agency is told.
    Done(Box<LinkView>),
    /// The link was closed already (expired, used, declined): nothing recorded.
    Gone(Box<LinkView>, Closed),
    /// The form was wrong: the messages, nothing recorded.
    Invalid(Box<LinkView>, Vec<Text>),
}

/// The client declines a request ("this isn't for me" / "not now", with an optional note):
/// the link closes, the agency's creator and subscribed staff are e-mailed, audited.
#[tracing::instrument(skip_all)]
pub async fn decline(
    ctx: &Ctx,
    ip: &str,
    raw: &str,
    reason: &str,
    note: &str,
) -> AppResult<Declined> {
    let view = match live_view(ctx, ip, raw).await? {
        Ok(view) => view,
        Err((view, why)) => return Ok(Declined::Gone(view, why)),
    };
    let now = ctx.clock.now();
    let mut errors = Vec::new();
    let reason = DeclineReason::parse(reason);
    if reason.is_none() {
        errors.push(Text::msg("decline-error-reason"));
    }
    let note = BoundedText::parse(note, "The note", MAX_DECLINE_NOTE, false)
        .map_err(|_| {
            errors.push(if note.chars().count() > MAX_DECLINE_NOTE {
                Text::msg("decline-error-note").arg("max", MAX_DECLINE_NOTE)
            } else {
                Text::msg("decline-error-note-chars")
            })
        })
        .ok();
    let (Some(reason), Some(note), true) = (reason, note, errors.is_empty()) else {
        return Ok(Declined::Invalid(view, errors));
    };
    let mut tx = ctx.db.begin().await?;
    if !links::decline(&mut *tx, view.id, reason.as_str(), note.as_str(), now).await? {
        return Ok(Declined::Gone(view, Closed::Declined));
    }
    let said = if note.as_str().is_empty() {
        reason.label().to_owned()
    } else {
        format!("{} — “{}”", reason.label(), note.as_str())
    };
    let data = serde_json::json!({
        "request_id": view.id, "client_id": view.client_id,
        "reason": reason.as_str(), "note": note.as_str(),
    });
    webhooks::emit(
        &mut tx,
        view.agency_id,
        EventType::RequestDeclined,
        data,
        now,
    )
    .await?;
    requests::add_event(&mut *tx, view.id, RequestEvent::Declined, &said, now).await?;
    let target = format!("{} ({})", view.client_name, view.token_prefix);
    audit_as(
        &mut tx,
        Some(view.agency_id),
        "client",
        ip,
        "request.declined",
        &target,
        now,
    )
    .await?;
    if let Some(agency) = agencies::get(&mut *tx, view.agency_id).await? {
        let brand = templates::Brand::from(&agency);
        let url = ctx.url(&format!("/requests/{}", view.id));
        for to in prefs::recipients(&mut *tx, view.agency_id, "request_declined").await? {
            let email = templates::request_declined(&brand, &to, &view.client_name, &said, &url)?;
            ctx.queue_mail(&mut tx, Some(view.agency_id), &email, now)
                .await?;
        }
    }
    tx.commit().await?;
    ctx.mailer.wake();
    ctx.webhook_bell.notify_one();
    Ok(Declined::Done(view))
}

/// Visitors per link and hour whose opens are recorded; more are shown the page but leave
/// no row (a link posted somewhere public cannot fill the database).
const VISITS_PER_HOUR: i64 = 20;

/// Records a person's open: at most once per link, visitor (address and coarse browser)
/// and hour. A repeated view is one read and no write; the agency's "opened" e-mail goes
/// out for the first one.
async fn record_open(ctx: &Ctx, view: &LinkView, ip: &str, user_agent: &str) -> AppResult<()> {
    let now = ctx.clock.now();
    let hour = now / 3600;
    let visit = ctx.links.visit_key(ip, user_agent);
    if ctx.links.seen(view.id, visit, hour) {
        return Ok(());
    }
    let ua = coarse_user_agent(user_agent);
    let visitor = hash_secret(&format!("{ip}|{ua}"));
    let visitor = &visitor[..32];
    if links::visit_seen(&ctx.db.pool, view.id, visitor, hour).await? {
        ctx.links.remember(view.id, visit, hour);
        return Ok(());
    }
    let mut tx = ctx.db.begin().await?;
    if !links::record_visit(&mut tx, view.id, visitor, hour, VISITS_PER_HOUR).await? {
        return Ok(());
    }
    let first = links::record_open(&mut tx, view.id, now).await?;
    requests::add_event(&mut *tx, view.id, RequestEvent::Opened, &ua, now).await?;
    let target = format!("{} ({})", view.client_name, view.token_prefix);
    audit_as(
        &mut tx,
        Some(view.agency_id),
        "client",
        ip,
        "request.opened",
        &target,
        now,
    )
    .await?;
    if first {
        let data = serde_json::json!({"request_id": view.id, "client_id": view.client_id});
        webhooks::emit(&mut tx, view.agency_id, EventType::RequestOpened, data, now).await?;
        let agency = agencies::get(&mut *tx, view.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let brand = templates::Brand::from(&agency);
        let url = ctx.url(&format!("/requests/{}", view.id));
        for to in prefs::recipients(&mut *tx, agency.id, "request_opened").await? {
            let email = templates::request_opened(&brand, &to, &view.client_name, &url)?;
            ctx.queue_mail(&mut tx, Some(agency.id), &email, now)
                .await?;
        }
    }
    tx.commit().await?;
    ctx.links.remember(view.id, visit, hour);
    if first {
        ctx.mailer.wake();
        ctx.webhook_bell.notify_one();
    }
    Ok(())
}

/// "Chrome on Android": enough to recognise a visit, not to fingerprint it.
pub fn coarse_user_agent(ua: &str) -> String {
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("CriOS/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "a browser"
    };
    let os = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "an unknown system"
    };
    format!("{browser} on {os}")
}

#[cfg(test)]
mod tests {
    use super::coarse_user_agent;

    #[test]
    fn user_agents_are_coarse() {
        assert_eq!(
            coarse_user_agent(
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
            ),
            "Chrome on Android"
        );
        assert_eq!(
            coarse_user_agent(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
            ),
            "Safari on iOS"
        );
        assert_eq!(coarse_user_agent(""), "a browser on an unknown system");
    }
}
