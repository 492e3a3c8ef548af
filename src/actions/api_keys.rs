//! API keys: owners and admins create them (in Settings or with `latchkey api-key create`),
//! each shown once and kept as a hash; a key acts for its agency only, with its scope.

use super::{Actor, Ctx, audit};
use crate::clock::Clock;
use crate::domain::api::{ApiScope, KEY_PREFIX};
use crate::domain::{BoundedText, Role, SecretToken};
use crate::error::{AppError, AppResult, FieldError};
use crate::store::Db;
// The read model this module returns, for the web layer to name.
pub use crate::store::api_keys::ApiKey;
use crate::store::api_keys::{self, NewKey};

/// Longest key name.
pub const MAX_NAME: usize = 60;

/// A key just made: the secret, shown this once.
pub struct Created {
    pub id: i64,
    pub secret: SecretToken,
}

/// Creates a key. `Err(errors)` lists what to correct; nothing is stored then. Only owners
/// and admins may (a member's attempt is refused like the Settings page).
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    scope: &str,
    expires: &str,
) -> AppResult<Result<Created, Vec<FieldError>>> {
    create_in(&ctx.db, &ctx.clock, actor, name, scope, expires).await
}

/// How long a key may live: 30, 90 or 365 days, or `never`.
pub const EXPIRY_CHOICES: [(&str, &str); 4] = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("never", "Never"),
];

/// Days until a key made now expires (None: never); Err for an answer not offered.
fn expiry_days(choice: &str) -> Result<Option<i64>, ()> {
    match choice.trim() {
        "never" => Ok(None),
        c => EXPIRY_CHOICES
            .iter()
            .find(|(v, _)| *v == c && *v != "never")
            .and_then(|(v, _)| v.parse().ok())
            .map(Some)
            .ok_or(()),
    }
}

