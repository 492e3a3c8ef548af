//! `/api/v1`: the JSON API, a second face of the same use cases the pages call. A bearer
//! key (Settings → API keys) acts for its agency only; errors are problem details; lists are
//! cursor-paginated; every POST honours `Idempotency-Key`; each key is rate-limited.

use crate::actions::Ctx;

use crate::web::WebConfig;
use std::sync::Arc;

mod clients;
mod grants;
mod migration;
mod openapi;
pub mod problem;
mod requests;
mod review;
mod types;
mod webhooks;

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;

use crate::actions::api_keys::ApiKey;
use crate::actions::idempotency::{self, Verdict};
use crate::actions::{Actor, api_keys};
use crate::web::AppState;
use crate::web::session::client_ip;

pub use openapi::ApiDoc;
pub use problem::{ApiResult, Problem};

pub use crate::actions::api_keys::{RATE_LIMIT, RATE_WINDOW};
/// Largest JSON body the API reads.
pub const MAX_BODY: usize = 64 * 1024;

/// Who is calling: a live key of an agency, and the actor its changes are recorded as.
#[derive(Clone)]
pub struct Caller {
    pub key: ApiKey,
    pub actor: Actor,
}

impl Caller {
    pub fn agency_id(&self) -> i64 {
        self.key.agency_id
    }

    /// The actor for a change, refused for a read-only key.
    pub fn writer(&self) -> ApiResult<&Actor> {
        if self.key.scope.allows_writes() {
            Ok(&self.actor)
        } else {
            Err(Problem::new(
                StatusCode::FORBIDDEN,
                "insufficient-scope",
                "This key may only read",
            )
            .detail("Create a key with the write scope in Settings → API keys."))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| Problem::unauthorized("No API key."))
    }
}

/// A JSON body read strictly (unknown fields refused), its errors as problems.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Problem::from(crate::error::AppError::PayloadTooLarge))
            }
            Err(e) => Err(Problem::malformed(e.body_text())),
        }
    }
}

/// Query strings read strictly, their errors as problems.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(e) => Err(Problem::malformed(e.body_text())),
        }
    }
}

/// Checks the bearer key and the key's rate; every answer carries the rate headers.
async fn authenticate(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    mut req: Request,
    next: Next,
) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_owned);
    let Some(presented) = presented else {
        return Problem::unauthorized("Send the key as Authorization: Bearer <key>.")
            .into_response();
    };
    let key = match api_keys::authenticate(&st, &presented).await {
        Ok(Ok(k)) => k,
        Ok(Err(refused)) => {
            return Problem::unauthorized(refused.message()).into_response();
        }
        Err(e) => return Problem::from(e).into_response(),
    };
    let rate = match api_keys::count_request(&st, key.id).await {
        Ok(r) => r,
        Err(e) => return Problem::from(e).into_response(),
    };
    let mut resp = if rate.refused {
        Problem {
            retry_after: Some(rate.reset.max(1)),
            ..Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "This key made too many requests",
            )
            .detail(format!(
                "At most {RATE_LIMIT} requests per {RATE_WINDOW} seconds per key."
            ))
        }
        .into_response()
    } else {
        let ip = client_ip(req.headers(), req.extensions().get(), &web);
        let actor = api_keys::actor_of(&key, &ip);
        req.extensions_mut().insert(Caller { key, actor });
        next.run(req).await
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("\"per-key\";q={RATE_LIMIT};w={RATE_WINDOW}")) {
        h.insert("ratelimit-policy", v);
    }
    let (remaining, reset) = (rate.remaining, rate.reset);
    if let Ok(v) = HeaderValue::from_str(&format!("\"per-key\";r={remaining};t={reset}")) {
        h.insert("ratelimit", v);
    }
    resp
}

