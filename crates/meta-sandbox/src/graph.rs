//! The Graph API emulator: paths, parameters, envelopes, errors and usage headers as Meta
//! sends them (META_GRAPH.md), and the rules Meta enforces.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::answers::*;
use super::nodes;
use super::schema::{added, edge_kind};
use super::world::World;
use super::{Inner, Sandbox};

use super::paging::{page, uncursor};
use super::reads::{self, Read};
use super::sharing::{EdgeCall, agencies, assigned_users, clients, end_client, leave};
use super::tokens::{debug_token, me_accounts, oauth_token};

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
    let refused = refusal(&mut g, &version, &path, &method, &p, now, calls);
    let throttled = refused.as_ref().is_some_and(|e| e.code == 80001);
    let result = match refused {
        Some(e) => Err(e),
        None => {
            let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            let out = dispatch(&mut g, &sb, &method, &version, &segs, &p, now);
            if out.as_ref().is_ok_and(|(_, mutated)| *mutated) {
                let w = g.world.clone();
                g.persistence.save(&w);
            }
            out.map(|(v, _)| v)
        }
    };
    let usage = Usage {
        calls,
        throttled,
        regain: g.faults.throttle_regain_minutes,
        bucket: usage_bucket(&g.world, &path),
        busy: g.faults.usage_percent,
    };
    drop(g);
    let mut resp = answer(result);
    usage.write(resp.headers_mut(), &path);
    if let Ok(v) = HeaderValue::from_str(&version) {
        resp.headers_mut().insert("facebook-api-version", v);
    }
    resp
}

/// Why Graph refuses a call before looking at what it asks: an unknown version or cursor,
/// a version past its end, or a fault the sandbox's operator switched on.
// The call's parts, each named where it is checked.
#[allow(clippy::too_many_arguments)]
fn refusal(
    g: &mut Inner,
    version: &str,
    path: &str,
    method: &Method,
    p: &BTreeMap<String, String>,
    now: i64,
    calls: u64,
) -> Option<GErr> {
    if !is_version(version) {
        return Some(err(
            2500,
            None,
            &format!("Unknown path components: /{version}/{path}"),
        ));
    }
    if ["after", "before"]
        .iter()
        .any(|k| p.get(*k).is_some_and(|c| uncursor(c).is_none()))
    {
        // A cursor Graph did not hand out is an error, never a quiet first page.
        return Some(err(
            100,
            None,
            "(#100) Invalid cursor: use the cursors Graph returned",
        ));
    }
    if version_gone(version, now) {
        // A version past its date, on the sandbox's clock, as Meta answers it.
        return Some(err(
            2635,
            None,
            &format!(
                "(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: {}.",
                NEWEST_VERSION
            ),
        ));
    }
    fault(g, path, method, calls)
}

