//! The Tag Manager API (v2) as Latchkey uses it: accounts, containers, and user permissions
//! (list, get, create, update, delete). Requests are judged by the discovery document's
//! schema (`schema.rs`); managing users needs the account's `admin` permission; and the
//! project's quota is Google's — 0.25 requests a second, counted over a 100-second sliding
//! window, an excess answered `403` ("Limits and quotas" in Tag Manager's documentation).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::analytics::{admit, denied, page, paged};
use super::errors::{Refusal, api, api_with, invalid, unknown_field};
use super::world::{Container, ContainerAccess, Token, UserPermission, World};
use super::{Sandbox, schema};

type Params = Query<HashMap<String, String>>;

/// Google's Tag Manager quota: 0.25 requests a second, over 100 seconds.
const WINDOW: Duration = Duration::from_secs(100);
const QUOTA: u32 = 25;

/// What every Tag Manager call passes: the common admission, then the project's quota.
async fn admit_tm(sb: &Sandbox, headers: &HeaderMap, method: &str) -> Result<Token, Refusal> {
    let token = admit(sb, headers, &format!("tagmanager.accounts.{method}")).await?;
    let mut g = sb.lock();
    let quota = g.faults.tagmanager_quota.unwrap_or(QUOTA) as usize;
    let window = g
        .faults
        .tagmanager_window_ms
        .map_or(WINDOW, Duration::from_millis);
    let now = Instant::now();
    let calls = g
        .tagmanager_calls
        .entry(token.client_id.clone())
        .or_default();
    while calls
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        calls.pop_front();
    }
    if calls.len() >= quota {
        return Err(api_with(
            403,
            "PERMISSION_DENIED",
            &format!(
                "Quota exceeded for quota metric 'Queries' and limit 'Queries per 100 seconds' of service 'tagmanager.googleapis.com' for consumer '{}'.",
                token.client_id
            ),
            vec![json!({
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {"service": "tagmanager.googleapis.com", "quota_limit": "defaultPer100SecondsPerProject"},
            })],
        ));
    }
    calls.push_back(now);
    Ok(token)
}

fn not_found(what: &str) -> Refusal {
    api(
        404,
        "NOT_FOUND",
        &format!("Not found or permission denied: {what}"),
    )
}

/// The account from the path, if the caller holds any permission on it.
fn account(w: &World, id: &str, email: &str) -> Result<String, Refusal> {
    if w.tag_accounts.iter().any(|a| a.account_id == id)
        && w.permission_reaching(id, email).is_some()
    {
        Ok(id.to_owned())
    } else {
        Err(not_found(&format!("accounts/{id}")))
    }
}

/// The account from the path, if the caller administers it (who may manage its users).
fn administered(w: &World, id: &str, email: &str) -> Result<String, Refusal> {
    let id = account(w, id, email)?;
    if w.tag_admin(&id, email) {
        Ok(id)
    } else {
        Err(denied())
    }
}

fn container_json(c: &Container) -> Value {
    json!({
        "path": format!("accounts/{}/containers/{}", c.account_id, c.container_id),
        "accountId": c.account_id,
        "containerId": c.container_id,
        "name": c.name,
        "publicId": c.public_id,
        "usageContext": ["web"],
        "tagManagerUrl": format!("https://tagmanager.google.com/#/container/accounts/{}/containers/{}/workspaces?apiLink=container", c.account_id, c.container_id),
    })
}

fn permission_json(p: &UserPermission) -> Value {
    let mut v = json!({
        "path": p.path(),
        "accountId": p.account_id,
        "emailAddress": p.email,
        "accountAccess": {"permission": p.account_access},
    });
    if !p.containers.is_empty() {
        v["containerAccess"] = json!(
            p.containers
                .iter()
                .map(|c| json!({"containerId": c.container_id, "permission": c.permission}))
                .collect::<Vec<_>>()
        );
    }
    v
}

