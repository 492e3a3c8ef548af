//! The sandbox admin page: the demo world, the migration switch, the clock and the faults.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::world::{APP_ID, APP_SECRET, World};
use super::{Faults, Sandbox};
use crate::clock::format_utc;
use crate::web::session::CsrfToken;

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

pub async fn page(State(sb): State<Sandbox>, csrf: Option<Extension<CsrfToken>>) -> Response {
    let w = sb.world();
    let now = sb.clock.now();
    let page = AdminPage {
        csrf: csrf.map(|c| c.0.0.clone()).unwrap_or_default(),
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
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => "the sandbox page could not be rendered".into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct FaultsForm {
    #[serde(default)]
    latency_ms: u64,
    #[serde(default)]
    transient_percent: u32,
    #[serde(default)]
    throttle_next: u32,
    #[serde(default)]
    throttle_regain_minutes: i64,
    #[serde(default)]
    expire_tokens: Option<String>,
}

pub async fn faults(State(sb): State<Sandbox>, Form(f): Form<FaultsForm>) -> Response {
    sb.set_faults(Faults {
        latency_ms: f.latency_ms.min(30_000),
        transient_percent: f.transient_percent.min(100),
        fail_next: 0,
        throttle_next: f.throttle_next.min(1000),
        throttle_regain_minutes: f.throttle_regain_minutes.clamp(0, 60),
    });
    if f.expire_tokens.is_some() {
        sb.expire_tokens();
    }
    Redirect::to("/sandbox").into_response()
}

#[derive(Debug, Deserialize)]
pub struct MigrationForm {
    business_id: String,
    /// `YYYY-MM-DD`; empty clears the migration.
    #[serde(default)]
    date: String,
}

pub async fn migration(State(sb): State<Sandbox>, Form(f): Form<MigrationForm>) -> Response {
    let day = if f.date.trim().is_empty() {
        None
    } else {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(f.date.trim(), &fmt) {
            Ok(d) => Some(d.midnight().assume_utc().unix_timestamp()),
            Err(_) => {
                return (
                    axum::http::StatusCode::BAD_REQUEST,
                    "Use a date like 2026-12-01.",
                )
                    .into_response();
            }
        }
    };
    if sb.world().business(&f.business_id).is_none() {
        return (
            axum::http::StatusCode::NOT_FOUND,
            "No such business portfolio.",
        )
            .into_response();
    }
    sb.set_migration(&f.business_id, day);
    Redirect::to("/sandbox").into_response()
}

#[derive(Debug, Deserialize)]
pub struct ClockForm {
    days: i64,
}

/// Moves the shared clock forward: only on the embedded defaults, never with a real app.
pub async fn clock(State(sb): State<Sandbox>, Form(f): Form<ClockForm>) -> Response {
    if !sb.may_move_clock {
        return (
            axum::http::StatusCode::FORBIDDEN,
            "The clock can only be moved on the embedded defaults.",
        )
            .into_response();
    }
    sb.clock.advance(f.days.clamp(0, 365) * 86_400);
    Redirect::to("/sandbox").into_response()
}

/// Back to the seeded world.
pub async fn reset(State(sb): State<Sandbox>) -> Response {
    {
        let mut g = sb.lock();
        g.world = World::seed();
        let w = g.world.clone();
        g.persistence.save(&w);
    }
    Redirect::to("/sandbox").into_response()
}
