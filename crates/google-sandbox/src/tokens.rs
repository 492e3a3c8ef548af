//! The token endpoint (`authorization_code` and `refresh_token` grants) and tokeninfo, in
//! Google's shapes.

use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::Sandbox;
use super::errors::oauth;
use super::world::{CLIENT_ID, CLIENT_SECRET, Token};

/// Google's access tokens last an hour (`expires_in: 3599`).
pub const ACCESS_TOKEN_SECS: i64 = 3599;

#[derive(Debug, Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
    #[serde(default)]
    refresh_token: String,
}

pub async fn token(State(sb): State<Sandbox>, Form(f): Form<TokenForm>) -> Response {
    if f.client_id != CLIENT_ID || f.client_secret != CLIENT_SECRET {
        return oauth(StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized");
    }
    let now = sb.clock.now();
    let mut g = sb.lock();
    let (email, scopes, refresh) = match f.grant_type.as_str() {
        "authorization_code" => {
            // Single use: a code is gone once presented, whatever the outcome.
            let Some(code) = g.world.codes.remove(&f.code) else {
                return oauth(StatusCode::BAD_REQUEST, "invalid_grant", "Bad Request");
            };
            if code.expires_at <= now || code.client_id != f.client_id {
                return oauth(StatusCode::BAD_REQUEST, "invalid_grant", "Bad Request");
            }
            if code.redirect_uri != f.redirect_uri {
                return oauth(
                    StatusCode::BAD_REQUEST,
                    "redirect_uri_mismatch",
                    "Bad Request",
                );
            }
            let refresh = code.offline.then(|| {
                let r = format!("1//0{}", super::random_hex(24));
                g.world.refresh_tokens.insert(
                    r.clone(),
                    Token {
                        email: code.email.clone(),
                        scopes: code.scopes.clone(),
                        client_id: code.client_id.clone(),
                        expires_at: 0,
                    },
                );
                r
            });
            (code.email, code.scopes, refresh)
        }
        "refresh_token" => match g.world.refresh_tokens.get(&f.refresh_token) {
            Some(t) if t.client_id == f.client_id => (t.email.clone(), t.scopes.clone(), None),
            _ => {
                return oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Token has been expired or revoked.",
                );
            }
        },
        _ => {
            return oauth(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Invalid grant_type: ",
            );
        }
    };
    let access = format!("ya29.{}", super::random_hex(24));
    g.world.access_tokens.insert(
        access.clone(),
        Token {
            email,
            scopes: scopes.clone(),
            client_id: f.client_id.clone(),
            expires_at: now + ACCESS_TOKEN_SECS,
        },
    );
    g.save();
    let mut body = json!({
        "access_token": access,
        "expires_in": ACCESS_TOKEN_SECS,
        "scope": scopes.join(" "),
        "token_type": "Bearer",
    });
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    Json(body).into_response()
}

#[derive(Debug, Deserialize, Default)]
pub struct InfoQuery {
    #[serde(default)]
    access_token: String,
}

/// What Google says of an access token: its client (`aud`), person, scopes and expiry.
pub async fn tokeninfo(State(sb): State<Sandbox>, Query(q): Query<InfoQuery>) -> Response {
    let now = sb.clock.now();
    let g = sb.lock();
    let Some(t) = g
        .world
        .access_tokens
        .get(&q.access_token)
        .filter(|t| t.expires_at > now)
    else {
        return oauth(StatusCode::BAD_REQUEST, "invalid_token", "Invalid Value");
    };
    let sub = g
        .world
        .person(&t.email)
        .map(|p| p.sub.clone())
        .unwrap_or_default();
    let mut body = json!({
        "azp": t.client_id,
        "aud": t.client_id,
        "sub": sub,
        "scope": t.scopes.join(" "),
        "exp": t.expires_at.to_string(),
        "expires_in": (t.expires_at - now).to_string(),
        "access_type": "online",
    });
    if t.scopes.iter().any(|s| s == super::world::SCOPE_EMAIL) {
        body["email"] = json!(t.email);
        body["email_verified"] = json!("true");
    }
    Json(body).into_response()
}

/// The bearer token's holder and scopes (the API handlers' authentication).
pub(crate) fn bearer(sb: &Sandbox, headers: &axum::http::HeaderMap) -> Option<Token> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    let now = sb.clock.now();
    sb.lock()
        .world
        .access_tokens
        .get(token)
        .filter(|t| t.expires_at > now)
        .cloned()
}
