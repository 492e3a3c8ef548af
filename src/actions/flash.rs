//! Post/Redirect/Get for what is shown once: a POST that makes a link, a key or a secret
//! keeps it here, sealed, and redirects; the page it redirects to takes it. A reload or the
//! back button finds nothing to take and repeats nothing.

use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::domain::token::random_hex;
use crate::error::AppResult;
use crate::store::flashes;

/// How long a flash waits for its page: long enough for a slow redirect, short enough that
/// a forgotten one is gone before anyone else could sit at the desk.
pub const TTL: i64 = 300;

/// What a POST made and the next page shows once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shown {
    /// A client's link, just made or regenerated.
    Link {
        request_id: i64,
        client_name: String,
        link: String,
        emailed_to: Option<String>,
        expires_at: i64,
        fresh: bool,
    },
    /// A client's re-authorisation link, made for the printable report.
    ReportLink { client_id: i64, link: String },
    /// An API key, just made.
    ApiKey { name: String, key: String },
    /// What offboarding a client did, asset by asset: (asset, result).
    Offboarded {
        client_id: i64,
        results: Vec<(String, String)>,
    },
    /// What removing a person did: their name, per client asset at Meta (asset, result),
    /// and what Latchkey could not do.
    TeamRemoved {
        name: String,
        keys_revoked: u64,
        requests_handed_over: u64,
        #[serde(default)]
        invites_withdrawn: u64,
        at_meta: Vec<(String, String)>,
        meta_note: Option<String>,
    },
    /// Recovery codes for two-factor sign-in, just made.
    RecoveryCodes { codes: Vec<String> },
    /// A webhook endpoint's signing secret: `added` with the endpoint, or rotated.
    WebhookSecret {
        endpoint_id: i64,
        secret: String,
        added: bool,
    },
}

/// Keeps `shown` for `user_id`; the id goes into the redirect's `?shown=`.
pub async fn put(ctx: &Ctx, user_id: i64, shown: &Shown) -> AppResult<String> {
    let id = random_hex(16);
    let plain = serde_json::to_string(shown).map_err(anyhow::Error::from)?;
    flashes::put(
        &ctx.db.pool,
        &id,
        user_id,
        &ctx.secrets.seal(&plain),
        ctx.clock.now() + TTL,
    )
    .await?;
    Ok(id)
}

/// Takes the flash `id` if it is `user_id`'s and still fresh; `None` once it was shown.
pub async fn take(ctx: &Ctx, user_id: i64, id: &str) -> AppResult<Option<Shown>> {
    let Some(sealed) = flashes::take(&ctx.db.pool, id, user_id, ctx.clock.now()).await? else {
        return Ok(None);
    };
    let plain = ctx.secrets.open(&sealed)?;
    Ok(serde_json::from_str(&plain).ok())
}
