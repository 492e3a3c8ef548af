//! `/api/v1/grants`: the book with every filter the dashboard has, one grant with its
//! history, and the CSV export.

use crate::actions::Ctx;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::clients::limit_of;
use super::types::{GrantDetail, GrantHistory, GrantList, GrantOut};
use super::{ApiQuery, ApiResult, Caller, Problem, cursor_of, page_link};
use crate::actions::grants;
use crate::actions::grants::{Cursor, GrantQuery};
use crate::clock::parse_iso_day;
use crate::domain::GrantStatus;
use crate::domain::access::{AssetKind, GrantMode};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// 1–200 (default 50).
    limit: Option<i64>,
    cursor: Option<String>,
    client_id: Option<i64>,
    /// `page`, `ad_account`, `instagram`, `catalog` or `pixel`.
    kind: Option<String>,
    /// `partner` or `user`.
    mode: Option<String>,
    /// `pending`, `active`, `failed`, `needs_reauth`, `lapsed`, `lost`, `replaced`, `removed`.
    status: Option<String>,
    /// `YYYY-MM-DD`: grants due on or before that day.
    due_before: Option<String>,
    /// `newest` (default), `asset` or `due`.
    sort: Option<String>,
}

impl ListQuery {
    /// The dashboard's query, every value checked: an unknown one is an error, not ignored.
    fn query(&self) -> ApiResult<GrantQuery> {
        let mut errors = Vec::new();
        let mut known = |name: &str, raw: &Option<String>, ok: bool| {
            if raw.is_some() && !ok {
                errors.push(format!(
                    "{name} {:?} is not one of the allowed values.",
                    raw.as_deref().unwrap_or("")
                ));
            }
        };
        let kind = self.kind.as_deref().and_then(AssetKind::parse);
        known("kind", &self.kind, kind.is_some());
        let mode = self.mode.as_deref().and_then(GrantMode::parse);
        known("mode", &self.mode, mode.is_some());
        let status = self.status.as_deref().and_then(GrantStatus::parse);
        known("status", &self.status, status.is_some());
        let due_before = self.due_before.as_deref().and_then(parse_iso_day);
        known("due_before", &self.due_before, due_before.is_some());
        let sort = self.sort.clone().unwrap_or_else(|| "newest".into());
        known(
            "sort",
            &self.sort,
            matches!(sort.as_str(), "newest" | "asset" | "due"),
        );
        if !errors.is_empty() {
            return Err(Problem::invalid(errors));
        }
        Ok(GrantQuery {
            client_id: self.client_id,
            kind,
            mode,
            status,
            due_before: due_before.map(|d| d + 86_399),
            sort,
        })
    }

    /// The filters as query pairs, for the next page's link.
    fn pairs(&self, limit: i64) -> Vec<(&'static str, String)> {
        let mut out = vec![("limit", limit.to_string())];
        for (k, v) in [
            ("client_id", self.client_id.map(|c| c.to_string())),
            ("kind", self.kind.clone()),
            ("mode", self.mode.clone()),
            ("status", self.status.clone()),
            ("due_before", self.due_before.clone()),
            ("sort", self.sort.clone()),
        ] {
            if let Some(v) = v {
                out.push((k, v));
            }
        }
        out
    }
}

#[utoipa::path(get, path = "/api/v1/grants", operation_id = "listGrants", summary = "List grants",
    description = "Every grant the agency holds, with the dashboard's filters (client, kind, mode, status, due before) and sort. An unknown filter value is a 422, never ignored.", tag = "grants", params(ListQuery),
    responses((status = 200, body = GrantList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<GrantList>> {
    let limit = limit_of(q.limit, 50)?;
    let query = q.query()?;
    let after = cursor_of::<Cursor>(&st, "api.grants", q.cursor.as_deref())
        .map_err(|e| Problem::invalid(vec![e]))?;
    if after.as_ref().is_some_and(|c| !c.fits(&query.sort)) {
        return Err(Problem::invalid(vec![
            "cursor is not one this API gave for this sort.".into(),
        ]));
    }
    let (items, more) =
        grants::page(&st, caller.agency_id(), &query, after.as_ref(), limit).await?;
    let next = match (more, items.last()) {
        (true, Some(last)) => Some(page_link(
            "/api/v1/grants",
            &crate::actions::cursor::encode(&st, "api.grants", &Cursor::after(&query.sort, last)),
            &q.pairs(limit),
        )),
        _ => None,
    };
    Ok(Json(GrantList {
        data: items.iter().map(GrantOut::from).collect(),
        next,
    }))
}

#[utoipa::path(get, path = "/api/v1/grants/{id}", operation_id = "getGrant", summary = "Read a grant",
    description = "One grant with its history of status changes.", tag = "grants", params(("id" = i64, Path)),
    responses((status = 200, body = GrantDetail), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn show(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<GrantDetail>> {
    let (g, events) = grants::detail(&st, caller.agency_id(), id).await?;
    Ok(Json(GrantDetail {
        grant: GrantOut::from(&g),
        history: events.iter().map(GrantHistory::from).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/grants.csv", operation_id = "exportGrantsCsv", summary = "Export grants as CSV",
    description = "The grants list's filters, as a CSV file with times in UTC.", tag = "grants", params(ListQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn csv(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let rows = grants::export(&st, caller.agency_id(), q.query()?).await?;
    Ok(crate::web::agency::grants::csv_response(rows))
}
