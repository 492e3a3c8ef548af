//! The agency's Meta connection, "check now" and offboarding, agency side.

use super::NoticeQuery;
use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::connection;
use crate::actions::flash::{self, Shown};
use crate::actions::offboard::{self, OffboardRefused, label};
use crate::actions::verify::{self, CheckOutcome};
use crate::error::AppError;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, ConfirmedManager, Manager, Staff};

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

fn saved() -> Response {
    Redirect::to("/settings?notice=saved").into_response()
}

/// Stores a pasted system-user token after Meta confirms it is valid.
pub async fn connect(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    match connection::connect(&st, &staff.acting(&ip), &f.token).await {
        Ok(()) => Ok(saved()),
        // Said beside the token's field on Settings, not on a page of its own.
        Err(AppError::BadRequest(why)) => super::settings::with_meta_error(&st, &staff, why).await,
        Err(e) => Err(e),
    }
}

/// On the embedded defaults: connect the sandbox's agency system user in one click.
pub async fn connect_sandbox(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    connection::connect_demo(&st, &staff.acting(&ip)).await?;
    Ok(saved())
}

pub async fn disconnect(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    connection::disconnect(&st, &staff.acting(&ip)).await?;
    Ok(saved())
}

/// "Check now" on a client page.
pub async fn check_now(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let notice = match verify::check_now(&st, &staff.acting(&ip), id).await? {
        CheckOutcome::Verified => "verified",
        CheckOutcome::NotConnected => "not_connected",
        CheckOutcome::AlreadyRunning => "verify_running",
        CheckOutcome::MetaFailed => "verify_failed",
    };
    Ok(Redirect::to(&format!("/clients/{id}?notice={notice}")).into_response())
}

#[derive(Template)]
#[template(path = "clients/offboard.html")]
struct OffboardPage {
    layout: Layout,
    client_id: i64,
    client_name: String,
    partner: Vec<String>,
    user: Vec<String>,
    connected: bool,
    results: Vec<(String, String)>,
    error: Option<String>,
}

/// The confirmation page, with what offboarding will remove and what must be removed by hand.
async fn offboard_page(
    st: &Ctx,
    staff: &Staff,
    id: i64,
    results: Vec<(String, String)>,
    error: Option<String>,
) -> AppResult<OffboardPage> {
    let client = crate::actions::clients::get(st, staff.agency_id, id).await?;
    let (partner, user) = offboard::live_grants(st, staff.agency_id, id).await?;
    Ok(OffboardPage {
        layout: Layout::staff(
            staff,
            format!("End partnership with {}", client.name),
            "clients",
        ),
        client_id: id,
        client_name: client.name,
        partner: partner.iter().map(label).collect(),
        user: user
            .iter()
            .map(|g| format!("{} — {}", label(g), g.grantee))
            .collect(),
        connected: connection::agency_token(st, staff.agency_id)
            .await?
            .is_some(),
        results,
        error,
    })
}

/// The confirmation, or (`?shown=`, after the POST) what offboarding did, shown once.
pub async fn offboard_confirm(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let results = match flash::take(&st, staff.user_id, &q.shown).await? {
        Some(Shown::Offboarded { client_id, results }) if client_id == id => results,
        _ => vec![],
    };
    render(&offboard_page(&st, &staff, id, results, None).await?)
}

#[derive(Debug, Deserialize)]
pub struct OffboardForm {
    #[serde(default)]
    confirm_name: String,
}

/// Ends the partnership; the page shows the result per asset.
pub async fn offboard(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<OffboardForm>,
) -> AppResult<Response> {
    let error = match offboard::offboard(&st, &staff.acting(&ip), id, &f.confirm_name).await? {
        Ok(results) => {
            // Post/Redirect/Get: a reload of the result never removes anything again.
            let shown = Shown::Offboarded {
                client_id: id,
                results,
            };
            let flash = flash::put(&st, staff.user_id, &shown).await?;
            return Ok(
                Redirect::to(&format!("/clients/{id}/offboard?shown={flash}")).into_response(),
            );
        }
        Err(OffboardRefused::NameMismatch(name)) => {
            format!("Type the client's name, {name}, exactly to confirm.")
        }
        Err(OffboardRefused::NotConnected(platform)) => format!(
            "Connect your agency's {platform} account in Settings first: removing partner access is done with it."
        ),
    };
    let page = offboard_page(&st, &staff, id, vec![], Some(error)).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
