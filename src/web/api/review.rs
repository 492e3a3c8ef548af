//! `GET /api/v1/access-review`: the access review, for an agency's compliance tooling.

use crate::actions::Ctx;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::types::{
    AccessReviewOut, AssetUsersOut, HeldAssetOut, KeyHeldOut, PersonAccessOut, ReviewedOut, at,
};
use super::{ApiResult, Caller, Problem};
use crate::actions::access_review;

#[utoipa::path(get, path = "/api/v1/access-review", operation_id = "getAccessReview", summary = "Read the access review",
    description = "Per person at the agency: role, live API keys, and the client assets assigned to them at Meta with their tasks (read from Meta now); per client asset, who at the agency can use it; and the last confirmed review. Only keys whose maker is an owner or admin now may read it.", tag = "team",
    responses((status = 200, body = AccessReviewOut), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn show(State(st): State<Arc<Ctx>>, caller: Caller) -> ApiResult<Json<AccessReviewOut>> {
    // A key made on the command line is the operator's; any other acts with its maker's
    // role now.
    if caller.key.creator_role.0.is_some_and(|r| !r.can_manage()) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only keys made by an owner or admin may read the access review",
        ));
    }
    let r = access_review::build(&st, caller.agency_id()).await?;
    Ok(Json(AccessReviewOut {
        people: r
            .people
            .into_iter()
            .map(|p| PersonAccessOut {
                role: p.role.map(|r| r.as_str().to_owned()),
                name: p.name,
                email: p.email,
                keys: p
                    .keys
                    .into_iter()
                    .map(|k| KeyHeldOut {
                        name: k.name,
                        prefix: k.prefix,
                        scope: k.scope.to_owned(),
                        last_used_at: k.last_used_at.map(at),
                        expires_at: k.expires_at.map(at),
                    })
                    .collect(),
                assets: p
                    .assets
                    .into_iter()
                    .map(|a| HeldAssetOut {
                        client: a.client,
                        asset: a.asset,
                        tasks: a.tasks,
                    })
                    .collect(),
            })
            .collect(),
        assets: r
            .assets
            .into_iter()
            .map(|a| AssetUsersOut {
                client: a.client,
                asset: a.asset,
                people: a.people,
            })
            .collect(),
        meta_note: r.meta_note,
        last_review: r.past.first().map(|p| ReviewedOut {
            by: p.confirmed_by_name.clone(),
            email: p.confirmed_by_email.clone(),
            at: at(p.confirmed_at),
        }),
        next_due: r.due_at.map(at),
    }))
}
