//! `/requests/templates`: the agency's saved request templates — list, add, delete.

use super::NoticeQuery;
use crate::actions::Ctx;

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::new_request::{ChoiceFields, choice_fields, draft_from_pairs};
use crate::actions::request_templates::RequestTemplate;
use crate::actions::requests::Draft;
use crate::actions::{self, request_templates};
use crate::error::FieldError;
use crate::i18n::Lang;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, Staff};

struct Row {
    id: i64,
    name: String,
    summary: String,
    mode_badge: &'static str,
    user_mode: bool,
    language: &'static str,
}

#[derive(Template)]
#[template(path = "requests/templates.html")]
struct TemplatesPage {
    layout: Layout,
    rows: Vec<Row>,
    name: String,
    choice: ChoiceFields,
    errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "requests/template_delete.html")]
struct DeletePage {
    layout: Layout,
    id: i64,
    name: String,
}

fn row(t: RequestTemplate) -> Row {
    Row {
        summary: request_templates::summary(&t),
        mode_badge: t.mode.badge(),
        user_mode: t.mode == crate::domain::access::GrantMode::User,
        language: t
            .language
            .as_deref()
            .and_then(Lang::parse)
            .map_or("Their browser's", Lang::native_name),
        id: t.id,
        name: t.name,
    }
}

async fn page(
    st: &Ctx,
    staff: &Staff,
    name: String,
    form: Draft,
    errors: Vec<FieldError>,
) -> AppResult<TemplatesPage> {
    let c = actions::requests::form_context(st, staff.agency_id).await?;
    let fresh = form.kinds.is_empty() && errors.is_empty();
    Ok(TemplatesPage {
        layout: Layout::staff(staff, "Request templates", "requests"),
        rows: request_templates::list(st, staff.agency_id)
            .await?
            .into_iter()
            .map(row)
            .collect(),
        name,
        choice: choice_fields(form, fresh, &c, String::new(), true),
        errors,
    })
}

pub async fn list(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut p = page(&st, &staff, String::new(), Draft::default(), vec![]).await?;
    p.layout = p.layout.with_notice(q.notice.as_deref());
    render(&p)
}

pub async fn create(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let draft = draft_from_pairs(&pairs);
    let name = pairs
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    match request_templates::save(&st, &staff.acting(&ip), &name, &draft).await? {
        Ok(_) => Ok(Redirect::to("/requests/templates?notice=template_saved").into_response()),
        // Nothing saved; what was typed comes back with the reasons.
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&st, &staff, name, draft, errors).await?,
        ),
    }
}

pub async fn delete_confirm(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let t = request_templates::get(&st, staff.agency_id, id).await?;
    render(&DeletePage {
        layout: Layout::staff(&staff, "Delete template", "requests"),
        id,
        name: t.name,
    })
}

pub async fn delete(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    request_templates::delete(&st, &staff.acting(&ip), id).await?;
    Ok(Redirect::to("/requests/templates?notice=template_deleted").into_response())
}
