//! `/team/access-review`: who at the agency holds what, per person and per client asset, its
//! CSV, confirming a review, and (owners) how often one is required.

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::access_review::{self, PersonAccess};
use crate::domain::Role;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render};
use crate::web::session::{ClientIp, Manager};

struct PersonView {
    name: String,
    email: String,
    role: String,
    keys: Vec<String>,
    assets: Vec<String>,
}

#[derive(Template)]
#[template(path = "team/review.html")]
struct ReviewPage {
    layout: Layout,
    people: Vec<PersonView>,
    /// (client, asset, who can use it)
    assets: Vec<(String, String, String)>,
    meta_note: Option<String>,
    /// (who, when, what it covered)
    past: Vec<(String, String, String)>,
    every_days: Option<i64>,
    due: Option<(String, bool)>,
    owner: bool,
}

fn role_words(p: &PersonAccess) -> String {
    p.role.map_or_else(
        || "In your Meta portfolio, not in Latchkey".to_owned(),
        |r| r.label().to_owned(),
    )
}

pub async fn show(State(st): State<Arc<Ctx>>, Manager(staff): Manager) -> AppResult<Response> {
    let r = access_review::build(&st, staff.agency_id).await?;
    let now = st.clock.now();
    render(&ReviewPage {
        layout: Layout::staff(&staff, "Access review", "team"),
        people: r
            .people
            .iter()
            .map(|p| PersonView {
                name: p.name.clone(),
                email: p.email.clone(),
                role: role_words(p),
                keys: p
                    .keys
                    .iter()
                    .map(|k| {
                        let used = k.last_used_at.map_or("never used".to_owned(), |t| {
                            format!("last used {}", staff.when(t))
                        });
                        format!("{} ({}…, {}) · {used}", k.name, k.prefix, k.scope)
                    })
                    .collect(),
                assets: p
                    .assets
                    .iter()
                    .map(|a| format!("{} — {}: {}", a.client, a.asset, a.tasks))
                    .collect(),
            })
            .collect(),
        assets: r
            .assets
            .iter()
            .map(|a| {
                let who = if a.people.is_empty() {
                    "Nobody".to_owned()
                } else {
                    a.people.join(", ")
                };
                (a.client.clone(), a.asset.clone(), who)
            })
            .collect(),
        meta_note: r.meta_note,
        past: r
            .past
            .iter()
            .map(|p| {
                (
                    format!("{} <{}>", p.confirmed_by_name, p.confirmed_by_email),
                    staff.when(p.confirmed_at),
                    format!("{} people, {} client assets", p.people, p.assets),
                )
            })
            .collect(),
        every_days: r.every_days,
        due: r.due_at.map(|t| (staff.when(t), t <= now)),
        owner: staff.role == Role::Owner,
    })
}

pub async fn export(State(st): State<Arc<Ctx>>, Manager(staff): Manager) -> AppResult<Response> {
    let r = access_review::build(&st, staff.agency_id).await?;
    let mut out = b"person,email,role,holds,detail\n".to_vec();
    for p in &r.people {
        let role = role_words(p);
        for k in &p.keys {
            let detail = format!("{} ({}…, {})", k.name, k.prefix, k.scope);
            out.extend(crate::web::csv::row(&[
                &p.name, &p.email, &role, "API key", &detail,
            ]));
        }
        for a in &p.assets {
            let detail = format!("{} — {}: {}", a.client, a.asset, a.tasks);
            out.extend(crate::web::csv::row(&[
                &p.name,
                &p.email,
                &role,
                "Client asset",
                &detail,
            ]));
        }
        if p.keys.is_empty() && p.assets.is_empty() {
            out.extend(crate::web::csv::row(&[
                &p.name,
                &p.email,
                &role,
                "Role only",
                "",
            ]));
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"latchkey-access-review.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

pub async fn confirm(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    access_review::confirm(&st, &staff.acting(&ip), &staff.email).await?;
    Ok(Redirect::to("/team/access-review?notice=review_confirmed").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ScheduleForm {
    #[serde(default)]
    every_days: String,
}

pub async fn schedule(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(f): Form<ScheduleForm>,
) -> AppResult<Response> {
    let days = match f.every_days.trim() {
        "" | "never" => None,
        d => Some(d.parse::<i64>().map_err(|_| {
            crate::web::AppError::BadRequest("Choose a number of days, or no schedule.".into())
        })?),
    };
    access_review::set_every(&st, &staff.acting(&ip), days).await?;
    Ok(Redirect::to("/team/access-review?notice=review_schedule_saved").into_response())
}