pub async fn accounts(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    Query(q): Params,
) -> Result<Response, Refusal> {
    let token = admit_tm(&sb, &headers, "list").await?;
    let (from, size) = page(&q, 200, 200)?;
    let g = sb.lock();
    let w = &g.world;
    let items = w
        .tag_accounts
        .iter()
        .filter(|a| w.permission_reaching(&a.account_id, &token.email).is_some())
        .map(|a| {
            json!({
                "path": format!("accounts/{}", a.account_id),
                "accountId": a.account_id,
                "name": a.name,
                "tagManagerUrl": format!("https://tagmanager.google.com/#/admin/accounts/{}/?apiLink=account", a.account_id),
            })
        })
        .collect();
    Ok(paged("account", items, from, size))
}

pub async fn containers(
    State(sb): State<Sandbox>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(q): Params,
) -> Result<Response, Refusal> {
    let token = admit_tm(&sb, &headers, "containers.list").await?;
    let (from, size) = page(&q, 200, 200)?;
    let g = sb.lock();
    let w = &g.world;
    let id = account(w, &id, &token.email)?;
    let admin = w.tag_admin(&id, &token.email);
    let mine = w.permission_reaching(&id, &token.email);
    let sees = |c: &Container| {
        admin
            || mine.is_some_and(|p| {
                p.containers
                    .iter()
                    .any(|a| a.container_id == c.container_id && a.permission != "noAccess")
            })
    };
    let items = w
        .containers
        .iter()
        .filter(|c| c.account_id == id && sees(c))
        .map(container_json)
        .collect();
    Ok(paged("container", items, from, size))
}

pub async fn list_permissions(
    State(sb): State<Sandbox>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(q): Params,
) -> Result<Response, Refusal> {
    let token = admit_tm(&sb, &headers, "user_permissions.list").await?;
    let (from, size) = page(&q, 200, 200)?;
    let g = sb.lock();
    let id = administered(&g.world, &id, &token.email)?;
    let items = g
        .world
        .permissions
        .iter()
        .filter(|p| p.account_id == id)
        .map(permission_json)
        .collect();
    Ok(paged("userPermission", items, from, size))
}

fn find<'w>(w: &'w World, account: &str, id: &str) -> Result<&'w UserPermission, Refusal> {
    w.permissions
        .iter()
        .find(|p| p.account_id == account && p.permission_id == id)
        .ok_or_else(|| not_found(&format!("accounts/{account}/user_permissions/{id}")))
}

pub async fn get_permission(
    State(sb): State<Sandbox>,
    Path((id, permission)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let token = admit_tm(&sb, &headers, "user_permissions.get").await?;
    let g = sb.lock();
    let id = administered(&g.world, &id, &token.email)?;
    Ok(Json(permission_json(find(&g.world, &id, &permission)?)).into_response())
}

fn enum_value(v: Option<&Value>, allowed: &[&str], at: &str, ty: &str) -> Result<String, Refusal> {
    let s = v.and_then(Value::as_str).unwrap_or_default();
    // The unspecified value and a missing one are refused: a permission must say what.
    if allowed.contains(&s) && !s.ends_with("Unspecified") {
        Ok(s.to_owned())
    } else {
        Err(invalid(
            at,
            &format!(
                "Invalid value at '{at}' (type.googleapis.com/google.tagmanager.v2.{ty}), \"{s}\""
            ),
        ))
    }
}

fn object<'v>(v: &'v Value, fields: &[&str], at: &str) -> Result<&'v Map<String, Value>, Refusal> {
    let map = v
        .as_object()
        .ok_or_else(|| invalid(at, "Invalid JSON payload received. Expected an object."))?;
    match map.keys().find(|k| !fields.contains(&k.as_str())) {
        Some(unknown) => Err(unknown_field(unknown, at)),
        None => Ok(map),
    }
}

