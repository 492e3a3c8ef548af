//! The agency's Google connection, agency side: connect (Google's consent screen), its
//! callback, disconnect, and the Google Ads manager account.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::{Ctx, google_connection};
use crate::web::error::AppResult;
use crate::web::session::{ClientIp, ConfirmedManager, Manager};

/// Off to Google's consent screen, for the agency's own Google account.
pub async fn connect(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let url = google_connection::start(&st, &staff.acting(&ip))?;
    Ok(Redirect::to(&url).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    state: String,
    code: Option<String>,
    error: Option<String>,
}

/// Google's answer: connected (then Settings, Post/Redirect/Get), or Settings with why not.
pub async fn callback(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Query(q): Query<CallbackQuery>,
) -> AppResult<Response> {
    let done = google_connection::finish(
        &st,
        &staff.acting(&ip),
        &q.state,
        q.code.as_deref(),
        q.error.as_deref(),
    )
    .await?;
    match done {
        Ok(_) => Ok(Redirect::to("/settings?notice=google_connected").into_response()),
        Err(why) => {
            super::settings::with_google_error(&st, &staff, why, StatusCode::BAD_REQUEST).await
        }
    }
}

pub async fn disconnect(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    google_connection::disconnect(&st, &staff.acting(&ip)).await?;
    Ok(Redirect::to("/settings?notice=google_disconnected").into_response())
}

#[derive(Debug, Deserialize)]
pub struct AdsManagerForm {
    #[serde(default)]
    manager_id: String,
}

/// Names the agency's Google Ads manager account, checked with Google first; a refusal
/// comes back beside the field with what was typed (422).
pub async fn ads_manager(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
    Form(f): Form<AdsManagerForm>,
) -> AppResult<Response> {
    match google_connection::set_ads_manager(&st, &staff.acting(&ip), &f.manager_id).await? {
        Ok(Some(_)) => Ok(Redirect::to("/settings?notice=google_ads_manager_set").into_response()),
        Ok(None) => Ok(Redirect::to("/settings?notice=google_ads_manager_removed").into_response()),
        Err(why) => {
            let field = super::settings::GoogleField::AdsManager;
            super::settings::with_field_error(&st, &staff, field, f.manager_id, why).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct GroupForm {
    #[serde(default)]
    group: String,
}

/// Names the Google group that receives Analytics and Tag Manager access; a refusal comes
/// back beside the field with what was typed (422).
pub async fn group(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
    Form(f): Form<GroupForm>,
) -> AppResult<Response> {
    match google_connection::set_group(&st, &staff.acting(&ip), &f.group).await? {
        Ok(_) => Ok(Redirect::to("/settings?notice=saved").into_response()),
        Err(why) => {
            let field = super::settings::GoogleField::Group;
            super::settings::with_field_error(&st, &staff, field, f.group, why).await
        }
    }
}
