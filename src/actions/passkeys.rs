//! Passkeys as the second factor: adding one (`/account/security`), removing one, and
//! signing in with one after the password. Each ceremony has two halves: the options the
//! browser asks the authenticator with (its challenge kept here, five minutes, used once),
//! then the authenticator's answer, verified against them. The first passkey of a person
//! without an authenticator app brings ten recovery codes, shown once, as the app does.

use super::account::SignedIn;
use super::two_factor::{Pending, SecondFactorRefused, fresh_recovery_codes};
use super::{Actor, Ctx, audit};
use crate::error::{AppError, AppResult, FieldError};
use crate::passkeys::{Passkeys, Refused};
use crate::store::passkeys::{self as store, Purpose};

/// How long the browser has between the options and its answer.
const CEREMONY_TTL: i64 = 5 * 60;
/// Names are the person's own labels ("YubiKey", "MacBook"); short.
const NAME_MAX: usize = 60;

/// One of a person's passkeys, as the security page lists it.
pub struct PasskeyView {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub async fn list(ctx: &Ctx, user_id: i64) -> AppResult<Vec<PasskeyView>> {
    Ok(store::list(&ctx.db.pool, user_id)
        .await?
        .into_iter()
        .map(|p| PasskeyView {
            id: p.id,
            name: p.name,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        })
        .collect())
}

/// Whether this installation can offer passkeys (its base URL is a domain name).
pub fn available(ctx: &Ctx) -> bool {
    ctx.passkeys.available()
}

/// The options for adding a passkey; the challenge waits five minutes for the answer.
#[tracing::instrument(skip_all, fields(user = user_id))]
pub async fn registration_options(
    ctx: &Ctx,
    user_id: i64,
    email: &str,
    name: &str,
) -> AppResult<serde_json::Value> {
    let existing = store::list(&ctx.db.pool, user_id).await?;
    let handle = existing
        .first()
        .map(|p| p.user_handle.clone())
        .unwrap_or_else(Passkeys::new_user_handle);
    let stored: Vec<String> = existing.into_iter().map(|p| p.passkey).collect();
    let started = ctx
        .passkeys
        .start_registration(&handle, email, name, &stored)?;
    // The handle rides with the state, so the answer files the passkey under it.
    let state = serde_json::json!({ "handle": handle, "state": started.state }).to_string();
    let expires = ctx.clock.now() + CEREMONY_TTL;
    store::put_ceremony(&ctx.db.pool, user_id, Purpose::Register, &state, expires).await?;
    Ok(started.options)
}

/// Adds the passkey the browser answered with. `Ok(Some(codes))`: the person's first
/// second factor, with its recovery codes to show once.
#[tracing::instrument(skip_all, fields(user = actor.user_id))]
pub async fn register(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    answer: &str,
) -> AppResult<Result<Option<Vec<String>>, FieldError>> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    if !ctx.passkeys.available() {
        return Ok(Err(FieldError::new(
            "name",
            "Passkeys need Latchkey at a domain name; this installation's address is an IP address.",
        )));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Ok(Err(FieldError::new(
            "name",
            "Name the passkey (up to 60 characters), such as \"YubiKey\" or \"Work laptop\".",
        )));
    }
    if answer.trim().is_empty() {
        return Ok(Err(FieldError::new(
            "name",
            "Adding a passkey needs JavaScript in this browser: turn it on and try again.",
        )));
    }
    let now = ctx.clock.now();
    let Some(kept) = store::take_ceremony(&ctx.db.pool, user_id, Purpose::Register, now).await?
    else {
        return Ok(Err(FieldError::new(
            "name",
            "That took too long, or the page was used twice. Add the passkey again.",
        )));
    };
    let kept: serde_json::Value = serde_json::from_str(&kept)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("passkey ceremony: {e}")))?;
    let (handle, state) = (
        kept["handle"].as_str().unwrap_or_default(),
        kept["state"].as_str().unwrap_or_default(),
    );
    let registered = match ctx.passkeys.finish_registration(answer, state)? {
        Ok(r) => r,
        Err(refused) => return Ok(Err(not_added(refused))),
    };
    let had_factor = crate::store::two_factor::has_any(&ctx.db.pool, user_id).await?;
    let mut tx = ctx.db.begin().await?;
    let added = store::insert(
        &mut *tx,
        user_id,
        &registered.credential_id,
        handle,
        name,
        &registered.passkey,
        now,
    )
    .await?;
    if !added {
        return Ok(Err(FieldError::new(
            "name",
            "This passkey is already registered.",
        )));
    }
    let codes = if had_factor {
        None
    } else {
        Some(fresh_recovery_codes(&mut tx, user_id).await?)
    };
    audit(&mut tx, actor, "passkey.added", name, now).await?;
    tx.commit().await?;
    Ok(Ok(codes))
}

