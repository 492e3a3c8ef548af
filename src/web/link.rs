//! The client's side of a capability link: `/r/<token>`. No account, phone-first.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::error::AppResult;
use super::layout::render_status;
use super::session::ClientIp;
use super::{AppError, AppState};
use crate::clock::format_day;
use crate::domain::SecretToken;
use crate::domain::access::{self, Ask, GrantMode};
use crate::domain::token::LINK_PREFIX;
use crate::mail::templates;
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
/// read: addresses it saw throttled, and the visits it already recorded this hour. Neither
/// is a cache of the link itself, which is read on every view.
#[derive(Default)]
pub struct LinkMemo {
    blocked: std::sync::Mutex<std::collections::HashMap<String, i64>>,
    seen: std::sync::Mutex<(i64, std::collections::HashSet<(i64, u128)>)>,
}

/// A visitor's 32-hex-digit hash as a number: a set key without an allocation per view.
fn visitor_key(visitor: &str) -> u128 {
    u128::from_str_radix(visitor, 16).unwrap_or_default()
}

/// Entries each memo keeps at most; past that it starts afresh (it is only a shortcut).
const MEMO_CAP: usize = 100_000;

impl LinkMemo {
    /// Seconds `ip` must still wait, as this process last saw it.
    fn blocked_wait(&self, ip: &str, now: i64) -> i64 {
        self.blocked
            .lock()
            .ok()
            .and_then(|m| m.get(ip).copied())
            .map_or(0, |until| (until - now).max(0))
    }

    fn block(&self, ip: &str, until: i64, now: i64) {
        if let Ok(mut m) = self.blocked.lock() {
            if m.len() >= MEMO_CAP {
                m.retain(|_, u| *u > now);
            }
            m.insert(ip.to_owned(), until);
        }
    }

    /// Whether this visit was already recorded in `hour` (by this process).
    fn seen(&self, request_id: i64, visitor: &str, hour: i64) -> bool {
        self.seen
            .lock()
            .is_ok_and(|s| s.0 == hour && s.1.contains(&(request_id, visitor_key(visitor))))
    }

    fn remember(&self, request_id: i64, visitor: &str, hour: i64) {
        if let Ok(mut s) = self.seen.lock() {
            if s.0 != hour || s.1.len() >= MEMO_CAP {
                *s = (hour, Default::default());
            }
            s.1.insert((request_id, visitor_key(visitor)));
        }
    }
}

/// The agency as the client sees it.
pub struct PublicBrand {
    pub agency_id: i64,
    pub name: String,
    pub has_logo: bool,
}

#[derive(Template)]
#[template(path = "client/landing.html")]
struct Landing {
    brand: PublicBrand,
    token: String,
    client_name: String,
    sender: String,
    asks: Vec<String>,
    message: String,
    partner: bool,
    expires_on: String,
    completed: bool,
}

#[derive(Template)]
#[template(path = "client/gone.html")]
struct Gone {
    brand: PublicBrand,
    title: String,
    message: String,
}

/// The token as it appears in `/r/<token>/…`, undecoded: a token is base64url, so
/// anything percent-encoded (or not UTF-8) is simply not a token and ends as a 404.
pub fn token_segment(uri: &Uri) -> String {
    uri.path()
        .strip_prefix("/r/")
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned()
}

