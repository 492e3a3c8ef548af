//! The sandbox admin page: the demo world, the migration switch, the clock and the faults.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::world::{APP_ID, APP_SECRET, World};
use super::{Faults, Sandbox, random_hex};

/// The admin forms' own CSRF token: a double-submit cookie, strict same-site, for the
/// sandbox's paths only. The sandbox depends on no host's session to be safe to click.
const CSRF_COOKIE: &str = "sandbox_csrf";

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == CSRF_COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A form post is accepted only from the sandbox's own page: the token in the form must
/// match the cookie, and a browser must not say the request came from another site.
fn check_csrf(headers: &HeaderMap, presented: &str) -> Result<(), Box<Response>> {
    let header = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s != "same-origin" && s != "none")
        || header(header::ORIGIN).is_some_and(|origin| {
            let host = header(header::HOST).unwrap_or_default();
            origin.split_once("://").map(|(_, h)| h) != Some(host)
        });
    let matches =
        cookie_token(headers).is_some_and(|c| bool::from(c.as_bytes().ct_eq(presented.as_bytes())));
    if cross_site || !matches {
        return Err(Box::new(
            (
                StatusCode::FORBIDDEN,
                "This form has expired. Reload the sandbox page and try again.",
            )
                .into_response(),
        ));
    }
    Ok(())
}

/// `2026-11-28 14:05 UTC`.
fn format_utc(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

struct BusinessView {
    id: String,
    name: String,
    assets: usize,
    people: usize,
    migrated_on: Option<String>,
    grace_over: bool,
}

#[derive(Template)]
#[template(path = "sandbox/admin.html")]
struct AdminPage {
    csrf: String,
    app_id: &'static str,
    app_secret: &'static str,
    graph_base: String,
    redirect_uris: Vec<String>,
    now: String,
    may_move_clock: bool,
    people: Vec<(String, String, String)>,
    businesses: Vec<BusinessView>,
    shares: usize,
    assignments: usize,
    faults: Faults,
    grace_days: i64,
}

fn view(w: &World, now: i64) -> Vec<BusinessView> {
    w.businesses
        .iter()
        .map(|b| BusinessView {
            id: b.id.clone(),
            name: b.name.clone(),
            assets: w
                .assets
                .iter()
                .filter(|a| a.owner.as_deref() == Some(&b.id))
                .count(),
            people: w.members.iter().filter(|m| m.business_id == b.id).count(),
            migrated_on: w.migrations.get(&b.id).map(|d| format_utc(*d)),
            grace_over: w.migration_over(&b.id, now),
        })
        .collect()
}

pub async fn page(State(sb): State<Sandbox>, headers: HeaderMap) -> Response {
    let (csrf, fresh) = match cookie_token(&headers) {
        Some(t) => (t, false),
        None => (random_hex(16), true),
    };
    let w = sb.world();
    let now = sb.clock.now();
    let page = AdminPage {
        csrf: csrf.clone(),
        app_id: APP_ID,
        app_secret: APP_SECRET,
        graph_base: sb.graph_base.clone(),
        redirect_uris: sb.redirect_uris.clone(),
        now: format_utc(now),
        may_move_clock: sb.may_move_clock,
        people: w
            .people
            .iter()
            .map(|p| (p.id.clone(), p.name.clone(), p.email.clone()))
            .collect(),
        businesses: view(&w, now),
        shares: w.shares.len(),
        assignments: w.assignments.len(),
        faults: sb.faults(),
        grace_days: w.grace_days,
    };
    let mut resp = match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => "the sandbox page could not be rendered".into_response(),
    };
    let cookie = format!("{CSRF_COOKIE}={csrf}; Path=/sandbox; HttpOnly; SameSite=Strict");
    if let (true, Ok(v)) = (fresh, HeaderValue::from_str(&cookie)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Debug, Deserialize)]
pub struct FaultsForm {
    #[serde(default)]
    sandbox_csrf: String,
    #[serde(default)]
    latency_ms: u64,
    #[serde(default)]
    transient_percent: u32,
    #[serde(default)]
    throttle_next: u32,
    #[serde(default)]
    throttle_regain_minutes: i64,
    #[serde(default)]
    no_partner_sharing: Option<String>,
    #[serde(default)]
    expire_tokens: Option<String>,
    /// Business use case usage to report, 0–99; empty: the sandbox's own count.
    #[serde(default)]
    usage_percent: String,
}

pub async fn faults(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    Form(f): Form<FaultsForm>,
) -> Response {
    if let Err(r) = check_csrf(&headers, &f.sandbox_csrf) {
        return *r;
    }
    sb.set_faults(Faults {
        latency_ms: f.latency_ms.min(30_000),
        transient_percent: f.transient_percent.min(100),
        fail_next: 0,
        throttle_next: f.throttle_next.min(1000),
        throttle_regain_minutes: f.throttle_regain_minutes.clamp(0, 60),
        refuse_edge: None,
        no_partner_sharing: f.no_partner_sharing.is_some(),
        usage_percent: f
            .usage_percent
            .trim()
            .parse::<u32>()
            .ok()
            .map(|p| p.min(99)),
    });
    if f.expire_tokens.is_some() {
        sb.expire_tokens();
    }
    Redirect::to("/sandbox").into_response()
}

#[derive(Debug, Deserialize)]
pub struct MigrationForm {
    #[serde(default)]
    sandbox_csrf: String,
    #[serde(default)]
    business_id: String,
    /// `YYYY-MM-DD`; empty clears the migration.
    #[serde(default)]
    date: String,
}

pub async fn migration(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    Form(f): Form<MigrationForm>,
) -> Response {
    if let Err(r) = check_csrf(&headers, &f.sandbox_csrf) {
        return *r;
    }
    let day = if f.date.trim().is_empty() {
        None
    } else {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(f.date.trim(), &fmt) {
            Ok(d) => Some(d.midnight().assume_utc().unix_timestamp()),
            Err(_) => {
                return (StatusCode::BAD_REQUEST, "Use a date like 2026-12-01.").into_response();
            }
        }
    };
    if sb.world().business(&f.business_id).is_none() {
        return (StatusCode::NOT_FOUND, "No such business portfolio.").into_response();
    }
    sb.set_migration(&f.business_id, day);
    Redirect::to("/sandbox").into_response()
}

#[derive(Debug, Deserialize)]
pub struct ClockForm {
    #[serde(default)]
    sandbox_csrf: String,
    #[serde(default)]
    days: i64,
}

/// Moves the shared clock forward: only on the embedded defaults, never with a real app.
pub async fn clock(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    Form(f): Form<ClockForm>,
) -> Response {
    if let Err(r) = check_csrf(&headers, &f.sandbox_csrf) {
        return *r;
    }
    if !sb.may_move_clock {
        return (
            StatusCode::FORBIDDEN,
            "The clock can only be moved on the embedded defaults.",
        )
            .into_response();
    }
    sb.clock.advance(f.days.clamp(0, 365) * 86_400);
    Redirect::to("/sandbox").into_response()
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    sandbox_csrf: String,
}

/// Back to the seeded world.
pub async fn reset(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(r) = check_csrf(&headers, &f.sandbox_csrf) {
        return *r;
    }
    {
        let mut g = sb.lock();
        g.world = World::seed();
        let w = g.world.clone();
        g.persistence.save(&w);
    }
    Redirect::to("/sandbox").into_response()
}