/// A create's or update's body, judged field by field against `UserPermission`: the
/// address, the account permission and each container's (containers of this account).
fn parse_permission(
    w: &World,
    account: &str,
    body: &str,
) -> Result<(String, String, Vec<ContainerAccess>), Refusal> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        invalid(
            "user_permission",
            &format!("Invalid JSON payload received. {e}"),
        )
    })?;
    let map = object(&value, schema::USER_PERMISSION_FIELDS, "user_permission")?;
    if map
        .get("accountId")
        .and_then(Value::as_str)
        .is_some_and(|a| a != account)
    {
        return Err(invalid(
            "user_permission.account_id",
            "The account id does not match the path.",
        ));
    }
    let email = map
        .get("emailAddress")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !email.contains('@') {
        return Err(invalid(
            "user_permission.email_address",
            "The email address is not valid.",
        ));
    }
    let access = map.get("accountAccess").ok_or_else(|| {
        invalid(
            "user_permission.account_access",
            "Account access is required.",
        )
    })?;
    let access = object(
        access,
        schema::ACCOUNT_ACCESS_FIELDS,
        "user_permission.account_access",
    )?;
    let account_access = enum_value(
        access.get("permission"),
        schema::ACCOUNT_PERMISSIONS,
        "user_permission.account_access.permission",
        "AccountAccess.Permission",
    )?;
    let containers = container_access(w, account, map.get("containerAccess"))?;
    Ok((email.to_owned(), account_access, containers))
}