/// The outcome of looking a link up.
pub enum Lookup {
    Live(Box<AccessRequest>, agencies::Agency),
    /// Expired or used up: 410 naming the agency.
    Gone(agencies::Agency, &'static str),
}

/// Looks a presented token up, counting failures per IP. Unknown, malformed and revoked
/// links are all the same 404.
pub async fn lookup(st: &AppState, ip: &str, raw: &str) -> AppResult<Lookup> {
    let now = st.clock.now();
    let found = match SecretToken::from_presented(LINK_PREFIX, raw) {
        Some(token) => requests::by_token_hash(&st.db.pool, &token.hash()).await?,
        None => None,
    };
    let Some(r) = found.filter(|r| r.revoked_at.is_none()) else {
        return Err(failed_lookup(st, ip, now).await);
    };
    throttled(st, ip, now)?;
    let agency = agencies::get(&st.db.pool, r.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.expires_at <= now {
        return Ok(Lookup::Gone(agency, "expired"));
    }
    if r.single_use == 1 && r.used_at.is_some() {
        return Ok(Lookup::Gone(agency, "used"));
    }
    Ok(Lookup::Live(Box::new(r), agency))
}

/// A throttled address is refused even with a good link: otherwise a guesser would learn
/// which of its guesses was right while it is supposed to be waiting.
fn throttled(st: &AppState, ip: &str, now: i64) -> AppResult<()> {
    match st.links.blocked_wait(ip, now) {
        0 => Ok(()),
        wait => Err(AppError::TooManyRequests { retry_after: wait }),
    }
}

/// A lookup that found nothing: counted against the address (shared by every process
/// through the database), answered 404 or, once throttled, 429.
async fn failed_lookup(st: &AppState, ip: &str, now: i64) -> AppError {
    let key = format!("link:{ip}");
    let counted = async {
        let wait = throttle::wait_secs(&st.db.pool, &key, now).await?;
        if wait > 0 {
            return Ok::<_, sqlx::Error>((wait, true));
        }
        let mut conn = st.db.pool.acquire().await?;
        let failures = throttle::record_failure(&mut conn, &key, LOOKUPS, now).await?;
        Ok((LOOKUPS.delay_after(failures), false))
    };
    match counted.await {
        Ok((0, _)) => AppError::NotFound,
        Ok((wait, already)) => {
            st.links.block(ip, now + wait, now);
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

async fn brand_of(st: &AppState, agency: &agencies::Agency) -> AppResult<PublicBrand> {
    Ok(PublicBrand {
        agency_id: agency.id,
        name: agency.public_name().to_owned(),
        has_logo: agencies::logo(&st.db.pool, agency.id).await?.is_some(),
    })
}

/// The 410 page for an expired or used link.
pub async fn gone_page(st: &AppState, agency: &agencies::Agency, why: &str) -> AppResult<Response> {
    gone_with(brand_of(st, agency).await?, why)
}

fn gone_with(brand: PublicBrand, why: &str) -> AppResult<Response> {
    let (title, message) = match why {
        "used" => (
            "This link has already been used".to_owned(),
            format!(
                "It worked once and is now closed. If you need to share more, ask {} for a new link.",
                brand.name
            ),
        ),
        _ => (
            "This link has expired".to_owned(),
            format!(
                "Ask {} for a new link; it takes them a moment to send one.",
                brand.name
            ),
        ),
    };
    render_status(
        StatusCode::GONE,
        &Gone {
            brand,
            title,
            message,
        },
    )
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

/// Visitors per link and hour whose opens are recorded; more are shown the page but leave
/// no row (a link posted somewhere public cannot fill the database).
const VISITS_PER_HOUR: i64 = 20;

/// Whether a request looks like a person's browser rather than a prefetcher: link
/// scanners in mail gateways, chat previews, crawlers and browser prefetch. Their visits
/// are shown the page but never recorded, so "opened" means a person opened it.
pub fn is_person(headers: &HeaderMap) -> bool {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    for name in ["sec-purpose", "purpose", "x-purpose", "x-moz"] {
        let v = header(name);
        if v.contains("prefetch") || v.contains("preview") || v.contains("prerender") {
            return false;
        }
    }
    let ua = header("user-agent");
    const AUTOMATED: [&str; 24] = [
        "bot",
        "crawler",
        "spider",
        "preview",
        "facebookexternalhit",
        "slack",
        "whatsapp",
        "telegram",
        "discord",
        "skypeuripreview",
        "microsoft office",
        "ms-office",
        "outlook",
        "proofpoint",
        "mimecast",
        "barracuda",
        "safelinks",
        "google-safety",
        "curl/",
        "wget/",
        "python-",
        "go-http-client",
        "okhttp",
        "java/",
    ];
    ua.starts_with("mozilla/") && !AUTOMATED.iter().any(|a| ua.contains(a))
}

/// Records a person's open: at most once per link, visitor (address and coarse browser)
/// and hour. A repeated view is one read and no write; the agency's "opened" e-mail goes
/// out for the first one.
async fn record_open(
    st: &AppState,
    view: &requests::LinkView,
    ip: &str,
    headers: &HeaderMap,
) -> AppResult<()> {
    let now = st.clock.now();
    let ua = coarse_user_agent(
        headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let visitor = crate::domain::token::hash_secret(&format!("{ip}|{ua}"));
    let visitor = &visitor[..32];
    let hour = now / 3600;
    if st.links.seen(view.id, visitor, hour) {
        return Ok(());
    }
    if requests::visit_seen(&st.db.pool, view.id, visitor, hour).await? {
        st.links.remember(view.id, visitor, hour);
        return Ok(());
    }
    let mut tx = st.db.begin().await?;
    if !requests::record_visit(&mut tx, view.id, visitor, hour, VISITS_PER_HOUR).await? {
        return Ok(());
    }
    let first = requests::record_open(&mut tx, view.id, now).await?;
    requests::add_event(&mut *tx, view.id, "opened", &ua, now).await?;
    crate::store::audit::record(
        &mut *tx,
        crate::store::audit::Event {
            agency_id: Some(view.agency_id),
            actor: "client",
            action: "request.opened",
            target: &format!("{} ({})", view.client_name, view.token_prefix),
            ip,
            at: now,
        },
    )
    .await?;
    if first {
        let agency = agencies::get(&mut *tx, view.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let brand = templates::Brand::from(&agency);
        let url = format!("{}/requests/{}", st.base_url, view.id);
        for to in prefs::recipients(&mut *tx, agency.id, "request_opened").await? {
            let email = templates::request_opened(&brand, &to, &view.client_name, &url)?;
            st.queue_mail(&mut tx, Some(agency.id), &email, now).await?;
        }
    }
    tx.commit().await?;
    st.links.remember(view.id, visitor, hour);
    if first {
        st.mailer.wake();
    }
    Ok(())
}

pub async fn landing(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> AppResult<Response> {
    let raw = token_segment(&uri);
    let now = st.clock.now();
    let view = match SecretToken::from_presented(LINK_PREFIX, &raw) {
        Some(token) => requests::link_view(&st.db.pool, &token.hash()).await?,
        None => None,
    };
    let Some(view) = view.filter(|v| v.revoked_at.is_none()) else {
        return Err(failed_lookup(&st, &ip, now).await);
    };
    throttled(&st, &ip, now)?;
    let brand = PublicBrand {
        agency_id: view.agency_id,
        name: view.public_name().to_owned(),
        has_logo: view.has_logo == 1,
    };
    if view.expires_at <= now || (view.single_use == 1 && view.used_at.is_some()) {
        let why = if view.expires_at <= now {
            "expired"
        } else {
            "used"
        };
        return gone_with(brand, why);
    }
    if method != Method::HEAD && is_person(&headers) {
        record_open(&st, &view, &ip, &headers).await?;
    }
    let page = Landing {
        token: raw,
        client_name: view.client_name.clone(),
        sender: view.sender.clone().unwrap_or_else(|| brand.name.clone()),
        asks: Ask::decode(&view.asks)
            .iter()
            .map(|a| access::plain_words(a.kind, a.level))
            .collect(),
        message: view.message.clone(),
        partner: view.mode == GrantMode::Partner.as_str(),
        expires_on: format_day(view.expires_at),
        completed: view.outcome.is_some(),
        brand,
    };
    render_status(StatusCode::OK, &page)
}

/// `/brand/<agency id>.css`: the agency's accent colour as a CSS variable, so pages can
/// use it without inline styles (the CSP forbids them).
pub async fn brand_css(
    State(st): State<AppState>,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let id: i64 = file
        .strip_suffix(".css")
        .and_then(|s| s.parse().ok())
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&st.db.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The colour was validated as #rrggbb when saved.
    let css = format!(":root {{ --accent: {}; }}\n", agency.accent_color);
    Ok(([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response())
}

/// `/brand/<agency id>/logo`: the uploaded logo, served by Latchkey itself.
pub async fn logo(State(st): State<AppState>, Path(id): Path<i64>) -> AppResult<Response> {
    let (content_type, bytes) = agencies::logo(&st.db.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ct = if content_type == "image/png" {
        "image/png"
    } else {
        "image/jpeg"
    };
    Ok(([(header::CONTENT_TYPE, ct)], bytes).into_response())
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
