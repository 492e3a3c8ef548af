//! The Graph API emulator: paths, parameters, envelopes, errors and usage headers as Meta
//! sends them (META_GRAPH.md), and the rules Meta enforces.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

use super::schema::{self, edge_kind};
use super::world::{APP_ID, APP_SECRET, Share, TokenInfo, World};
use super::{Inner, Sandbox};

/// A Graph error as the emulator answers it.
#[derive(Debug)]
pub(crate) struct GErr {
    status: StatusCode,
    code: i64,
    subcode: Option<i64>,
    message: String,
    transient: bool,
    kind: &'static str,
}

fn err(code: i64, subcode: Option<i64>, message: &str) -> GErr {
    let status = match code {
        1 | 2 => StatusCode::INTERNAL_SERVER_ERROR,
        10 | 200..=299 => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    GErr {
        status,
        code,
        subcode,
        message: message.to_owned(),
        transient: matches!(code, 1 | 2),
        kind: if matches!(code, 190 | 10 | 200..=299 | 100 | 104) {
            "OAuthException"
        } else {
            "GraphMethodException"
        },
    }
}

fn no_object(id: &str) -> GErr {
    err(
        100,
        Some(33),
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

type GResult = Result<Value, GErr>;

/// Parameters from the query string and a form body; the body wins.
fn params(query: Option<&str>, body: &[u8]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    if let Some(q) = query {
        out.extend(url::form_urlencoded::parse(q.as_bytes()).into_owned());
    }
    out.extend(url::form_urlencoded::parse(body).into_owned());
    out
}

/// `['A','B']`, `["A","B"]` or `A,B`.
pub fn parse_list(raw: &str) -> Vec<String> {
    let s = raw.trim();
    if let Ok(v) = serde_json::from_str::<Vec<String>>(s) {
        return v;
    }
    s.trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|x| x.trim().trim_matches(|c| c == '\'' || c == '"').to_owned())
        .filter(|x| !x.is_empty())
        .collect()
}

fn proof(token: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("HMAC takes any key length");
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn iso(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]+0000"
            ))
            .ok()
        })
        .unwrap_or_default()
}

fn cursor(i: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("lkc:{i}"))
}

fn uncursor(c: &str) -> Option<usize> {
    let raw = URL_SAFE_NO_PAD.decode(c).ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("lkc:")?
        .parse()
        .ok()
}

/// Keeps only requested fields (and `id`) when `fields` is given.
fn pick(obj: Value, fields: Option<&String>) -> Value {
    let (Some(fields), Value::Object(map)) = (fields, &obj) else {
        return obj;
    };
    let wanted: Vec<&str> = fields
        .split(',')
        .map(|f| f.split(['{', '.']).next().unwrap_or("").trim())
        .collect();
    let kept: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| *k == "id" || wanted.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(kept)
}

/// The `data`/`paging` envelope with opaque cursors and absolute `next`/`previous` URLs.
fn page(
    items: Vec<Value>,
    p: &BTreeMap<String, String>,
    base: &str,
    version: &str,
    path: &str,
) -> Value {
    let limit = p
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    let total = items.len();
    let (start, end) = if let Some(b) = p.get("before").and_then(|c| uncursor(c)) {
        (b.saturating_sub(limit), b.min(total))
    } else {
        let s = p
            .get("after")
            .and_then(|c| uncursor(c))
            .unwrap_or(0)
            .min(total);
        (s, (s + limit).min(total))
    };
    let data: Vec<Value> = items[start..end]
        .iter()
        .map(|v| pick(v.clone(), p.get("fields")))
        .collect();
    let link = |key: &str, at: usize| {
        let mut u =
            url::Url::parse(&format!("{base}/{version}/{path}")).expect("base URL is valid");
        {
            let mut q = u.query_pairs_mut();
            for (k, v) in p {
                if k != "after" && k != "before" && k != "appsecret_proof" {
                    q.append_pair(k, v);
                }
            }
            q.append_pair("limit", &limit.to_string())
                .append_pair(key, &cursor(at));
        }
        u.to_string()
    };
    let mut paging = json!({"cursors": {"before": cursor(start), "after": cursor(end)}});
    if end < total {
        paging["next"] = json!(link("after", end));
    }
    if start > 0 {
        paging["previous"] = json!(link("before", start));
    }
    let mut out = json!({"data": data, "paging": paging});
    if p.get("summary").is_some_and(|s| s.contains("total_count")) {
        out["summary"] = json!({"total_count": total});
    }
    out
}