/// A fault the sandbox's operator switched on, for this call.
fn fault(g: &mut Inner, path: &str, method: &Method, calls: u64) -> Option<GErr> {
    let f = &mut g.faults;
    if f.throttle_next > 0 {
        f.throttle_next -= 1;
        return Some(err(
            80001,
            None,
            "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        ));
    }
    if f.fail_next > 0
        || (f.transient_percent > 0 && (calls * 37 % 100) < u64::from(f.transient_percent))
    {
        f.fail_next = f.fail_next.saturating_sub(1);
        return Some(err(
            2,
            None,
            "An unexpected error has occurred. Please retry your request later.",
        ));
    }
    if f.refuse_edge
        .as_deref()
        .is_some_and(|edge| path.split('/').nth(1) == Some(edge))
    {
        return Some(err(
            270,
            None,
            "(#270) This Ads API request is not allowed for apps with development access level (Development access is by default for all apps, please request for upgrade).",
        ));
    }
    if f.no_partner_sharing
        && *method == Method::POST
        && path.trim_end_matches('/').ends_with("/agencies")
    {
        return Some(err(
            3,
            None,
            "(#3) Application does not have the capability to make this API call.",
        ));
    }
    None
}

/// The answer in Graph's envelope: the body, or `{"error": {…}}` with Meta's fields (and
/// the OAuth challenge for a token Graph cannot use).
fn answer(result: GResult) -> Response {
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
    let bad_token = body["error"]["code"] == 190;
    let mut resp = (status, axum::Json(body)).into_response();
    if bad_token {
        resp.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static(
                "OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid OAuth access token - Cannot parse access token\"",
            ),
        );
    }
    resp
}

/// What the usage headers of one answer say.
struct Usage {
    calls: u64,
    throttled: bool,
    /// Minutes until a throttled caller regains access.
    regain: i64,
    bucket: Option<(String, &'static str)>,
    /// The business use case's usage, when a fault sets it.
    busy: Option<u32>,
}

impl Usage {
    fn write(&self, h: &mut HeaderMap, path: &str) {
        // The app as a whole stays below its limit: the throttling emulated is the business
        // use case's (or the ad account's), which is what Meta applies to these calls.
        let pct = (self.calls % 50) as i64;
        if let Ok(v) = HeaderValue::from_str(&format!(
            r#"{{"call_count":{pct},"total_time":{pct},"total_cputime":{pct}}}"#
        )) {
            h.insert("x-app-usage", v);
        }
        // Business use case usage is counted per business: the one called, or the one that
        // owns the asset called, under the use case of the asset's kind.
        if let Some((business, use_case)) = &self.bucket {
            let (count, regain) = match (self.throttled, self.busy) {
                (true, _) => (100, self.regain),
                (false, Some(busy)) => (i64::from(busy.min(99)), 0),
                (false, None) => (pct, 0),
            };
            // Meta documents `ads_api_access_tier` for the ads_* types only.
            let tier = if use_case.starts_with("ads_") {
                r#","ads_api_access_tier":"standard_access""#
            } else {
                ""
            };
            if let Ok(v) = HeaderValue::from_str(&format!(
                r#"{{"{business}":[{{"type":"{use_case}","call_count":{count},"total_cputime":{count},"total_time":{count},"estimated_time_to_regain_access":{regain}{tier}}}]}}"#
            )) {
                h.insert("x-business-use-case-usage", v);
            }
        }
        // The ad account called has its own meter (`reset_time_duration` in seconds).
        if path.starts_with("act_") {
            let (util, reset) = if self.throttled {
                (100, self.regain * 60)
            } else {
                (pct, 0)
            };
            if let Ok(v) = HeaderValue::from_str(&format!(
                r#"{{"acc_id_util_pct":{util},"reset_time_duration":{reset}}}"#
            )) {
                h.insert("x-ad-account-usage", v);
            }
        }
    }
}

/// (business id, use case) a call counts against: the business in the path, or the owner
/// of the asset in the path; None for calls on a person or a token.
/// The `type` is one Meta documents for this header: ads_insights, ads_management,
/// custom_audience, instagram, leadgen, messenger or pages (Graph API → Rate limiting).
/// Business Manager, catalog and pixel calls are Marketing API calls: ads_management.
fn usage_bucket(w: &World, path: &str) -> Option<(String, &'static str)> {
    let first = path.split('/').find(|s| !s.is_empty())?;
    if w.business(first).is_some() {
        return Some((first.to_owned(), "ads_management"));
    }
    let asset = w.asset(first)?;
    let use_case = match asset.kind.as_str() {
        "page" => "pages",
        "instagram" => "instagram",
        _ => "ads_management",
    };
    Some((asset.owner.clone()?, use_case))
}

/// The newest Marketing API version Meta lists (November 2026), and the versions with an
/// end date Meta announced: the sandbox's own copy of Meta's "Marketing API versions" page,
/// kept apart from Latchkey's so that it judges Latchkey rather than agrees with it.
const NEWEST_VERSION: &str = "v27.0";
const VERSION_ENDS: &[(u32, i64)] = &[(25, 1_803_340_800)]; // v25.0: 2027-02-23T00:00Z

/// Whether Meta no longer serves `version` at `now`: past its announced end, or older than
/// the oldest version with one (those ended before it).
fn version_gone(version: &str, now: i64) -> bool {
    let Some(major) = version
        .strip_prefix('v')
        .and_then(|r| r.strip_suffix(".0"))
        .and_then(|n| n.parse::<u32>().ok())
    else {
        return false;
    };
    let oldest = VERSION_ENDS.iter().map(|(m, _)| *m).min().unwrap_or(0);
    VERSION_ENDS
        .iter()
        .find(|(m, _)| *m == major)
        .map(|(_, end)| *end)
        .or_else(|| (major < oldest).then(|| VERSION_ENDS[0].1))
        .is_some_and(|end| end <= now)
}

pub(super) fn is_version(v: &str) -> bool {
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
        // The built-in app's permissions, with the app's own token: every one Latchkey asks
        // for, at Advanced Access (a real app shows what App Review granted).
        (Method::GET, [app, "permissions"]) if *app == super::world::APP_ID => {
            let app_token = format!("{}|{}", super::world::APP_ID, super::world::APP_SECRET);
            if p.get("access_token") != Some(&app_token) {
                return Err(err(190, None, "Invalid OAuth access token signature."));
            }
            let items = super::world::CONFIGURATIONS[0]
                .1
                .iter()
                .map(|s| json!({"permission": s, "status": "live", "access_level": "advanced"}))
                .collect();
            read(Ok(page(
                items,
                p,
                &sb.graph_base,
                version,
                &format!("{app}/permissions"),
            )))
        }
        (m, segs) => {
            let caller = authenticate(g, p, now)?;
            authenticated(g, sb, &caller, m, segs, p, version, now)
        }
    }
}

/// A read route, when `segs` names one.
fn read(g: &Inner, r: &Read, method: &Method, segs: &[&str]) -> Option<GResult> {
    match (method, segs) {
        (&Method::GET, ["me"]) => Some(reads::me(r)),
        (&Method::GET, ["me", "businesses"]) => Some(reads::my_businesses(r)),
        (&Method::GET, ["me", "business_users"]) => Some(reads::my_business_users(r)),
        (&Method::GET, [id]) => Some(reads::node(r, id)),
        (&Method::GET, [business, "system_users"]) => Some(reads::system_users(r, business)),
        (&Method::GET, [business, "business_users"]) => Some(reads::business_users(r, business)),
        (
            &Method::GET,
            [
                business,
                edge @ ("pending_client_ad_accounts" | "pending_client_pages"),
            ],
        ) => Some(reads::pending_clients(r, business, edge)),
        (&Method::GET, [business, "clients"]) => Some(
            fields_ok(r.p, nodes::BUSINESS, added::NONE)
                .and_then(|()| clients(g, r.caller, business))
                .map(|items| {
                    let path = format!("{business}/clients");
                    page(items, r.p, &r.sb.graph_base, r.version, &path)
                }),
        ),
        (&Method::GET, [business, edge]) if edge_kind(edge).is_some() => {
            Some(reads::business_assets(r, business, edge))
        }
        _ => None,
    }
}

/// Routes a call whose token was accepted.
// The route's parts, each named where it is matched on.
#[allow(clippy::too_many_arguments)]
fn authenticated(
    g: &mut Inner,
    sb: &Sandbox,
    caller: &Caller,
    method: Method,
    segs: &[&str],
    p: &BTreeMap<String, String>,
    version: &str,
    now: i64,
) -> Result<(Value, bool), GErr> {
    let r = Read {
        w: &g.world,
        sb,
        caller,
        p,
        version,
        now,
    };
    if let Some(answer) = read(g, &r, &method, segs) {
        return answer.map(|v| (v, false));
    }
    match (method, segs) {
        (Method::GET, ["me", "accounts"]) => {
            caller.need("pages_show_list")?;
            fields_ok(p, nodes::PAGE, added::USER_ACCOUNTS)?;
            me_accounts(g, sb, caller, p, version, now).map(|v| (v, true))
        }
        (Method::DELETE, [business, edge @ ("pages" | "ad_accounts")]) => {
            leave(g, caller, business, edge, p).map(|v| (v, true))
        }
        (Method::DELETE, [business, "clients"]) => {
            end_client(g, caller, business, p).map(|v| (v, true))
        }
        (m, [asset, edge @ ("agencies" | "assigned_users")]) => {
            let mutated = m != Method::GET;
            let call = EdgeCall {
                sb,
                c: caller,
                m,
                asset_id: asset,
                p,
                version,
                now,
            };
            let answer = if *edge == "agencies" {
                agencies(g, call)
            } else {
                assigned_users(g, call)
            };
            answer.map(|v| (v, mutated))
        }
        // An edge Graph does not have, in Meta's words.
        (Method::GET, [_, rest @ ..]) if !rest.is_empty() => Err(err(
            2500,
            None,
            &format!("Unknown path components: /{}", rest.join("/")),
        )),
        (m, _) => Err(err(
            100,
            None,
            &format!(
                "Unsupported request - method type: {}",
                m.as_str().to_lowercase()
            ),
        )),
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
    }
}
