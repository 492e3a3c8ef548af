//! The pieces every Graph answer is made of: Meta's error shape (code, subcode, type,
//! `is_transient`), the caller a token stands for and its permissions, parameters, field
//! lists, and an asset as Graph shows it.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::Inner;
use super::schema::{self, Node};
use super::world::{APP_SECRET, TokenInfo, World};

/// A Graph error as the emulator answers it.
#[derive(Debug)]
pub(crate) struct GErr {
    pub(crate) status: StatusCode,
    pub(crate) code: i64,
    pub(crate) subcode: Option<i64>,
    pub(crate) message: String,
    pub(crate) transient: bool,
    pub(crate) kind: &'static str,
}

pub(super) fn err(code: i64, subcode: Option<i64>, message: &str) -> GErr {
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
        // Meta marks service errors and rate limits as transient: the same call succeeds
        // later (rate limits: once usage is regained).
        transient: matches!(code, 1 | 2 | 4 | 17 | 32 | 613 | 80000..=80014),
        // Meta's `type`: a missing object is a GraphMethodException (100/33), a token,
        // permission, parameter or rate-limit problem an OAuthException.
        kind: if code == 100 && subcode == Some(33) {
            "GraphMethodException"
        } else if matches!(
            code,
            3 | 190 | 10 | 200..=299 | 100 | 104 | 2500 | 2635 | 4 | 17 | 32 | 613 | 80000..=80014
        ) {
            "OAuthException"
        } else {
            "GraphMethodException"
        },
    }
}

pub(super) fn no_object(id: &str) -> GErr {
    err(
        100,
        Some(33),
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

pub(super) type GResult = Result<Value, GErr>;

/// Refuses a `fields=` entry the node type (with what the edge adds) does not have, in
/// Meta's words.
pub(super) fn fields_ok(
    p: &BTreeMap<String, String>,
    node: Node,
    added: &[&str],
) -> Result<(), GErr> {
    match p
        .get("fields")
        .and_then(|f| schema::unknown_field(f, node, added))
    {
        Some(f) => Err(err(
            100,
            None,
            &format!(
                "(#100) Tried accessing nonexisting field ({f}) on node type ({})",
                node.name
            ),
        )),
        None => Ok(()),
    }
}

/// Parameters from the query string and a form body; the body wins.
pub(super) fn params(query: Option<&str>, body: &[u8]) -> BTreeMap<String, String> {
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

pub(super) fn proof(token: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("HMAC takes any key length");
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub(super) fn iso(ts: i64) -> String {
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

/// The asset as Graph shows it.
pub(super) fn asset_json(w: &World, id: &str) -> Value {
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
pub(super) fn full_control(kind: &str) -> &'static str {
    match kind {
        "pixel" => "EDIT",
        "instagram" => "CONTENT",
        _ => "MANAGE",
    }
}

pub(super) struct Caller<'a> {
    pub(super) token: &'a str,
    pub(super) info: TokenInfo,
}

impl Caller<'_> {
    pub(super) fn need(&self, scope: &str) -> Result<(), GErr> {
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

pub(super) fn authenticate<'a>(
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

/// Refuses a business edge to anyone who is not one of its people (an unknown business
/// is "no such object", as Meta says).
pub(super) fn member_of(w: &World, c: &Caller, business: &str, what: &str) -> Result<(), GErr> {
    if w.business(business).is_none() {
        return Err(no_object(business));
    }
    if w.membership(business, &c.info.person_id).is_none() {
        return Err(err(
            200,
            None,
            &format!("(#200) You do not have permission to view this business's {what}"),
        ));
    }
    Ok(())
}

/// A personal token stops working for an organisation once its migration grace is over.
pub(super) fn check_personal(
    w: &World,
    c: &Caller,
    business_id: Option<&str>,
    now: i64,
) -> Result<(), GErr> {
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
