//! Passwords: a forgotten one (a reset link by e-mail, throttled like logins, one live
//! link at a time, the same answer for unknown addresses), the reset itself, and a change
//! by a signed-in person.

use super::{Actor, Ctx, audit, audit_as};
use crate::domain::email::mask;
use crate::domain::{EmailAddress, NewPassword, SecretToken};
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::store::{agencies, auth_tokens, sessions, throttle, users};

/// Reset links' token prefix.
const RESET_PREFIX: &str = "lkp";
/// How long a reset link works.
const RESET_TTL: i64 = 60 * 60;

/// E-mails a reset link if the address has an account; the same outcome, the same work
/// (the counters, a token made) either way. Requests are limited per typed address and per
/// client address, like logins (`Err(seconds)` to wait); a new link voids the previous one,
/// so at most one works at a time.
#[tracing::instrument(skip_all)]
pub async fn forgot_password(
    ctx: &Ctx,
    email: &EmailAddress,
    ip: &str,
) -> AppResult<Result<(), i64>> {
    let now = ctx.clock.now();
    let acct_key = format!("reset:{}", email.as_str());
    let ip_key = format!("reset-ip:{ip}");
    let wait = throttle::wait_secs(&ctx.db.pool, &acct_key, now)
        .await?
        .max(throttle::wait_secs(&ctx.db.pool, &ip_key, now).await?);
    if wait > 0 {
        return Ok(Err(wait));
    }
    let mut tx = ctx.db.begin().await?;
    throttle::record_failure(&mut tx, &acct_key, throttle::RESET_ACCOUNT, now).await?;
    throttle::record_failure(&mut tx, &ip_key, throttle::RESET_IP, now).await?;
    let token = SecretToken::generate(RESET_PREFIX);
    if let Some(user) = users::by_email(&mut *tx, email.as_str()).await?
        && let Some(agency) = agencies::get(&mut *tx, user.agency_id).await?
    {
        auth_tokens::invalidate_resets(&mut *tx, user.id, now).await?;
        auth_tokens::insert(
            &mut *tx,
            &token.hash(),
            auth_tokens::KIND_RESET,
            user.agency_id,
            Some(user.id),
            &user.email,
            None,
            now + RESET_TTL,
            now,
        )
        .await?;
        let link = ctx.url(&format!("/password/reset/{}", token.expose()));
        let brand = templates::Brand {
            agency_name: agency.name,
            accent_color: agency.accent_color,
        };
        let message = templates::password_reset(&brand, &user.email, &link)?;
        ctx.queue_mail(&mut tx, Some(user.agency_id), &message, now)
            .await?;
        let masked = email.masked();
        let action = "password.reset_requested";
        audit_as(
            &mut tx,
            Some(user.agency_id),
            &masked,
            ip,
            action,
            &masked,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(Ok(()))
}

fn reset_gone() -> AppError {
    AppError::Gone {
        title: "This link has expired or was already used".into(),
        message: "Reset links work once, for one hour. Ask for a new one from the login page."
            .into(),
    }
}

/// A reset link that can still be used: its token and row (410 once used or expired).
#[tracing::instrument(skip_all)]
pub async fn usable_reset(
    ctx: &Ctx,
    raw: &str,
) -> AppResult<(SecretToken, auth_tokens::AuthToken)> {
    let token = SecretToken::from_presented(RESET_PREFIX, raw).ok_or(AppError::NotFound)?;
    let kind = auth_tokens::KIND_RESET;
    match auth_tokens::find_usable(&ctx.db.pool, &token.hash(), kind, ctx.clock.now()).await? {
        Some(row) => Ok((token, row)),
        None if auth_tokens::exists(&ctx.db.pool, &token.hash()).await? => Err(reset_gone()),
        None => Err(AppError::NotFound),
    }
}

/// Sets a new password through a reset link; every session of the account ends.
/// `Err(message)`: the new password is not acceptable.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    ctx: &Ctx,
    raw: &str,
    password: &str,
    confirm: &str,
    ip: &str,
) -> AppResult<Result<(), String>> {
    let (token, _) = usable_reset(ctx, raw).await?;
    let password = match NewPassword::parse(password, confirm) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let hash = ctx.hasher.hash(password.expose()).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    // Consumed atomically: of two racing submissions only one changes the password.
    let Some(row) =
        auth_tokens::consume(&mut *tx, &token.hash(), auth_tokens::KIND_RESET, now).await?
    else {
        return Err(reset_gone());
    };
    let user_id = row.user_id.ok_or(AppError::NotFound)?;
    users::set_password(&mut *tx, user_id, &hash).await?;
    sessions::delete_for_user(&mut *tx, user_id, "").await?;
    auth_tokens::invalidate_resets(&mut *tx, user_id, now).await?;
    let masked = mask(&row.email);
    audit_as(
        &mut tx,
        Some(row.agency_id),
        &masked,
        ip,
        "password.reset",
        &masked,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// A signed-in person changes their password; their other sessions end, this one stays.
/// `Err(message)`: the current password is wrong or the new one is not acceptable.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn change_password(
    ctx: &Ctx,
    actor: &Actor,
    email: &str,
    session_hash: &str,
    current: &str,
    password: &str,
    confirm: &str,
) -> AppResult<Result<(), String>> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    let stored = users::password_hash(&ctx.db.pool, user_id).await?;
    if !ctx.hasher.verify(current, stored.as_deref()).await? {
        return Ok(Err("Your current password is not correct.".to_owned()));
    }
    let password = match NewPassword::parse(password, confirm) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let hash = ctx.hasher.hash(password.expose()).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    users::set_password(&mut *tx, user_id, &hash).await?;
    // Anyone who knew the old password is signed out; this session stays.
    sessions::delete_for_user(&mut *tx, user_id, session_hash).await?;
    auth_tokens::invalidate_resets(&mut *tx, user_id, now).await?;
    audit(&mut tx, actor, "password.changed", email, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}