/// The asset as Graph shows it.
fn asset_json(w: &World, id: &str) -> Value {
    let Some(a) = w.asset(id) else {
        return json!({"id": id});
    };
    match a.kind.as_str() {
        "ad_account" => {
            json!({"id": a.id, "name": a.name, "account_id": a.id.trim_start_matches("act_"), "account_status": 1})
        }
        "instagram" => {
            json!({"id": a.id, "ig_username": a.name, "ig_user_id": format!("178{}", &a.id[3..])})
        }
        "page" => json!({"id": a.id, "name": a.name, "category": "Bakery"}),
        _ => json!({"id": a.id, "name": a.name}),
    }
}

/// The tasks that mean "full control" of a kind (needed to share it).
fn full_control(kind: &str) -> &'static str {
    match kind {
        "pixel" => "EDIT",
        "instagram" => "CONTENT",
        _ => "MANAGE",
    }
}

struct Caller<'a> {
    token: &'a str,
    info: TokenInfo,
}

impl Caller<'_> {
    fn need(&self, scope: &str) -> Result<(), GErr> {
        if self.info.scopes.iter().any(|s| s == scope) {
            Ok(())
        } else {
            let code = if scope == "business_management" {
                200
            } else {
                10
            };
            Err(err(
                code,
                None,
                &format!("(#{code}) Requires {scope} permission to manage the object"),
            ))
        }
    }
}

fn authenticate<'a>(
    g: &Inner,
    p: &'a BTreeMap<String, String>,
    now: i64,
) -> Result<Caller<'a>, GErr> {
    let Some(token) = p.get("access_token") else {
        return Err(err(
            104,
            None,
            "An access token is required to request this resource.",
        ));
    };
    match p.get("appsecret_proof") {
        None => {
            return Err(err(
                100,
                None,
                "API calls from the server require an appsecret_proof argument",
            ));
        }
        Some(pr) if *pr != proof(token) => {
            return Err(err(
                100,
                None,
                "Invalid appsecret_proof provided in the API argument",
            ));
        }
        _ => {}
    }
    let Some(info) = g.world.tokens.get(token.as_str()).cloned() else {
        return Err(err(
            190,
            None,
            "Invalid OAuth access token - Cannot parse access token",
        ));
    };
    if info.expires_at <= now {
        return Err(err(
            190,
            Some(463),
            "Error validating access token: Session has expired.",
        ));
    }
    Ok(Caller { token, info })
}

/// A personal token stops working for an organisation once its migration grace is over.
fn check_personal(w: &World, c: &Caller, business_id: Option<&str>, now: i64) -> Result<(), GErr> {
    if let Some(b) = business_id
        && w.personal_access_ended(&c.info.person_id, b, now)
    {
        return Err(err(
            190,
            Some(460),
            "Error validating access token: The session has been invalidated because the user's organisation moved to managed accounts.",
        ));
    }
    Ok(())
}

