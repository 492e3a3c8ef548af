//! Settings → API keys: owners and admins create (shown once), list and revoke keys.

use super::NoticeQuery;
use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::api_keys;
use crate::actions::flash::{self, Shown};
use crate::error::FieldError;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, ConfirmedManager, Manager, Staff};

struct KeyRow {
    id: i64,
    name: String,
    prefix: String,
    scope: &'static str,
    created: String,
    created_by: String,
    /// The maker's role now, or that they left: what the key may do follows it.
    creator_now: String,
    last_used: String,
    expires: String,
    /// Revoked, expired, or its maker left: it no longer acts.
    dead: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "api_keys.html")]
struct KeysPage {
    layout: Layout,
    keys: Vec<KeyRow>,
    /// (name, key) right after creation: the only time the key is shown.
    created: Option<(String, String)>,
    name: String,
    scope: String,
    expires: String,
    expiry_choices: &'static [(&'static str, &'static str)],
    errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "api_key_revoke.html")]
struct RevokePage {
    layout: Layout,
    id: i64,
    name: String,
    prefix: String,
}

async fn page(
    st: &Ctx,
    staff: &Staff,
    created: Option<(String, String)>,
    name: String,
    scope: String,
    expires: String,
    errors: Vec<FieldError>,
) -> AppResult<KeysPage> {
    let now = st.clock.now();
    let keys = api_keys::list(st, staff.agency_id)
        .await?
        .into_iter()
        .map(|k| {
            let left = k.created_by.is_some() && k.creator_role.0.is_none();
            KeyRow {
                id: k.id,
                scope: k.scope.label(),
                created: staff.when(k.created_at),
                creator_now: match (k.creator_role.0, left) {
                    (_, true) => "has left the agency".to_owned(),
                    (Some(r), _) => format!("now {}", r.label().to_lowercase()),
                    (None, _) => "the command line".to_owned(),
                },
                created_by: k.created_by_name,
                last_used: k
                    .last_used_at
                    .map_or_else(|| "Never".to_owned(), |t| staff.when(t)),
                expires: k
                    .expires_at
                    .map_or_else(|| "Never".to_owned(), |t| staff.when(t)),
                dead: if k.revoked_at.is_some() {
                    Some("Revoked")
                } else if k.expires_at.is_some_and(|t| t <= now) {
                    Some("Expired")
                } else if left {
                    Some("Stopped: its maker left")
                } else {
                    None
                },
                name: k.name,
                prefix: k.prefix,
            }
        })
        .collect();
    Ok(KeysPage {
        layout: Layout::staff(staff, "API keys", "settings"),
        keys,
        created,
        name,
        scope,
        expires,
        expiry_choices: &api_keys::EXPIRY_CHOICES,
        errors,
    })
}

pub async fn list(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let created = match flash::take(&st, staff.user_id, &q.shown).await? {
        Some(Shown::ApiKey { name, key }) => Some((name, key)),
        _ => None,
    };
    let mut p = page(
        &st,
        &staff,
        created,
        String::new(),
        "read".into(),
        "90".into(),
        vec![],
    )
    .await?;
    p.layout = p.layout.with_notice(q.notice.as_deref());
    render(&p)
}

#[derive(Debug, Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    expires: String,
}

pub async fn create(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
    Form(f): Form<KeyForm>,
) -> AppResult<Response> {
    match api_keys::create(&st, &staff.acting(&ip), &f.name, &f.scope, &f.expires).await? {
        Ok(created) => {
            // Post/Redirect/Get: the key waits in a flash for the page this redirects to.
            let shown = Shown::ApiKey {
                name: f.name.trim().to_owned(),
                key: created.secret.expose().to_owned(),
            };
            let id = flash::put(&st, staff.user_id, &shown).await?;
            Ok(Redirect::to(&format!("/settings/api-keys?shown={id}")).into_response())
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&st, &staff, None, f.name, f.scope, f.expires, errors).await?,
        ),
    }
}

pub async fn revoke_confirm(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let key = api_keys::list(&st, staff.agency_id)
        .await?
        .into_iter()
        .find(|k| k.id == id && k.revoked_at.is_none())
        .ok_or(crate::error::AppError::NotFound)?;
    render(&RevokePage {
        layout: Layout::staff(&staff, "Revoke API key", "settings"),
        id,
        name: key.name,
        prefix: key.prefix,
    })
}

pub async fn revoke(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    api_keys::revoke(&st, &staff.acting(&ip), id).await?;
    Ok(Redirect::to("/settings/api-keys?notice=api_key_revoked").into_response())
}
