//! `/api/v1/webhooks`: endpoints (make, read, turn on and off, rotate the secret, delete),
//! their delivery log, and redelivery.

use crate::actions::Ctx;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::clients::limit_of;
use super::types::{DeliveryList, DeliveryOut, WebhookIn, WebhookList, WebhookOut, WebhookSecret};
use super::{ApiJson, ApiQuery, ApiResult, Caller, Problem, cursor_of, page_link};
use crate::actions::webhooks::{self, EndpointForm};

#[utoipa::path(get, path = "/api/v1/webhooks", operation_id = "listWebhooks", summary = "List webhook endpoints",
    description = "The agency's endpoints with the events each receives.", tag = "webhooks",
    responses((status = 200, body = WebhookList)), security(("bearer" = [])))]
pub async fn list(State(st): State<Arc<Ctx>>, caller: Caller) -> ApiResult<Json<WebhookList>> {
    let all = webhooks::list(&st, caller.agency_id()).await?;
    Ok(Json(WebhookList {
        data: all.iter().map(WebhookOut::from).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/webhooks", operation_id = "createWebhook", summary = "Add a webhook endpoint",
    description = "Adds an https endpoint; its `whsec_` signing secret is in this answer only.", tag = "webhooks", request_body = WebhookIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")),
    responses((status = 201, body = WebhookSecret), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    ApiJson(body): ApiJson<WebhookIn>,
) -> ApiResult<(StatusCode, Json<WebhookSecret>)> {
    let actor = caller.writer()?;
    let form = EndpointForm {
        url: body.url,
        description: body.description,
        events: body.events,
    };
    let (id, secret) = webhooks::create(&st, actor, &form)
        .await?
        .map_err(Problem::fields)?;
    let e = webhooks::get(&st, caller.agency_id(), id).await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookSecret {
            endpoint: WebhookOut::from(&e),
            secret,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", operation_id = "getWebhook", summary = "Read a webhook endpoint",
    description = "One endpoint of the agency.", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn show(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WebhookOut>> {
    Ok(Json(WebhookOut::from(
        &webhooks::get(&st, caller.agency_id(), id).await?,
    )))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", operation_id = "deleteWebhook", summary = "Delete a webhook endpoint",
    description = "Deletes the endpoint and its delivery log.", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    webhooks::delete(&st, caller.writer()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn switch(st: &Ctx, caller: &Caller, id: i64, on: bool) -> ApiResult<Json<WebhookOut>> {
    webhooks::set_enabled(st, caller.writer()?, id, on).await?;
    Ok(Json(WebhookOut::from(
        &webhooks::get(st, caller.agency_id(), id).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/enable", operation_id = "enableWebhook", summary = "Turn an endpoint on",
    description = "Deliveries resume from the next event.", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn enable(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WebhookOut>> {
    switch(&st, &caller, id, true).await
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/disable", operation_id = "disableWebhook", summary = "Turn an endpoint off",
    description = "No deliveries until it is turned on again.", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn disable(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WebhookOut>> {
    switch(&st, &caller, id, false).await
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", operation_id = "rotateWebhookSecret", summary = "Rotate the signing secret",
    description = "Returns a new secret, once; for 24 hours deliveries are signed with both.", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookSecret), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn rotate(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WebhookSecret>> {
    let secret = webhooks::rotate(&st, caller.writer()?, id).await?;
    let e = webhooks::get(&st, caller.agency_id(), id).await?;
    Ok(Json(WebhookSecret {
        endpoint: WebhookOut::from(&e),
        secret,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// 1–200 (default 50).
    limit: Option<i64>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", operation_id = "listWebhookDeliveries", summary = "The delivery log",
    description = "Each delivery with its state, attempts and the endpoint's last answer. Cursor-paginated: follow `next`.", tag = "webhooks",
    params(("id" = i64, Path), DeliveryQuery),
    responses((status = 200, body = DeliveryList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn deliveries(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<DeliveryQuery>,
) -> ApiResult<Json<DeliveryList>> {
    let limit = limit_of(q.limit, 50)?;
    let before = cursor_of(&st, "api.deliveries", q.cursor.as_deref())
        .map_err(|e| Problem::invalid(vec![e]))?;
    let mut rows = webhooks::deliveries(&st, caller.agency_id(), id, before, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(50));
    let next = match (more, rows.last()) {
        (true, Some(last)) => Some(page_link(
            &format!("/api/v1/webhooks/{id}/deliveries"),
            &crate::actions::cursor::encode(&st, "api.deliveries", &last.id),
            &[("limit", limit.to_string())],
        )),
        _ => None,
    };
    Ok(Json(DeliveryList {
        data: rows.iter().map(DeliveryOut::from).collect(),
        next,
    }))
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", operation_id = "redeliverWebhook", summary = "Send a delivery again",
    description = "Queues the delivery again with the same `webhook-id`.", tag = "webhooks",
    params(("id" = i64, Path), ("delivery_id" = i64, Path)),
    responses((status = 202, body = DeliveryOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn redeliver(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path((id, delivery_id)): Path<(i64, i64)>,
) -> ApiResult<(StatusCode, Json<DeliveryOut>)> {
    webhooks::redeliver(&st, caller.writer()?, id, delivery_id).await?;
    let rows = webhooks::deliveries(&st, caller.agency_id(), id, Some(delivery_id + 1), 1).await?;
    let d = rows
        .into_iter()
        .find(|d| d.id == delivery_id)
        .ok_or_else(Problem::not_found)?;
    Ok((StatusCode::ACCEPTED, Json(DeliveryOut::from(&d))))
}