pub async fn handle(
    State(sb): State<Sandbox>,
    Path((version, path)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let faults = sb.faults();
    if faults.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(faults.latency_ms)).await;
    }
    let mut p = params(query.as_deref(), &body);
    if let Some(bearer) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        p.entry("access_token".into())
            .or_insert_with(|| bearer.to_owned());
    }
    let now = sb.clock.now();
    let mut g = sb.lock();
    g.calls += 1;
    let calls = g.calls;
    let mut throttled = false;
    let result = if !is_version(&version) {
        Err(err(
            2500,
            None,
            &format!("Unknown path components: /{version}/{path}"),
        ))
    } else if g.faults.throttle_next > 0 {
        g.faults.throttle_next -= 1;
        throttled = true;
        Err(err(
            80001,
            None,
            "There have been too many calls to this Page account. Wait a bit and try again.",
        ))
    } else if g.faults.fail_next > 0
        || (g.faults.transient_percent > 0
            && (calls * 37 % 100) < u64::from(g.faults.transient_percent))
    {
        g.faults.fail_next = g.faults.fail_next.saturating_sub(1);
        Err(err(
            2,
            None,
            "An unexpected error has occurred. Please retry your request later.",
        ))
    } else {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let out = dispatch(&mut g, &sb, &method, &version, &segs, &p, now);
        if out.as_ref().is_ok_and(|(_, mutated)| *mutated) {
            let w = g.world.clone();
            g.persistence.save(&w);
        }
        out.map(|(v, _)| v)
    };
    let regain = g.faults.throttle_regain_minutes;
    drop(g);

    let (status, body) = match result {
        Ok(v) => (StatusCode::OK, v),
        Err(e) => {
            let mut inner = json!({
                "message": e.message,
                "type": e.kind,
                "code": e.code,
                "fbtrace_id": format!("A{}", super::random_hex(10)),
                "is_transient": e.transient,
            });
            if let Some(s) = e.subcode {
                inner["error_subcode"] = json!(s);
            }
            (e.status, json!({ "error": inner }))
        }
    };
    let mut resp = (status, axum::Json(body)).into_response();
    let h = resp.headers_mut();
    let pct = if throttled { 100 } else { (calls % 50) as i64 };
    if let Ok(v) = HeaderValue::from_str(&format!(
        r#"{{"call_count":{pct},"total_time":{pct},"total_cputime":{pct}}}"#
    )) {
        h.insert("x-app-usage", v);
    }
    if throttled
        && let Ok(v) = HeaderValue::from_str(&format!(
            r#"{{"{}":[{{"type":"pages","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":{regain}}}]}}"#,
            super::world::AGENCY_PORTFOLIO
        ))
    {
        h.insert("x-business-use-case-usage", v);
    }
    if let Ok(v) = HeaderValue::from_str(&version) {
        h.insert("facebook-api-version", v);
    }
    resp
}