/// [`create`] with only a database and a clock (`latchkey api-key create`).
pub async fn create_in(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    name: &str,
    scope: &str,
    expires: &str,
) -> AppResult<Result<Created, Vec<FieldError>>> {
    if !actor.role.can_manage() {
        return Err(AppError::Forbidden(
            "Only the agency's owners and admins can manage API keys.",
        ));
    }
    let mut errors = Vec::new();
    let name = BoundedText::parse(name, "The key's name", MAX_NAME, true)
        .map_err(|e| errors.push(FieldError::new("name", e)))
        .ok();
    let scope = ApiScope::parse(scope);
    if scope.is_none() {
        errors.push(FieldError::new(
            "scope",
            "Choose what the key may do: read only, or read and write.",
        ));
    }
    let days = expiry_days(expires)
        .map_err(|()| {
            errors.push(FieldError::new(
                "expires",
                "Choose when the key expires: in 30, 90 or 365 days, or never.",
            ))
        })
        .ok();
    let (Some(name), Some(scope), Some(days), true) = (name, scope, days, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let secret = SecretToken::generate(KEY_PREFIX);
    // "lk_key_" and four characters of the secret: enough to tell keys apart.
    let prefix: String = secret.expose().chars().take(KEY_PREFIX.len() + 5).collect();
    let now = clock.now();
    let mut tx = db.begin().await?;
    let id = api_keys::insert(
        &mut *tx,
        &NewKey {
            agency_id: actor.agency_id,
            name: name.as_str(),
            prefix: &prefix,
            key_hash: &secret.hash(),
            scope,
            created_by: actor.user_id,
            created_by_name: &actor.name,
            expires_at: days.map(|d| now + d * 86_400),
        },
        now,
    )
    .await?;
    let target = format!("{} ({prefix}…, {})", name.as_str(), scope.as_str());
    audit(&mut tx, actor, "api_key.created", &target, now).await?;
    tx.commit().await?;
    Ok(Ok(Created { id, secret }))
}

pub async fn list(ctx: &Ctx, agency_id: i64) -> AppResult<Vec<ApiKey>> {
    Ok(api_keys::list(&ctx.db.pool, agency_id).await?)
}

/// Revokes a key at once: its next request is refused.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, key = id))]
pub async fn revoke(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<()> {
    if !actor.role.can_manage() {
        return Err(AppError::Forbidden(
            "Only the agency's owners and admins can manage API keys.",
        ));
    }
    let key = api_keys::get(&ctx.db.pool, actor.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if api_keys::revoke(&mut *tx, actor.agency_id, id, now).await? {
        let target = format!("{} ({}…)", key.name, key.prefix);
        audit(&mut tx, actor, "api_key.revoked", &target, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Why a presented key does not act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRefused {
    /// No live key has this secret (never made, or revoked).
    Unknown,
    /// It passed its expiry.
    Expired,
    /// The person who made it has left the agency.
    CreatorLeft,
}

impl KeyRefused {
    /// What the API answers, in words an integrator can act on.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Unknown => "The key is unknown or was revoked.",
            Self::Expired => {
                "The key has expired. An owner or admin can make a new one in Settings → API keys."
            }
            Self::CreatorLeft => {
                "The person who made this key has left the agency, so it no longer works. An owner or admin can make a new one in Settings → API keys."
            }
        }
    }
}

/// The live key a presented secret names, noting its use. Checked on every call, so a key
/// stops the moment it expires or its maker leaves, without a sweep.
pub async fn authenticate(ctx: &Ctx, presented: &str) -> AppResult<Result<ApiKey, KeyRefused>> {
    let Some(secret) = SecretToken::from_presented(KEY_PREFIX, presented) else {
        return Ok(Err(KeyRefused::Unknown));
    };
    let Some(key) = api_keys::by_hash(&ctx.db.pool, &secret.hash()).await? else {
        return Ok(Err(KeyRefused::Unknown));
    };
    let now = ctx.clock.now();
    if key.expires_at.is_some_and(|t| t <= now) {
        return Ok(Err(KeyRefused::Expired));
    }
    if key.created_by.is_some() && key.creator_role.0.is_none() {
        return Ok(Err(KeyRefused::CreatorLeft));
    }
    // A read stays a read: the use is written at most once a minute per key.
    if key.last_used_at.is_none_or(|t| t < now - 60) {
        api_keys::touch(&ctx.db.pool, key.id, now).await?;
    }
    Ok(Ok(key))
}

/// The actor a key's requests are done as: named after the key in the audit log, acting
/// for the person who made it (a request it sends comes from them), and never with more
/// rights than that person holds now — a maker demoted to member makes a member's key.
pub fn actor_of(key: &ApiKey, ip: &str) -> Actor {
    let by_scope = if key.scope.allows_writes() {
        Role::Admin
    } else {
        Role::Member
    };
    Actor {
        agency_id: key.agency_id,
        user_id: key.creator_id,
        label: format!("API key {} ({}…)", key.name, key.prefix),
        name: key.creator_name.clone().unwrap_or_else(|| key.name.clone()),
        role: match key.creator_role.0 {
            Some(now) => by_scope.at_most(now),
            // Made on the command line by the operator: its scope alone.
            None => by_scope,
        },
        ip: ip.to_owned(),
    }
}

/// Days before a key's expiry that its maker is told.
pub const EXPIRY_WARNING_DAYS: i64 = 7;

/// E-mails each key's maker (or, once they left, the agency's owners and admins) a week
/// before the key expires, once per key, whichever process gets there first.
#[tracing::instrument(skip_all)]
pub async fn warn_expiring(ctx: &Ctx) -> AppResult<usize> {
    let now = ctx.clock.now();
    let until = now + EXPIRY_WARNING_DAYS * 86_400;
    let mut sent = 0;
    for key in api_keys::expiring_unwarned(&ctx.db.pool, now, until).await? {
        let Some(agency) = crate::store::agencies::get(&ctx.db.pool, key.agency_id).await? else {
            continue;
        };
        let people = crate::store::users::list(&ctx.db.pool, key.agency_id).await?;
        let to: Vec<String> = match people.iter().find(|u| Some(u.id) == key.created_by) {
            Some(maker) => vec![maker.email.clone()],
            None => people
                .iter()
                .filter(|u| u.role.can_manage())
                .map(|u| u.email.clone())
                .collect(),
        };
        let expires_on = crate::clock::format_in(key.expires_at.unwrap_or(now), &agency.time_zone);
        let brand = crate::mail::templates::Brand::from(&agency);
        let url = ctx.url("/settings/api-keys");
        let mut tx = ctx.db.begin().await?;
        if !api_keys::claim_expiry_warning(&mut *tx, key.id, now).await? {
            continue;
        }
        for addr in &to {
            let email = crate::mail::templates::api_key_expiring(
                &brand,
                addr,
                &key.name,
                &expires_on,
                &url,
            )?;
            ctx.queue_mail(&mut tx, Some(key.agency_id), &email, now)
                .await?;
        }
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        ctx.mailer.wake();
    }
    Ok(sent)
}

/// Requests each key may make per [`RATE_WINDOW`].
pub const RATE_LIMIT: i64 = 600;
/// The rate limit's window, in seconds.
pub const RATE_WINDOW: i64 = 60;

/// A key's use of its rate window after this request.
pub struct RateUse {
    /// Requests left in the window (0 when refused).
    pub remaining: i64,
    /// Seconds until the window ends.
    pub reset: i64,
    /// Over the limit: refused.
    pub refused: bool,
}

/// Counts a request of `key_id` against its rate limit, in the database, so every process
/// counts into the same window.
pub async fn count_request(ctx: &Ctx, key_id: i64) -> AppResult<RateUse> {
    let now = ctx.clock.now();
    let start = now - now.rem_euclid(RATE_WINDOW);
    let used = api_keys::count_request(&ctx.db.pool, key_id, start).await?;
    Ok(RateUse {
        remaining: (RATE_LIMIT - used).max(0),
        reset: start + RATE_WINDOW - now,
        refused: used > RATE_LIMIT,
    })
}
