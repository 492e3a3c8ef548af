//! A client's migration record (read and set), the re-authorisation queue, and the
//! one-click fix.

use crate::actions::Ctx;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::types::{FixSent, MigrationIn, MigrationOut, MigrationSet, RadarList, RadarOut, day};
use super::{ApiJson, ApiResult, Caller, Problem};
use crate::actions::migration::{self, MoveForm};
use crate::error::FieldError;

#[utoipa::path(get, path = "/api/v1/clients/{id}/migration", operation_id = "getMigration", summary = "Read a client's migration record",
    description = "What the agency has recorded of the client's move to managed Meta accounts, and the due date it gives user-based grants.", tag = "migration", params(("id" = i64, Path)),
    responses((status = 200, body = MigrationOut), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn show(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<MigrationOut>> {
    let row = migration::record_of(&st, caller.agency_id(), id).await?;
    Ok(Json(MigrationOut::of(row.as_ref())))
}

#[utoipa::path(put, path = "/api/v1/clients/{id}/migration", operation_id = "setMigration", summary = "Record a client's migration",
    description = "Sets the record the client page's form sets, with the same rules; user-based grants are flagged with their due date. Returns how many grants are flagged or lapsed.", tag = "migration", params(("id" = i64, Path)),
    request_body = MigrationIn,
    responses((status = 200, body = MigrationSet), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<MigrationIn>,
) -> ApiResult<Json<MigrationSet>> {
    let actor = caller.writer()?;
    // The client page's form, so the same rules apply.
    let form = MoveForm {
        status: body.status,
        date: body.since.unwrap_or_default(),
        people_deadline: body.people_deadline.unwrap_or_default(),
        deadline_source: body
            .people_deadline_source
            .unwrap_or_else(|| "staff".into()),
        activated_on: body.activated_on.unwrap_or_default(),
        activated_source: body.activated_source.unwrap_or_else(|| "staff".into()),
    };
    let flagged = migration::record(&st, actor, id, &form)
        .await?
        .map_err(|errors| Problem::fields(errors.into_iter().map(body_field).collect()))?;
    let row = migration::record_of(&st, caller.agency_id(), id).await?;
    Ok(Json(MigrationSet {
        migration: MigrationOut::of(row.as_ref()),
        flagged,
    }))
}

#[utoipa::path(get, path = "/api/v1/reauth", operation_id = "listReauthRadar", summary = "The migration radar",
    description = "User-based grants that must be re-authorised, soonest deadline first, with lapsed ones.", tag = "migration",
    responses((status = 200, body = RadarList)),
    security(("bearer" = [])))]
pub async fn queue(State(st): State<Arc<Ctx>>, caller: Caller) -> ApiResult<Json<RadarList>> {
    let rows = crate::actions::radar::radar_rows(&st, caller.agency_id()).await?;
    Ok(Json(RadarList {
        data: rows
            .into_iter()
            .map(|(status, r)| RadarOut {
                grant_id: r.id,
                client_id: r.client_id,
                client_name: r.client_name,
                asset_name: r.asset_name,
                platform: r.platform.as_str().to_owned(),
                kind: r.kind.as_str().to_owned(),
                grantee: r.grantee,
                status: status.as_str().to_owned(),
                due_on: r.due_at.map(day),
            })
            .collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/reauth", operation_id = "sendReauthLink", summary = "Send the one-click fix",
    description = "E-mails the client a partner-access link for exactly the flagged and lapsed assets, in the client's language.", tag = "migration",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")),
    responses((status = 201, body = FixSent), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn fix(
    State(st): State<Arc<Ctx>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<FixSent>)> {
    let actor = caller.writer()?;
    let issued = migration::send_reauth_link(&st, actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(FixSent {
            request_id: issued.id,
            emailed_to: issued.emailed_to,
        }),
    ))
}

/// The page's form names a field as the API body does not: say it in the body's words.
fn body_field(mut e: FieldError) -> FieldError {
    e.field = match e.field {
        "date" => "since",
        "deadline_source" => "people_deadline_source",
        other => other,
    };
    e
}