/// `containerAccess`: containers of this account, each with a documented permission.
fn container_access(
    w: &World,
    account: &str,
    list: Option<&Value>,
) -> Result<Vec<ContainerAccess>, Refusal> {
    let mut containers = Vec::new();
    for c in list.and_then(Value::as_array).into_iter().flatten() {
        let c = object(
            c,
            schema::CONTAINER_ACCESS_FIELDS,
            "user_permission.container_access",
        )?;
        let id = c
            .get("containerId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !w
            .containers
            .iter()
            .any(|x| x.account_id == account && x.container_id == id)
        {
            return Err(invalid(
                "user_permission.container_access.container_id",
                &format!("Invalid container id: {id}"),
            ));
        }
        let permission = enum_value(
            c.get("permission"),
            schema::CONTAINER_PERMISSIONS,
            "user_permission.container_access.permission",
            "ContainerAccess.Permission",
        )?;
        containers.push(ContainerAccess {
            container_id: id.to_owned(),
            permission,
        });
    }
    Ok(containers)
}

pub async fn create_permission(
    State(sb): State<Sandbox>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, Refusal> {
    let token = admit_tm(&sb, &headers, "user_permissions.create").await?;
    let mut g = sb.lock();
    let id = administered(&g.world, &id, &token.email)?;
    let (email, access, containers) = parse_permission(&g.world, &id, &body)?;
    // One permission per person and account: a second is refused (access changes by update).
    if g.world.permission_of(&id, &email).is_some() {
        return Err(api(
            409,
            "ALREADY_EXISTS",
            &format!("A user permission for {email} already exists on accounts/{id}."),
        ));
    }
    let pairs: Vec<(&str, &str)> = containers
        .iter()
        .map(|c| (c.container_id.as_str(), c.permission.as_str()))
        .collect();
    let p = g.world.permit(&id, &email, &access, &pairs);
    g.save();
    Ok(Json(permission_json(&p)).into_response())
}

pub async fn update_permission(
    State(sb): State<Sandbox>,
    Path((id, permission)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, Refusal> {
    let token = admit_tm(&sb, &headers, "user_permissions.update").await?;
    let mut g = sb.lock();
    let id = administered(&g.world, &id, &token.email)?;
    let (email, access, containers) = parse_permission(&g.world, &id, &body)?;
    let current = find(&g.world, &id, &permission)?;
    if !current.email.eq_ignore_ascii_case(&email) {
        return Err(invalid(
            "user_permission.email_address",
            "The email address of a user permission cannot be changed.",
        ));
    }
    let p = g
        .world
        .permissions
        .iter_mut()
        .find(|p| p.account_id == id && p.permission_id == permission)
        .expect("found above");
    p.account_access = access;
    p.containers = containers;
    let p = p.clone();
    g.save();
    Ok(Json(permission_json(&p)).into_response())
}

pub async fn delete_permission(
    State(sb): State<Sandbox>,
    Path((id, permission)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let token = admit_tm(&sb, &headers, "user_permissions.delete").await?;
    let mut g = sb.lock();
    // Administrators only, even for one's own permission: Tag Manager's user management
    // is an administrator's screen (stricter than Analytics, where a person may leave).
    let id = administered(&g.world, &id, &token.email)?;
    find(&g.world, &id, &permission)?;
    g.world
        .permissions
        .retain(|p| !(p.account_id == id && p.permission_id == permission));
    g.save();
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::super::world::*;
    use super::super::{Faults, Sandbox};

    async fn call(
        sb: &Sandbox,
        method: &str,
        path: &str,
        token: &str,
        body: &str,
    ) -> (StatusCode, serde_json::Value) {
        let req = Request::builder()
            .method(method)
            .uri(format!("/sandbox/google/tagmanager/tagmanager/v2/{path}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body.to_owned()))
            .unwrap();
        let resp = sb.router().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    fn sandbox() -> (Sandbox, String, String) {
        let sb = Sandbox::for_tests();
        let scopes = [SCOPE_TAGMANAGER_READONLY, SCOPE_TAGMANAGER_MANAGE_USERS];
        let casey = sb.issue_token(CLIENT_EMAIL, &scopes);
        let agency = sb.issue_token(AGENCY_EMAIL, &scopes);
        (sb, casey, agency)
    }

    #[tokio::test]
    async fn an_administrator_gives_container_access_judged_by_the_schema() {
        let (sb, casey, agency) = sandbox();
        let body = r#"{"emailAddress":"analytics@agency.example","accountAccess":{"permission":"user"},"containerAccess":[{"containerId":"7001","permission":"edit"}]}"#;
        let (s, v) = call(&sb, "POST", "accounts/6001/user_permissions", &casey, body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["containerAccess"][0]["permission"], "edit");
        let path = v["path"].as_str().unwrap().to_owned();
        assert!(path.starts_with("accounts/6001/user_permissions/"));
        let (s, v) = call(&sb, "POST", "accounts/6001/user_permissions", &casey, body).await;
        assert_eq!(
            (s, v["error"]["status"].as_str()),
            (StatusCode::CONFLICT, Some("ALREADY_EXISTS"))
        );
        let bad = body.replace("\"edit\"", "\"owner\"");
        let (s, v) = call(&sb, "POST", "accounts/6001/user_permissions", &casey, &bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("\"owner\""),
            "{v}"
        );
        let unknown = body.replace("\"emailAddress\"", "\"colour\":\"red\",\"emailAddress\"");
        let (s, v) = call(
            &sb,
            "POST",
            "accounts/6001/user_permissions",
            &casey,
            &unknown,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Unknown name \"colour\"")
        );
        // The agency sees the container it was given, and may not manage users itself.
        let (_, v) = call(&sb, "GET", "accounts/6001/containers", &agency, "").await;
        assert_eq!(v["container"].as_array().unwrap().len(), 1);
        assert_eq!(v["container"][0]["containerId"], "7001");
        let id = path.rsplit('/').next().unwrap();
        let (s, _) = call(
            &sb,
            "DELETE",
            &format!("accounts/6001/user_permissions/{id}"),
            &agency,
            "",
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "only administrators manage users");
        let (s, _) = call(
            &sb,
            "DELETE",
            &format!("accounts/6001/user_permissions/{id}"),
            &casey,
            "",
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert!(sb.world().permission_of("6001", AGENCY_EMAIL).is_none());
    }

    #[tokio::test]
    async fn a_project_past_its_quota_in_100_seconds_is_refused_403() {
        let (sb, casey, agency) = sandbox();
        sb.set_faults(Faults {
            tagmanager_quota: Some(3),
            ..Faults::default()
        });
        for token in [&casey, &agency, &casey] {
            let (s, _) = call(&sb, "GET", "accounts", token, "").await;
            assert_eq!(s, StatusCode::OK);
        }
        let (s, v) = call(&sb, "GET", "accounts", &casey, "").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "per project, not per person");
        assert_eq!(v["error"]["details"][0]["reason"], "RATE_LIMIT_EXCEEDED");
    }
}
