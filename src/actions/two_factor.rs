//! Two-factor sign-in with an authenticator app (TOTP), and ten single-use recovery codes.
//! Enrolment shows a QR code, takes one code from the app to confirm, then shows the
//! recovery codes once. At sign-in, a confirmed factor turns the password into the first
//! of two steps: a five-minute challenge, then a code (or a recovery code), each code
//! accepted once, five wrong ones lock the second step for 15 minutes.

use super::account::{SignedIn, finish_sign_in};
use super::{Actor, Ctx, audit, audit_as};
use crate::domain::token::hash_secret;
use crate::domain::two_factor::{self, normalise_recovery};
use crate::error::{AppError, AppResult, FieldError};
use crate::store::{Tx, auth_tokens, throttle, two_factor as store, users};

/// What the person sees while enrolling: the secret (for typing in), its QR code.
pub struct Enrolment {
    pub secret: String,
    pub qr_svg: String,
}

/// A person's two-factor state.
pub struct Status {
    /// An authenticator app is set up.
    pub app: bool,
    pub passkeys: i64,
    pub recovery_codes_left: i64,
}

impl Status {
    /// Signing in asks for a second factor.
    pub fn enrolled(&self) -> bool {
        self.app || self.passkeys > 0
    }
}

pub async fn status(ctx: &Ctx, user_id: i64) -> AppResult<Status> {
    let f = store::get(&ctx.db.pool, user_id).await?;
    Ok(Status {
        app: f.is_some_and(|f| f.confirmed_at.is_some()),
        passkeys: crate::store::passkeys::count(&ctx.db.pool, user_id).await?,
        recovery_codes_left: store::recovery_codes_left(&ctx.db.pool, user_id).await?,
    })
}

/// Ten new recovery codes in `tx` (the old ones stop working); the codes, to show once.
pub(super) async fn fresh_recovery_codes(tx: &mut Tx, user_id: i64) -> AppResult<Vec<String>> {
    let codes = two_factor::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| normalise_recovery(c))
        .map(|c| hash_secret(&c))
        .collect();
    store::set_recovery_codes(tx, user_id, &hashes).await?;
    Ok(codes)
}

/// The enrolment in progress (its secret kept until confirmed), or a new one.
#[tracing::instrument(skip_all, fields(user = user_id))]
pub async fn enrolment(ctx: &Ctx, user_id: i64, email: &str) -> AppResult<Enrolment> {
    let secret = match store::get(&ctx.db.pool, user_id).await? {
        Some(f) if f.confirmed_at.is_some() => {
            return Err(AppError::BadRequest(
                "Two-factor sign-in is already on. Turn it off first to set up another app.".into(),
            ));
        }
        Some(f) => ctx.secrets.open(&f.secret_sealed)?,
        None => {
            let s = two_factor::new_secret();
            let now = ctx.clock.now();
            store::begin(&ctx.db.pool, user_id, &ctx.secrets.seal(&s), now).await?;
            s
        }
    };
    let uri = two_factor::otpauth_uri(&secret, email);
    Ok(Enrolment {
        qr_svg: two_factor::qr_svg(&uri),
        secret,
    })
}

/// Confirms the enrolment with a code from the app; returns the recovery codes, shown
/// once. `Err`: the code did not match (nothing changes).
#[tracing::instrument(skip_all, fields(user = actor.user_id))]
pub async fn confirm(
    ctx: &Ctx,
    actor: &Actor,
    code: &str,
) -> AppResult<Result<Vec<String>, FieldError>> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    let Some(f) = store::get(&ctx.db.pool, user_id).await? else {
        return Err(AppError::BadRequest(
            "Start again: the set-up expired.".into(),
        ));
    };
    let secret = ctx.secrets.open(&f.secret_sealed)?;
    let now = ctx.clock.now();
    let wrong = || {
        FieldError::new(
            "code",
            "That code does not match. Type the 6 digits your app shows now.",
        )
    };
    let Some(step) = two_factor::check(&secret, code, now) else {
        return Ok(Err(wrong()));
    };
    let mut tx = ctx.db.begin().await?;
    if !store::take_step(&mut *tx, user_id, step).await? {
        return Ok(Err(wrong()));
    }
    store::confirm(&mut *tx, user_id, now).await?;
    let codes = fresh_recovery_codes(&mut tx, user_id).await?;
    audit(&mut tx, actor, "two_factor.enabled", &actor.name, now).await?;
    tx.commit().await?;
    Ok(Ok(codes))
}