fn not_added(refused: Refused) -> FieldError {
    FieldError::new(
        "name",
        match refused {
            Refused::Malformed => {
                "Your browser did not create a passkey. Try again, or use another browser."
            }
            Refused::NotVerified => {
                "That passkey could not be checked, so it was not added. Try again."
            }
        },
    )
}

/// Removes one of the person's passkeys; refused when their agency requires two-factor
/// sign-in and it is their last factor.
#[tracing::instrument(skip_all, fields(user = actor.user_id))]
pub async fn remove(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<Result<(), FieldError>> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    let agency = crate::store::agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = super::two_factor::status(ctx, user_id).await?;
    if agency.require_two_factor != 0 && !status.app && status.passkeys <= 1 {
        return Ok(Err(FieldError::new(
            "passkey",
            "Your agency requires two-factor sign-in and this is your only second factor. \
             Add another passkey or an authenticator app first.",
        )));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let Some(name) = store::remove(&mut *tx, user_id, id).await? else {
        return Err(AppError::NotFound);
    };
    if !status.app && status.passkeys <= 1 {
        crate::store::two_factor::set_recovery_codes(&mut tx, user_id, &[]).await?;
    }
    audit(&mut tx, actor, "passkey.removed", &name, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The options for signing in with a passkey, for the sign-in waiting on `challenge`.
/// `Err` when the sign-in expired or is locked; `Ok(None)` when the person has no passkey.
#[tracing::instrument(skip_all)]
pub async fn sign_in_options(
    ctx: &Ctx,
    challenge: &str,
) -> AppResult<Result<Option<serde_json::Value>, SecondFactorRefused>> {
    let pending = match Pending::open(ctx, challenge).await? {
        Ok(p) => p,
        Err(refused) => return Ok(Err(refused)),
    };
    let stored: Vec<String> = store::list(&ctx.db.pool, pending.user_id)
        .await?
        .into_iter()
        .map(|p| p.passkey)
        .collect();
    if stored.is_empty() || !ctx.passkeys.available() {
        return Ok(Ok(None));
    }
    let started = ctx.passkeys.start_sign_in(&stored)?;
    let expires = ctx.clock.now() + CEREMONY_TTL;
    let user_id = pending.user_id;
    store::put_ceremony(
        &ctx.db.pool,
        user_id,
        Purpose::SignIn,
        &started.state,
        expires,
    )
    .await?;
    Ok(Ok(Some(started.options)))
}

/// What the sign-in waiting on `challenge` can be finished with, to offer it.
pub struct Methods {
    pub app: bool,
    pub passkey: bool,
}

pub async fn methods(ctx: &Ctx, challenge: &str) -> AppResult<Methods> {
    let Ok(p) = Pending::open(ctx, challenge).await? else {
        return Ok(Methods {
            app: true,
            passkey: false,
        });
    };
    let status = super::two_factor::status(ctx, p.user_id).await?;
    Ok(Methods {
        app: status.app,
        passkey: status.passkeys > 0 && ctx.passkeys.available(),
    })
}

/// The second step with a passkey: the answer to the options from [`sign_in_options`].
/// A wrong answer counts towards the same lock-out as a wrong code.
#[tracing::instrument(skip_all)]
pub async fn complete_sign_in(
    ctx: &Ctx,
    challenge: &str,
    answer: &str,
    device: Option<&str>,
    ip: &str,
) -> AppResult<Result<SignedIn, SecondFactorRefused>> {
    let pending = match Pending::open(ctx, challenge).await? {
        Ok(p) => p,
        Err(refused) => return Ok(Err(refused)),
    };
    let user_id = pending.user_id;
    let now = ctx.clock.now();
    // No ceremony waiting (never asked, already answered, expired) is a wrong answer too.
    let state = store::take_ceremony(&ctx.db.pool, user_id, Purpose::SignIn, now).await?;
    let stored = store::list(&ctx.db.pool, user_id).await?;
    let verdict = match &state {
        Some(state) => ctx.passkeys.finish_sign_in(answer, state, |id| {
            stored
                .iter()
                .find(|p| p.credential_id == id)
                .map(|p| p.passkey.clone())
        })?,
        None => Err(Refused::NotVerified),
    };
    let mut tx = ctx.db.begin().await?;
    let used = match verdict {
        Ok(used) => {
            let updated = used.updated.as_deref();
            store::used(&mut *tx, user_id, &used.credential_id, updated, now).await?
        }
        Err(_) => false,
    };
    if !used {
        pending.refuse(ctx, tx, ip).await?;
        return Ok(Err(SecondFactorRefused::Wrong));
    }
    pending.accept(ctx, tx, device, ip).await
}
