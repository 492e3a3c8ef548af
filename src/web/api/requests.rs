//! `/api/v1/requests`: create (the link once, or e-mailed), list with status filters, show
//! with its timeline and grants, remind, regenerate, revoke.

use crate::actions::Ctx;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::clients::limit_of;
use super::types::{EventOut, GrantOut, Issued, RequestDetail, RequestIn, RequestList, RequestOut};
use super::{ApiJson, ApiQuery, ApiResult, Caller, Problem, cursor_of, page_link};
use crate::actions::requests::RequestQuery;
use crate::actions::requests::{self, Draft};
use crate::actions::team;
use crate::domain::request::RequestStatus;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// 1–200 (default 50).
    limit: Option<i64>,
    cursor: Option<String>,
    /// `created`, `emailed`, `opened`, `completed`, `partially_completed`, `expired`,
    /// `revoked` or `declined`.
    status: Option<String>,
    client_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/requests", operation_id = "listRequests", summary = "List access requests",
    description = "Requests newest first, filtered by status or client. Cursor-paginated: follow `next`.", tag = "requests", params(ListQuery),
    responses((status = 200, body = RequestList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<RequestList>> {
    let limit = limit_of(q.limit, 50)?;
    let mut errors = Vec::new();
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => {
            let parsed = RequestStatus::parse(s);
            if parsed.is_none() {
                errors.push(format!("status {s:?} is not a request status."));
            }
            parsed
        }
    };
    let before_id = cursor_of(&st, "api.requests", q.cursor.as_deref())
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let query = RequestQuery {
        status,
        client_id: q.client_id,
        before_id,
    };
    let got = requests::list(&st, caller.agency_id(), &query, limit).await?;
    let now = st.clock.now();
    let next = match (got.has_next, got.items.last()) {
        (true, Some(last)) => {
            let mut extra = vec![("limit", limit.to_string())];
            if let Some(s) = &q.status {
                extra.push(("status", s.clone()));
            }
            if let Some(c) = q.client_id {
                extra.push(("client_id", c.to_string()));
            }
            Some(page_link(
                "/api/v1/requests",
                &crate::actions::cursor::encode(&st, "api.requests", &last.id),
                &extra,
            ))
        }
        _ => None,
    };
    Ok(Json(RequestList {
        data: got.items.iter().map(|r| RequestOut::of(r, now)).collect(),
        next,
    }))
}

#[utoipa::path(post, path = "/api/v1/requests", operation_id = "createRequest", summary = "Create an access request",
    description = "Creates a request and e-mails its link to the client (`delivery: email`) or returns the link once (`delivery: link`). It speaks as the agency, or as the team member named in `sender_email`.", tag = "requests", request_body = RequestIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer: never a second request or e-mail")),
    responses((status = 201, body = Issued), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    ApiJson(body): ApiJson<RequestIn>,
) -> ApiResult<(StatusCode, Json<Issued>)> {
    let actor = caller.writer()?;
    let agency = crate::actions::settings::agency(&st, caller.agency_id()).await?;
    let show_link = body.delivery == "link";
    // The same draft the web form makes, so the same rules apply.
    let draft = Draft {
        client_id: Some(body.client_id),
        kinds: body.asks.into_iter().map(|a| (a.kind, a.level)).collect(),
        mode: body.mode,
        people: body.people,
        expiry_days: body
            .expiry_days
            .unwrap_or(agency.default_expiry_days)
            .to_string(),
        single_use: body.single_use.unwrap_or(true),
        message: body.message,
        delivery: body.delivery,
        language: body.language.unwrap_or_default(),
    };
    let actor = team::speaker(&st, actor, body.sender_email.as_deref())
        .await?
        .map_err(|e| Problem::fields(vec![e]))?;
    let issued = requests::create(&st, &actor, &draft)
        .await?
        .map_err(Problem::fields)?;
    let r = requests::get(&st, caller.agency_id(), issued.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(Issued {
            request: RequestOut::of(&r, st.clock.now()),
            link: show_link.then_some(issued.link),
            emailed_to: issued.emailed_to,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/requests/{id}", operation_id = "getRequest", summary = "Read an access request",
    description = "One request with its timeline and the grants it produced.", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestDetail), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn show(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<RequestDetail>> {
    let d = requests::detail(&st, caller.agency_id(), id).await?;
    Ok(Json(RequestDetail {
        request: RequestOut::of(&d.request, st.clock.now()),
        timeline: d.events.iter().map(EventOut::from).collect(),
        grants: d.grants.iter().map(GrantOut::from).collect(),
    }))
}

/// The request as it stands now.
async fn current(st: &Ctx, caller: &Caller, id: i64) -> ApiResult<Json<RequestOut>> {
    let r = requests::get(st, caller.agency_id(), id).await?;
    Ok(Json(RequestOut::of(&r, st.clock.now())))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/remind", operation_id = "remindRequest", summary = "Remind the client",
    description = "E-mails the client a reminder with a fresh link (the old link then tells its holder it was replaced). At most once per cooldown.", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn remind(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<RequestOut>> {
    let actor = caller.writer()?;
    let actor = team::speaker(&st, actor, None)
        .await?
        .map_err(|e| Problem::fields(vec![e]))?;
    crate::actions::reminders::remind(&st, &actor, id).await?;
    current(&st, &caller, id).await
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/regenerate", operation_id = "regenerateRequestLink", summary = "Make a fresh link",
    description = "Replaces the request's link and returns the new one, once; the old link then tells its holder it was replaced.", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = Issued), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn regenerate(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Issued>> {
    let actor = caller.writer()?;
    let issued = requests::regenerate(&st, actor, id).await?;
    let r = requests::get(&st, caller.agency_id(), id).await?;
    Ok(Json(Issued {
        request: RequestOut::of(&r, st.clock.now()),
        link: Some(issued.link),
        emailed_to: issued.emailed_to,
    }))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/revoke", operation_id = "revokeRequest", summary = "Revoke an access request",
    description = "Withdraws the request: its link then tells its holder it was withdrawn.", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<RequestOut>> {
    let actor = caller.writer()?;
    requests::revoke(&st, actor, id).await?;
    current(&st, &caller, id).await
}
