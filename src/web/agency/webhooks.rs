//! Settings → Webhooks: endpoints (add, turn on and off, rotate the secret, delete) and each
//! endpoint's delivery log with its answers and a redelivery button.

use super::NoticeQuery;
use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::flash::{self, Shown};
use crate::actions::webhooks::Endpoint;
use crate::actions::webhooks::{self, EndpointForm};
use crate::domain::webhook::EventType;
use crate::error::FieldError;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, ConfirmedManager, Manager, Staff};

/// Deliveries shown on an endpoint's page.
const LOG: i64 = 50;

struct EndpointRow {
    id: i64,
    url: String,
    description: String,
    events: String,
    on: bool,
    disabled_reason: String,
    /// "by Ada", "by Ada, who has left the agency", or empty for older endpoints.
    made_by: String,
}

fn row(e: &Endpoint) -> EndpointRow {
    EndpointRow {
        id: e.id,
        url: e.url.clone(),
        description: e.description.clone(),
        events: if e.events.is_empty() {
            "Every event".to_owned()
        } else {
            e.events.replace(',', ", ")
        },
        on: e.disabled_at.is_none(),
        disabled_reason: e.disabled_reason.clone(),
        made_by: match (e.created_by_name.as_str(), e.creator_left()) {
            ("", _) => String::new(),
            (name, true) => format!("Made by {name}, who has left the agency"),
            (name, false) => format!("Made by {name}"),
        },
    }
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct ListPage {
    layout: Layout,
    endpoints: Vec<EndpointRow>,
    /// (value, words, ticked) for the event boxes.
    events: Vec<(&'static str, &'static str, bool)>,
    url: String,
    description: String,
    errors: Vec<FieldError>,
}

struct DeliveryRow {
    id: i64,
    event_type: String,
    message_id: String,
    status: String,
    code: String,
    ms: String,
    attempts: i64,
    last: String,
    next: String,
    error: String,
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct EndpointPage {
    layout: Layout,
    e: EndpointRow,
    deliveries: Vec<DeliveryRow>,
    /// A secret just made, shown this once: (secret, whether the endpoint was just added).
    secret: Option<(String, bool)>,
}

#[derive(Template)]
#[template(path = "webhook_delete.html")]
struct DeletePage {
    layout: Layout,
    id: i64,
    url: String,
}

fn event_boxes(ticked: &[String]) -> Vec<(&'static str, &'static str, bool)> {
    EventType::ALL
        .iter()
        .map(|e| {
            (
                e.as_str(),
                e.label(),
                ticked.iter().any(|t| t == e.as_str()),
            )
        })
        .collect()
}

async fn list_page(
    st: &Ctx,
    staff: &Staff,
    form: EndpointForm,
    errors: Vec<FieldError>,
) -> AppResult<ListPage> {
    Ok(ListPage {
        layout: Layout::staff(staff, "Webhooks", "settings"),
        endpoints: webhooks::list(st, staff.agency_id)
            .await?
            .iter()
            .map(row)
            .collect(),
        events: event_boxes(&form.events),
        url: form.url,
        description: form.description,
        errors,
    })
}

pub async fn list(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut p = list_page(&st, &staff, EndpointForm::default(), vec![]).await?;
    p.layout = p.layout.with_notice(q.notice.as_deref());
    render(&p)
}

pub async fn create(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = EndpointForm {
        url: get("url"),
        description: get("description"),
        events: pairs
            .iter()
            .filter(|(k, _)| k == "event")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    match webhooks::create(&st, &staff.acting(&ip), &form).await? {
        Ok((endpoint_id, secret)) => show_secret(&st, &staff, endpoint_id, secret, true).await,
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list_page(&st, &staff, form, errors).await?,
        ),
    }
}

async fn endpoint_page(
    st: &Ctx,
    staff: &Staff,
    id: i64,
    secret: Option<(String, bool)>,
) -> AppResult<EndpointPage> {
    let e = webhooks::get(st, staff.agency_id, id).await?;
    let deliveries = webhooks::deliveries(st, staff.agency_id, id, None, LOG)
        .await?
        .into_iter()
        .map(|d| DeliveryRow {
            id: d.id,
            code: d
                .last_status_code
                .map_or_else(|| "—".into(), |c| c.to_string()),
            ms: d.last_ms.map_or_else(|| "—".into(), |m| format!("{m} ms")),
            last: d
                .last_attempt_at
                .map_or_else(|| "—".into(), |t| staff.when(t)),
            next: if d.status == "pending" {
                staff.when(d.next_attempt_at)
            } else {
                "—".into()
            },
            attempts: d.attempts,
            error: d.last_error,
            status: d.status,
            event_type: d.event_type,
            message_id: d.message_id,
        })
        .collect();
    Ok(EndpointPage {
        layout: Layout::staff(staff, "Webhook", "settings"),
        e: row(&e),
        deliveries,
        secret,
    })
}

pub async fn show(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let secret = match flash::take(&st, staff.user_id, &q.shown).await? {
        Some(Shown::WebhookSecret {
            endpoint_id,
            secret,
            added,
        }) if endpoint_id == id => Some((secret, added)),
        _ => None,
    };
    let mut p = endpoint_page(&st, &staff, id, secret).await?;
    p.layout = p.layout.with_notice(q.notice.as_deref());
    render(&p)
}

#[derive(Debug, Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    on: String,
}

pub async fn toggle(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<ToggleForm>,
) -> AppResult<Response> {
    webhooks::set_enabled(&st, &staff.acting(&ip), id, f.on == "1").await?;
    Ok(Redirect::to(&format!("/settings/webhooks/{id}?notice=saved")).into_response())
}

pub async fn rotate(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let secret = webhooks::rotate(&st, &staff.acting(&ip), id).await?;
    show_secret(&st, &staff, id, secret, false).await
}

/// Post/Redirect/Get: a new secret waits in a flash for the endpoint's page.
async fn show_secret(
    st: &Ctx,
    staff: &Staff,
    endpoint_id: i64,
    secret: String,
    added: bool,
) -> AppResult<Response> {
    let shown = Shown::WebhookSecret {
        endpoint_id,
        secret,
        added,
    };
    let flash = flash::put(st, staff.user_id, &shown).await?;
    Ok(Redirect::to(&format!("/settings/webhooks/{endpoint_id}?shown={flash}")).into_response())
}

pub async fn redeliver(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path((id, delivery)): Path<(i64, i64)>,
) -> AppResult<Response> {
    webhooks::redeliver(&st, &staff.acting(&ip), id, delivery).await?;
    Ok(Redirect::to(&format!("/settings/webhooks/{id}?notice=redelivery_queued")).into_response())
}

pub async fn delete_confirm(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let e = webhooks::get(&st, staff.agency_id, id).await?;
    render(&DeletePage {
        layout: Layout::staff(&staff, "Delete webhook", "settings"),
        id,
        url: e.url,
    })
}

pub async fn delete(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    webhooks::delete(&st, &staff.acting(&ip), id).await?;
    Ok(Redirect::to("/settings/webhooks?notice=webhook_deleted").into_response())
}