/// `Idempotency-Key` on a POST: the first request runs and its answer is kept (sealed, as
/// it may hold a link); a retry with the same key and body gets that answer again, never a
/// second change or e-mail. The same key with another body is refused; while the first is
/// still running, a retry is told to wait.
async fn idempotent(State(st): State<Arc<Ctx>>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(idem) = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(req).await;
    };
    if idem.is_empty() || idem.len() > 255 {
        return Problem::malformed("An Idempotency-Key is 1 to 255 characters.").into_response();
    }
    let Some(caller) = req.extensions().get::<Caller>().cloned() else {
        return Problem::unauthorized("No API key.").into_response();
    };
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return Problem::from(crate::error::AppError::PayloadTooLarge).into_response(),
    };
    let key_id = caller.key.id;
    let (method, path) = (parts.method.to_string(), parts.uri.path().to_owned());
    match idempotency::claim(&st, key_id, &idem, &method, &path, &bytes).await {
        Err(e) => Problem::from(e).into_response(),
        Ok(Verdict::Mismatch) => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            "This Idempotency-Key was used for a different request",
        )
        .into_response(),
        Ok(Verdict::Running) => Problem {
            retry_after: Some(1),
            ..Problem::new(
                StatusCode::CONFLICT,
                "idempotency-in-progress",
                "A request with this Idempotency-Key is still running",
            )
        }
        .into_response(),
        Ok(Verdict::Replay { status, body }) => replay(status, body),
        Ok(Verdict::Run) => {
            // The request runs to its end even if the caller goes away mid-way (a dropped
            // connection drops this future, not the task): its answer is kept, and a retry
            // replays it instead of repeating the change or finding the key blocked.
            let st = st.clone();
            let run = tokio::spawn(async move {
                let resp = next
                    .run(Request::from_parts(parts, Body::from(bytes)))
                    .await;
                let status = resp.status();
                if status.is_server_error() {
                    // Nothing was answered: a retry may run it again.
                    idempotency::release(&st, key_id, &idem).await.ok();
                    return resp;
                }
                let (head, body) = resp.into_parts();
                let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
                let text = String::from_utf8_lossy(&bytes);
                if let Err(e) = idempotency::keep(&st, key_id, &idem, status.as_u16(), &text).await
                {
                    tracing::error!(error = ?e, "could not keep an idempotent answer");
                }
                Response::from_parts(head, Body::from(bytes))
            });
            match run.await {
                Ok(resp) => resp,
                Err(e) => {
                    tracing::error!(error = ?e, "an idempotent request panicked");
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
            }
        }
    }
}

fn replay(status: i64, body: String) -> Response {
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let ct = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}

/// The position in a cursor this API gave for `list` (`actions::cursor`): None without
/// one, or the reason it is not one of ours.
pub(crate) fn cursor_of<T: serde::de::DeserializeOwned>(
    st: &Ctx,
    list: &str,
    raw: Option<&str>,
) -> Result<Option<T>, String> {
    match raw {
        None => Ok(None),
        Some(c) => crate::actions::cursor::decode(st, list, c)
            .map(Some)
            .ok_or_else(|| "cursor is not one this API gave for this list.".to_owned()),
    }
}

/// The link to the next page: the path, the cursor, and the list's other parameters.
pub(crate) fn page_link(path: &str, cursor: &str, pairs: &[(&str, String)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    q.append_pair("cursor", cursor);
    format!("{path}?{}", q.finish())
}

async fn no_such_route() -> Problem {
    Problem::not_found().detail("No such API endpoint; see /api/v1/openapi.json.")
}

/// The API's routes, to nest at `/api/v1`.
pub fn router(state: AppState) -> Router {
    let keyed = Router::new()
        .route("/clients", get(clients::list).post(clients::create))
        .route("/clients/{id}", get(clients::show).patch(clients::update))
        .route("/clients/{id}/archive", post(clients::archive))
        .route(
            "/clients/{id}/migration",
            get(migration::show).put(migration::set),
        )
        .route("/clients/{id}/reauth", post(migration::fix))
        .route("/reauth", get(migration::queue))
        .route("/requests", get(requests::list).post(requests::create))
        .route("/requests/{id}", get(requests::show))
        .route("/requests/{id}/remind", post(requests::remind))
        .route("/requests/{id}/regenerate", post(requests::regenerate))
        .route("/requests/{id}/revoke", post(requests::revoke))
        .route("/access-review", get(review::show))
        .route("/grants", get(grants::list))
        .route("/grants.csv", get(grants::csv))
        .route("/grants/{id}", get(grants::show))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/webhooks/{id}",
            get(webhooks::show).delete(webhooks::delete),
        )
        .route("/webhooks/{id}/enable", post(webhooks::enable))
        .route("/webhooks/{id}/disable", post(webhooks::disable))
        .route("/webhooks/{id}/rotate-secret", post(webhooks::rotate))
        .route("/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route(
            "/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            post(webhooks::redeliver),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotent,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authenticate,
        ));
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .merge(keyed)
        .fallback(no_such_route)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}
