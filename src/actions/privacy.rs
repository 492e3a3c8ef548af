//! What Meta asks of an app about the people who logged in with it: forget a person's
//! tokens when they remove the app (deauthorize), and delete their data on request, with a
//! confirmation code they can check.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Ctx;
use crate::error::{AppError, AppResult};
use crate::meta::signed_request::{self, SignedRequest};
use crate::store::privacy;

/// What Meta's data-deletion callback answers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Deletion {
    /// Where the person can check the deletion.
    pub url: String,
    pub confirmation_code: String,
}

fn verified(ctx: &Ctx, raw: &str) -> AppResult<SignedRequest> {
    signed_request::verify(raw, &ctx.graph.config().app_secret).map_err(|_| {
        AppError::BadRequest("The signed_request is not one Meta signed for this app.".into())
    })
}

/// The person removed the app from their Facebook settings: the tokens their approvals
/// still hold are forgotten at once.
#[tracing::instrument(skip_all)]
pub async fn deauthorize(ctx: &Ctx, signed: &str) -> AppResult<u64> {
    let who = verified(ctx, signed)?;
    let forgotten = privacy::forget_tokens(&ctx.db.pool, &who.user_id).await?;
    tracing::info!(forgotten, "Meta deauthorized the app for a person");
    Ok(forgotten)
}

/// Deletes what Latchkey holds about the person (tokens, id and name in approvals,
/// statements, grants, timelines and the audit log) and returns the confirmation.
#[tracing::instrument(skip_all)]
pub async fn delete_data(ctx: &Ctx, signed: &str) -> AppResult<Deletion> {
    let who = verified(ctx, signed)?;
    let names = privacy::names_of(&ctx.db.pool, &who.user_id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let changed = privacy::forget_person(&mut tx, &who.user_id, &names).await?;
    tx.commit().await?;
    tracing::info!(changed, "a person's data deleted at Meta's request");
    let code = confirmation(ctx, now);
    Ok(Deletion {
        url: ctx.url(&format!("/meta/data-deletion/{code}")),
        confirmation_code: code,
    })
}

/// `<time in hex>-<16 hex of a MAC>`: the status page needs no table to vouch for it.
fn confirmation(ctx: &Ctx, at: i64) -> String {
    format!("{at:x}-{}", mac(ctx, at))
}

fn mac(ctx: &Ctx, at: i64) -> String {
    let key = ctx.graph.config().app_secret.as_bytes().to_vec();
    let mut m = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    m.update(format!("latchkey data deletion {at}").as_bytes());
    hex::encode(&m.finalize().into_bytes()[..8])
}

/// When the deletion a confirmation code names was done (None: not a code we issued).
pub fn deletion_status(ctx: &Ctx, code: &str) -> Option<i64> {
    let (at, tag) = code.split_once('-')?;
    let at = i64::from_str_radix(at, 16).ok()?;
    let expected = mac(ctx, at);
    bool::from(subtle::ConstantTimeEq::ct_eq(
        expected.as_bytes(),
        tag.as_bytes(),
    ))
    .then_some(at)
}