fn is_version(v: &str) -> bool {
    v.strip_prefix('v')
        .and_then(|r| r.strip_suffix(".0"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Routes one call. Returns the body and whether the world changed.
fn dispatch(
    g: &mut Inner,
    sb: &Sandbox,
    method: &Method,
    version: &str,
    segs: &[&str],
    p: &BTreeMap<String, String>,
    now: i64,
) -> Result<(Value, bool), GErr> {
    let read = |v: GResult| v.map(|v| (v, false));
    match (method.clone(), segs) {
        (Method::GET, ["oauth", "access_token"]) => oauth_token(g, p, now).map(|v| (v, true)),
        (Method::GET, ["debug_token"]) => read(debug_token(g, p, now)),
        (m, segs) => {
            let caller = authenticate(g, p, now)?;
            let w = &g.world;
            match (m, segs) {
                (Method::GET, ["me"]) => {
                    let person = w
                        .person(&caller.info.person_id)
                        .ok_or_else(|| no_object("me"))?;
                    read(Ok(pick(
                        json!({"id": person.id, "name": person.name, "email": person.email}),
                        Some(p.get("fields").unwrap_or(&"id,name".to_owned())),
                    )))
                }
                (Method::GET, ["me", "businesses"]) => {
                    caller.need("business_management")?;
                    let items = w
                        .members
                        .iter()
                        .filter(|m| m.person_id == caller.info.person_id && !w.personal_access_ended(&m.person_id, &m.business_id, now))
                        .filter_map(|m| w.business(&m.business_id))
                        .map(|b| json!({"id": b.id, "name": b.name, "verification_status": "verified"}))
                        .collect();
                    read(Ok(page(items, p, &sb.graph_base, version, "me/businesses")))
                }
                (Method::GET, ["me", "accounts"]) => {
                    caller.need("pages_show_list")?;
                    me_accounts(g, sb, &caller, p, version, now).map(|v| (v, true))
                }
                (Method::GET, [id]) => {
                    if let Some(b) = w.business(id) {
                        read(Ok(pick(
                            json!({"id": b.id, "name": b.name, "verification_status": "verified"}),
                            p.get("fields"),
                        )))
                    } else if w.asset(id).is_some() {
                        read(Ok(pick(asset_json(w, id), p.get("fields"))))
                    } else {
                        Err(no_object(id))
                    }
                }
                (Method::GET, [business, "business_users"]) => {
                    caller.need("business_management")?;
                    if w.business(business).is_none() {
                        return Err(no_object(business));
                    }
                    if w.membership(business, &caller.info.person_id).is_none() {
                        return Err(err(
                            200,
                            None,
                            "(#200) You do not have permission to view this business's people",
                        ));
                    }
                    check_personal(w, &caller, Some(business), now)?;
                    let migrated = w.migrations.contains_key(*business);
                    let items = w
                        .members
                        .iter()
                        .filter(|m| m.business_id == *business)
                        .filter_map(|m| {
                            let person = w.person(&m.person_id)?;
                            let kind = if m.managed || migrated { "MWA" } else { "FB" };
                            Some(json!({"id": m.bsuid, "name": person.name, "email": person.email, "role": m.role, "invited_user_type": kind}))
                        })
                        .collect();
                    read(Ok(page(
                        items,
                        p,
                        &sb.graph_base,
                        version,
                        &format!("{business}/business_users"),
                    )))
                }
                (Method::GET, [business, edge]) if edge_kind(edge).is_some() => {
                    caller.need("business_management")?;
                    let (kind, client) = edge_kind(edge).expect("checked");
                    if w.business(business).is_none() {
                        return Err(no_object(business));
                    }
                    if w.membership(business, &caller.info.person_id).is_none() {
                        return Err(err(
                            200,
                            None,
                            "(#200) You do not have permission to view this business's assets",
                        ));
                    }
                    check_personal(w, &caller, Some(business), now)?;
                    let items: Vec<Value> = if client {
                        w.shares
                            .iter()
                            .filter(|s| s.business_id == *business)
                            .filter(|s| w.asset(&s.asset_id).is_some_and(|a| a.kind == kind))
                            .map(|s| {
                                let mut v = asset_json(w, &s.asset_id);
                                v["permitted_tasks"] = json!(s.tasks);
                                v["access_status"] = json!(s.status);
                                v
                            })
                            .collect()
                    } else {
                        w.assets
                            .iter()
                            .filter(|a| a.owner.as_deref() == Some(business) && a.kind == kind)
                            .map(|a| {
                                let mut v = asset_json(w, &a.id);
                                // Like Meta's `user_tasks`: what the caller may do on it.
                                v["user_tasks"] = json!(w.tasks_of(&caller.info.person_id, &a.id));
                                v
                            })
                            .collect()
                    };
                    read(Ok(page(
                        items,
                        p,
                        &sb.graph_base,
                        version,
                        &format!("{business}/{edge}"),
                    )))
                }
                (m, [asset, "agencies"]) => {
                    let mutated = m != Method::GET;
                    agencies(g, sb, &caller, m, asset, p, version, now).map(|v| (v, mutated))
                }
                (m, [asset, "assigned_users"]) => {
                    let mutated = m != Method::GET;
                    assigned_users(g, sb, &caller, m, asset, p, version, now).map(|v| (v, mutated))
                }
                _ => Err(err(
                    100,
                    None,
                    &format!(
                        "Unsupported request - method type: {}",
                        method.as_str().to_lowercase()
                    ),
                )),
            }
        }
    }
}

fn oauth_token(g: &mut Inner, p: &BTreeMap<String, String>, now: i64) -> GResult {
    if p.get("client_id").map(String::as_str) != Some(APP_ID)
        || p.get("client_secret").map(String::as_str) != Some(APP_SECRET)
    {
        return Err(err(
            101,
            None,
            "Error validating application. Invalid application ID or secret.",
        ));
    }
    let (person, scopes) = if p.get("grant_type").map(String::as_str) == Some("fb_exchange_token") {
        let old = p
            .get("fb_exchange_token")
            .and_then(|t| g.world.tokens.get(t))
            .filter(|t| t.expires_at > now);
        let Some(old) = old else {
            return Err(err(190, None, "Invalid OAuth access token."));
        };
        (old.person_id.clone(), old.scopes.clone())
    } else {
        let code = p.get("code").cloned().unwrap_or_default();
        let Some(c) = g.world.codes.get_mut(&code) else {
            return Err(err(100, Some(36009), "Invalid verification code format."));
        };
        if c.used {
            return Err(err(
                100,
                Some(36009),
                "This authorization code has been used.",
            ));
        }
        if c.expires_at <= now {
            return Err(err(
                100,
                Some(36007),
                "This authorization code has expired.",
            ));
        }
        if p.get("redirect_uri") != Some(&c.redirect_uri) {
            return Err(err(
                100,
                Some(36008),
                "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            ));
        }
        c.used = true;
        (c.person_id.clone(), c.scopes.clone())
    };
    let token = format!("EAAS{}", super::random_hex(24));
    let ttl = 5_183_976;
    g.world.tokens.insert(
        token.clone(),
        TokenInfo {
            person_id: person,
            page_id: None,
            scopes,
            issued_at: now,
            expires_at: now + ttl,
        },
    );
    Ok(json!({"access_token": token, "token_type": "bearer", "expires_in": ttl}))
}

fn debug_token(g: &Inner, p: &BTreeMap<String, String>, now: i64) -> GResult {
    if p.get("access_token").map(String::as_str) != Some(&format!("{APP_ID}|{APP_SECRET}")) {
        return Err(err(190, None, "Invalid OAuth access token signature."));
    }
    let input = p.get("input_token").cloned().unwrap_or_default();
    let w = &g.world;
    let Some(t) = w.tokens.get(&input) else {
        return Ok(
            json!({"data": {"is_valid": false, "error": {"code": 190, "message": "Invalid OAuth access token.", "subcode": 467}, "scopes": []}}),
        );
    };
    let businesses: Vec<&str> = w
        .members
        .iter()
        .filter(|m| m.person_id == t.person_id)
        .map(|m| m.business_id.as_str())
        .collect();
    let pages: Vec<&str> = w
        .roles
        .iter()
        .filter(|r| {
            r.person_id == t.person_id && w.asset(&r.asset_id).is_some_and(|a| a.kind == "page")
        })
        .map(|r| r.asset_id.as_str())
        .collect();
    let granular: Vec<Value> = t
        .scopes
        .iter()
        .filter_map(|s| match s.as_str() {
            "business_management" => Some(json!({"scope": s, "target_ids": businesses})),
            "pages_show_list" | "pages_manage_metadata" => {
                Some(json!({"scope": s, "target_ids": pages}))
            }
            _ => None,
        })
        .collect();
    let mut data = json!({
        "app_id": APP_ID,
        "type": if t.page_id.is_some() { "PAGE" } else { "USER" },
        "application": "Latchkey Sandbox",
        "data_access_expires_at": t.issued_at + 90 * 86_400,
        "expires_at": t.expires_at,
        "is_valid": t.expires_at > now,
        "issued_at": t.issued_at,
        "scopes": t.scopes,
        "granular_scopes": granular,
        "user_id": t.person_id,
    });
    if t.expires_at <= now {
        data["error"] = json!({"code": 190, "message": "Error validating access token: Session has expired.", "subcode": 463});
    }
    Ok(json!({ "data": data }))
}

fn me_accounts(
    g: &mut Inner,
    sb: &Sandbox,
    c: &Caller,
    p: &BTreeMap<String, String>,
    version: &str,
    now: i64,
) -> GResult {
    let w = &g.world;
    let pages: Vec<(String, Vec<String>, Option<String>)> = w
        .roles
        .iter()
        .filter(|r| r.person_id == c.info.person_id)
        .filter_map(|r| {
            w.asset(&r.asset_id)
                .filter(|a| a.kind == "page")
                .map(|a| (a.id.clone(), r.tasks.clone(), a.owner.clone()))
        })
        .filter(|(_, _, owner)| {
            !owner
                .as_deref()
                .is_some_and(|b| w.personal_access_ended(&c.info.person_id, b, now))
        })
        .collect();
    let mut items = Vec::new();
    for (page_id, tasks, _) in pages {
        // Deterministic per user token and Page, so listing twice does not mint new tokens.
        let page_token = format!("EAAP{}", &proof(&format!("{}:{page_id}", c.token))[..40]);
        g.world.tokens.insert(
            page_token.clone(),
            TokenInfo {
                person_id: c.info.person_id.clone(),
                page_id: Some(page_id.clone()),
                scopes: c.info.scopes.clone(),
                issued_at: now,
                expires_at: c.info.expires_at,
            },
        );
        let mut v = asset_json(&g.world, &page_id);
        v["access_token"] = json!(page_token);
        v["tasks"] = json!(tasks);
        items.push(v);
    }
    Ok(page(items, p, &sb.graph_base, version, "me/accounts"))
}

#[allow(clippy::too_many_arguments)]
fn agencies(
    g: &mut Inner,
    sb: &Sandbox,
    c: &Caller,
    m: Method,
    asset_id: &str,
    p: &BTreeMap<String, String>,
    version: &str,
    now: i64,
) -> GResult {
    c.need("business_management")?;
    let w = &g.world;
    let asset = w
        .asset(asset_id)
        .cloned()
        .ok_or_else(|| no_object(asset_id))?;
    check_personal(w, c, asset.owner.as_deref(), now)?;
    let own_tasks = w.tasks_of(&c.info.person_id, asset_id);
    // A partner business's admins can see (and leave) assets shared with their business.
    let partner_admin = w.shares.iter().any(|s| {
        s.asset_id == asset_id
            && w.membership(&s.business_id, &c.info.person_id)
                .is_some_and(|mb| mb.role == "ADMIN")
    });
    if own_tasks.is_empty() && !partner_admin {
        return Err(no_object(asset_id));
    }
    match m {
        Method::GET => {
            let items = w
                .shares
                .iter()
                .filter(|s| s.asset_id == asset_id)
                .map(|s| {
                    let name = w.business(&s.business_id).map(|b| b.name.clone()).unwrap_or_default();
                    json!({"id": s.business_id, "name": name, "permitted_tasks": s.tasks, "access_status": s.status,
                           "access_requested_time": iso(s.requested_at), "access_updated_time": iso(s.requested_at)})
                })
                .collect();
            Ok(page(
                items,
                p,
                &sb.graph_base,
                version,
                &format!("{asset_id}/agencies"),
            ))
        }
        Method::POST => {
            if asset.kind == "page" && c.info.page_id.as_deref() != Some(asset_id) {
                return Err(err(
                    210,
                    None,
                    "(#210) A page access token is required to request this resource.",
                ));
            }
            if !own_tasks.iter().any(|t| t == full_control(&asset.kind)) {
                return Err(err(
                    200,
                    None,
                    "(#200) You must have full control of this asset to share it with a partner.",
                ));
            }
            let Some(owner) = asset.owner.clone() else {
                return Err(err(
                    100,
                    Some(3996),
                    "This Page is not in a business portfolio, so it cannot be shared with a partner.",
                ));
            };
            let business = p.get("business").cloned().unwrap_or_default();
            if w.business(&business).is_none() {
                return Err(err(
                    100,
                    None,
                    "(#100) Param business must be a valid business id",
                ));
            }
            if business == owner {
                return Err(err(
                    100,
                    Some(3946),
                    "The asset already belongs to this business.",
                ));
            }
            let tasks = parse_list(p.get("permitted_tasks").map_or("", String::as_str));
            let valid = schema::permitted_tasks(&asset.kind);
            if tasks.is_empty() || tasks.iter().any(|t| !valid.contains(&t.as_str())) {
                return Err(err(
                    100,
                    None,
                    "(#100) permitted_tasks contains an invalid task",
                ));
            }
            if w.shares
                .iter()
                .any(|s| s.asset_id == asset_id && s.business_id == business)
            {
                return Err(err(
                    100,
                    Some(3989),
                    "Duplicate assignment: this asset is already shared with this business.",
                ));
            }
            // Instagram shares wait for the partner's confirmation, as Meta's do.
            let status = if asset.kind == "instagram" {
                "PENDING"
            } else {
                "CONFIRMED"
            };
            g.world.shares.push(Share {
                asset_id: asset_id.to_owned(),
                business_id: business,
                tasks,
                status: status.into(),
                requested_at: now,
            });
            Ok(json!({"success": true}))
        }
        Method::DELETE => {
            let business = p.get("business").cloned().unwrap_or_default();
            // The asset's admins may remove a partner, and a partner may leave.
            let leaving = w
                .membership(&business, &c.info.person_id)
                .is_some_and(|m| m.role == "ADMIN");
            if !leaving && !own_tasks.iter().any(|t| t == full_control(&asset.kind)) {
                return Err(err(
                    200,
                    None,
                    "(#200) You must have full control of this asset to remove a partner.",
                ));
            }
            let before = g.world.shares.len();
            g.world
                .shares
                .retain(|s| !(s.asset_id == asset_id && s.business_id == business));
            if g.world.shares.len() == before {
                return Err(err(
                    100,
                    None,
                    "(#100) This business does not have access to the asset",
                ));
            }
            Ok(json!({"success": true}))
        }
        _ => Err(err(100, None, "Unsupported request")),
    }
}

#[allow(clippy::too_many_arguments)]
fn assigned_users(
    g: &mut Inner,
    sb: &Sandbox,
    c: &Caller,
    m: Method,
    asset_id: &str,
    p: &BTreeMap<String, String>,
    version: &str,
    now: i64,
) -> GResult {
    c.need("business_management")?;
    let w = &g.world;
    let asset = w
        .asset(asset_id)
        .cloned()
        .ok_or_else(|| no_object(asset_id))?;
    check_personal(w, c, asset.owner.as_deref(), now)?;
    let own_tasks = w.tasks_of(&c.info.person_id, asset_id);
    if own_tasks.is_empty() {
        return Err(no_object(asset_id));
    }
    match m {
        Method::GET => {
            let Some(business) = p.get("business") else {
                return Err(err(100, None, "(#100) The parameter business is required"));
            };
            let items = w
                .assignments
                .iter()
                .filter(|a| a.asset_id == asset_id)
                .filter_map(|a| {
                    let member = w.member_by_bsuid(&a.bsuid)?;
                    // Personal-account assignments stop working after the migration's grace.
                    if member.business_id != *business || (!member.managed && w.migration_over(&member.business_id, now)) {
                        return None;
                    }
                    let person = w.person(&member.person_id)?;
                    Some(json!({"id": a.bsuid, "name": person.name, "user_type": "BUSINESS_USER", "tasks": a.tasks}))
                })
                .collect();
            Ok(page(
                items,
                p,
                &sb.graph_base,
                version,
                &format!("{asset_id}/assigned_users"),
            ))
        }
        Method::POST | Method::DELETE => {
            if asset.kind == "page"
                && m == Method::POST
                && c.info.page_id.as_deref() != Some(asset_id)
            {
                return Err(err(
                    210,
                    None,
                    "(#210) A page access token is required to request this resource.",
                ));
            }
            if !own_tasks.iter().any(|t| t == full_control(&asset.kind)) {
                return Err(err(
                    200,
                    None,
                    "(#200) You must have full control of this asset to assign people.",
                ));
            }
            let user = p.get("user").cloned().unwrap_or_default();
            let member = w.member_by_bsuid(&user).cloned();
            let Some(member) = member.filter(|mb| Some(&mb.business_id) == asset.owner.as_ref())
            else {
                return Err(err(
                    100,
                    None,
                    "(#100) Param user must be a business-scoped user id of a person in the asset's business portfolio",
                ));
            };
            if m == Method::DELETE {
                g.world
                    .assignments
                    .retain(|a| !(a.asset_id == asset_id && a.bsuid == member.bsuid));
                return Ok(json!({"success": true}));
            }
            let tasks = parse_list(p.get("tasks").map_or("", String::as_str));
            let valid = schema::user_tasks(&asset.kind);
            if tasks.is_empty() || tasks.iter().any(|t| !valid.contains(&t.as_str())) {
                return Err(err(100, None, "(#100) tasks contains an invalid task"));
            }
            g.world
                .assignments
                .retain(|a| !(a.asset_id == asset_id && a.bsuid == member.bsuid));
            g.world.assignments.push(super::world::Assignment {
                asset_id: asset_id.to_owned(),
                bsuid: member.bsuid,
                tasks,
            });
            Ok(json!({"success": true}))
        }
        _ => Err(err(100, None, "Unsupported request")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_params_in_every_syntax() {
        assert_eq!(
            parse_list("['MANAGE','ADVERTISE']"),
            vec!["MANAGE", "ADVERTISE"]
        );
        assert_eq!(
            parse_list(r#"["MANAGE","ADVERTISE"]"#),
            vec!["MANAGE", "ADVERTISE"]
        );
        assert_eq!(parse_list("MANAGE, ADVERTISE"), vec!["MANAGE", "ADVERTISE"]);
        assert!(parse_list("").is_empty());
    }

    #[test]
    fn versions_and_cursors() {
        assert!(is_version("v25.0") && is_version("v3.0"));
        assert!(!is_version("v25.1") && !is_version("25.0") && !is_version("v.0"));
        assert_eq!(uncursor(&cursor(42)), Some(42));
        assert_eq!(uncursor("garbage"), None);
    }
}