/// New recovery codes (the old ones stop working), shown once.
#[tracing::instrument(skip_all, fields(user = actor.user_id))]
pub async fn new_recovery_codes(ctx: &Ctx, actor: &Actor) -> AppResult<Vec<String>> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    if !status(ctx, user_id).await?.enrolled() {
        return Err(AppError::BadRequest("Two-factor sign-in is off.".into()));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let codes = fresh_recovery_codes(&mut tx, user_id).await?;
    audit(
        &mut tx,
        actor,
        "two_factor.recovery_codes_renewed",
        &actor.name,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Removes the authenticator app, with the person's password; refused while their agency
/// requires two-factor sign-in and the app is their only factor. Recovery codes stay while
/// passkeys do.
#[tracing::instrument(skip_all, fields(user = actor.user_id))]
pub async fn turn_off(
    ctx: &Ctx,
    actor: &Actor,
    password: &str,
) -> AppResult<Result<(), FieldError>> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    let agency = crate::store::agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let passkeys = crate::store::passkeys::count(&ctx.db.pool, user_id).await?;
    if agency.require_two_factor != 0 && passkeys == 0 {
        return Ok(Err(FieldError::new(
            "password",
            "Your agency requires two-factor sign-in, so it cannot be turned off.",
        )));
    }
    let user = users::get(&ctx.db.pool, actor.agency_id, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let creds = users::credentials_by_email(&ctx.db.pool, &user.email).await?;
    let stored = creds.as_ref().map(|c| c.password_hash.as_str());
    if !ctx.hasher.verify(password, stored).await? {
        return Ok(Err(FieldError::new(
            "password",
            "That password is not right.",
        )));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    store::remove(&mut *tx, user_id).await?;
    if passkeys == 0 {
        store::set_recovery_codes(&mut tx, user_id, &[]).await?;
    }
    audit(&mut tx, actor, "two_factor.disabled", &actor.name, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Why the second step did not sign in.
#[derive(Debug, PartialEq, Eq)]
pub enum SecondFactorRefused {
    /// The five-minute challenge is gone: sign in again with the password.
    Expired,
    /// Too many wrong codes: wait this many seconds.
    Wait(i64),
    /// Not a current code of the app, a code used before, or an unknown recovery code.
    Wrong,
}

/// The second step of a sign-in: the challenge from the password step and a code from the
/// app or a recovery code. On success the challenge is used up and a session starts.
#[tracing::instrument(skip_all)]
pub async fn complete_sign_in(
    ctx: &Ctx,
    challenge: &str,
    code: &str,
    device: Option<&str>,
    ip: &str,
) -> AppResult<Result<SignedIn, SecondFactorRefused>> {
    let pending = match Pending::open(ctx, challenge).await? {
        Ok(p) => p,
        Err(refused) => return Ok(Err(refused)),
    };
    let user_id = pending.user_id;
    // A person with passkeys only still has recovery codes.
    let secret = match store::get(&ctx.db.pool, user_id).await? {
        Some(f) if f.confirmed_at.is_some() => Some(ctx.secrets.open(&f.secret_sealed)?),
        _ => None,
    };
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let accepted = match secret.and_then(|s| two_factor::check(&s, code, now)) {
        Some(step) => store::take_step(&mut *tx, user_id, step).await?,
        None => match normalise_recovery(code) {
            Some(r) => store::use_recovery_code(&mut *tx, user_id, &hash_secret(&r), now).await?,
            None => false,
        },
    };
    if !accepted {
        pending.refuse(ctx, tx, ip).await?;
        return Ok(Err(SecondFactorRefused::Wrong));
    }
    pending.accept(ctx, tx, device, ip).await
}

/// A sign-in between its password and its second factor: the challenge's row, checked
/// usable and not locked by wrong answers.
pub(super) struct Pending {
    token_hash: String,
    pub(super) user_id: i64,
    agency_id: i64,
    email: String,
    throttle_key: String,
}

impl Pending {
    pub(super) async fn open(
        ctx: &Ctx,
        challenge: &str,
    ) -> AppResult<Result<Self, SecondFactorRefused>> {
        let Some(token) = crate::domain::SecretToken::from_presented(CHALLENGE_PREFIX, challenge)
        else {
            return Ok(Err(SecondFactorRefused::Expired));
        };
        let now = ctx.clock.now();
        let kind = auth_tokens::KIND_SECOND_FACTOR;
        let Some(row) = auth_tokens::find_usable(&ctx.db.pool, &token.hash(), kind, now).await?
        else {
            return Ok(Err(SecondFactorRefused::Expired));
        };
        let user_id = row.user_id.ok_or(AppError::NotFound)?;
        let throttle_key = format!("second-factor:{user_id}");
        let wait = throttle::wait_secs(&ctx.db.pool, &throttle_key, now).await?;
        if wait > 0 {
            return Ok(Err(SecondFactorRefused::Wait(wait)));
        }
        Ok(Ok(Self {
            token_hash: token.hash(),
            user_id,
            agency_id: row.agency_id,
            email: row.email,
            throttle_key,
        }))
    }

    fn masked(&self) -> String {
        crate::domain::EmailAddress::parse(&self.email)
            .map(|e| e.masked())
            .unwrap_or_default()
    }

    /// A wrong answer: counted towards the lock-out, and audited.
    pub(super) async fn refuse(&self, ctx: &Ctx, mut tx: Tx, ip: &str) -> AppResult<()> {
        let now = ctx.clock.now();
        throttle::record_failure(&mut tx, &self.throttle_key, throttle::SECOND_FACTOR, now).await?;
        let masked = self.masked();
        let action = "login.second_factor_failed";
        audit_as(
            &mut tx,
            Some(self.agency_id),
            &masked,
            ip,
            action,
            &masked,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A right answer: the challenge is used up (once, even if two answers race) and a
    /// session starts, in `tx`.
    pub(super) async fn accept(
        &self,
        ctx: &Ctx,
        mut tx: Tx,
        device: Option<&str>,
        ip: &str,
    ) -> AppResult<Result<SignedIn, SecondFactorRefused>> {
        let now = ctx.clock.now();
        let kind = auth_tokens::KIND_SECOND_FACTOR;
        if auth_tokens::consume(&mut *tx, &self.token_hash, kind, now)
            .await?
            .is_none()
        {
            return Ok(Err(SecondFactorRefused::Expired));
        }
        throttle::clear(&mut *tx, &self.throttle_key).await?;
        let done =
            finish_sign_in(&mut tx, self.user_id, self.agency_id, None, device, ip, now).await?;
        tx.commit().await?;
        Ok(Ok(done))
    }
}

/// Second-factor challenges: the token in the short-lived cookie between the two steps.
pub const CHALLENGE_PREFIX: &str = "lkc";
