//! `/api/v1/clients`: list, create, show, update, archive.

use crate::actions::Ctx;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::types::{ClientIn, ClientList, ClientOut, ClientPatch};
use super::{ApiJson, ApiQuery, ApiResult, Caller, Problem, cursor_of, page_link};
use crate::actions::clients::ClientQuery;
use crate::actions::clients::{self, NotAdded, Typed};
use crate::error::FieldError;

/// Clients per page unless `limit` says otherwise.
const DEFAULT_LIMIT: i64 = 50;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// 1–200 (default 50).
    limit: Option<i64>,
    /// From the previous page's `next`.
    cursor: Option<String>,
    /// Matches the name or contact e-mail.
    search: Option<String>,
    /// List archived clients instead of active ones.
    archived: Option<bool>,
}

/// A limit in range, or a problem.
pub(super) fn limit_of(limit: Option<i64>, default: i64) -> ApiResult<i64> {
    match limit.unwrap_or(default) {
        l @ 1..=200 => Ok(l),
        _ => Err(Problem::invalid(vec![
            "limit must be between 1 and 200.".into(),
        ])),
    }
}

/// The page number a cursor holds, or a problem.
fn page_of(st: &Ctx, cursor: Option<&str>) -> ApiResult<i64> {
    match cursor_of(st, "api.clients", cursor).map_err(|e| Problem::invalid(vec![e]))? {
        None => Ok(1),
        Some(n @ 2..=1_000_000) => Ok(n),
        Some(_) => Err(Problem::invalid(vec![
            "cursor is not one this API gave.".into(),
        ])),
    }
}

#[utoipa::path(get, path = "/api/v1/clients", operation_id = "listClients", summary = "List clients",
    description = "The agency's clients, newest first, with a search on name and e-mail and archived ones on request. Cursor-paginated: follow `next`.", tag = "clients", params(ListQuery),
    responses((status = 200, body = ClientList), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ClientList>> {
    let limit = limit_of(q.limit, DEFAULT_LIMIT)?;
    let page = page_of(&st, q.cursor.as_deref())?;
    let query = ClientQuery {
        search: q.search.clone().unwrap_or_default(),
        archived: q.archived.unwrap_or(false),
        page,
    };
    let got = clients::list(&st, caller.agency_id(), &query, limit).await?;
    let next = got.has_next.then(|| {
        let mut extra = vec![("limit", limit.to_string())];
        if let Some(s) = &q.search {
            extra.push(("search", s.clone()));
        }
        if q.archived == Some(true) {
            extra.push(("archived", "true".into()));
        }
        page_link(
            "/api/v1/clients",
            &crate::actions::cursor::encode(&st, "api.clients", &(page + 1)),
            &extra,
        )
    });
    Ok(Json(ClientList {
        data: got.items.into_iter().map(ClientOut::from).collect(),
        next,
    }))
}

#[utoipa::path(post, path = "/api/v1/clients", operation_id = "createClient", summary = "Add a client",
    description = "Adds a client by name and contact e-mail. Validation problems name each field; nothing is stored then.", tag = "clients", request_body = ClientIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")),
    responses((status = 201, body = ClientOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    ApiJson(body): ApiJson<ClientIn>,
) -> ApiResult<(StatusCode, Json<ClientOut>)> {
    let actor = caller.writer()?;
    let typed = Typed {
        name: body.name,
        contact_name: body.contact_name,
        contact_email: body.contact_email,
        notes: body.notes,
        allow_duplicate: body.allow_duplicate,
    };
    let id = clients::create(&st, actor, &typed)
        .await?
        .map_err(|refused| match refused {
            NotAdded::Invalid(errors) => Problem::fields(errors),
            NotAdded::LooksLike(alike) => Problem::fields(vec![FieldError::new(
                "name",
                format!(
                    "A client with this name or contact e-mail already exists: {}. Send allow_duplicate: true to add this one anyway.",
                    alike
                        .iter()
                        .map(|(id, name, email)| format!("{name} <{email}> (id {id})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )]),
        })?;
    let c = clients::get(&st, caller.agency_id(), id).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}", operation_id = "getClient", summary = "Read a client",
    description = "One client of the agency; another agency's id is a 404.", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = ClientOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn show(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClientOut>> {
    Ok(Json(
        clients::get(&st, caller.agency_id(), id).await?.into(),
    ))
}

#[utoipa::path(patch, path = "/api/v1/clients/{id}", operation_id = "updateClient", summary = "Change a client",
    description = "Changes the fields sent; the others stay as they are.", tag = "clients", params(("id" = i64, Path)),
    request_body = ClientPatch,
    responses((status = 200, body = ClientOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<ClientPatch>,
) -> ApiResult<Json<ClientOut>> {
    let actor = caller.writer()?;
    let now = clients::get(&st, caller.agency_id(), id).await?;
    let typed = Typed {
        name: patch.name.unwrap_or(now.name),
        contact_name: patch.contact_name.unwrap_or(now.contact_name),
        contact_email: patch.contact_email.unwrap_or(now.contact_email),
        notes: patch.notes.unwrap_or(now.notes),
        allow_duplicate: true,
    };
    clients::update(&st, actor, id, &typed)
        .await?
        .map_err(Problem::fields)?;
    Ok(Json(
        clients::get(&st, caller.agency_id(), id).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/archive", operation_id = "archiveClient", summary = "Archive a client",
    description = "Hides the client from lists; their grants and history stay. Managers only.", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = ClientOut), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn archive(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClientOut>> {
    let actor = caller.writer()?;
    clients::set_archived(&st, actor, id, true).await?;
    Ok(Json(
        clients::get(&st, caller.agency_id(), id).await?.into(),
    ))
}
