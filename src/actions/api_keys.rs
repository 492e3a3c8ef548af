//! API keys: owners and admins create them (in Settings or with `latchkey api-key create`),
//! each shown once and kept as a hash; a key acts for its agency only, with its scope.

use super::{Actor, Ctx, audit};
use crate::clock::Clock;
use crate::domain::api::{ApiScope, KEY_PREFIX};
use crate::domain::{BoundedText, Role, SecretToken};
use crate::error::{AppError, AppResult, FieldError};
use crate::store::Db;
use crate::store::api_keys::{self, ApiKey, NewKey};

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
) -> AppResult<Result<Created, Vec<FieldError>>> {
    create_in(&ctx.db, &ctx.clock, actor, name, scope).await
}

/// [`create`] with only a database and a clock (`latchkey api-key create`).
pub async fn create_in(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    name: &str,
    scope: &str,
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
    let (Some(name), Some(scope), true) = (name, scope, errors.is_empty()) else {
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

/// The live key a presented secret names, noting its use.
pub async fn authenticate(ctx: &Ctx, presented: &str) -> AppResult<Option<ApiKey>> {
    let Some(secret) = SecretToken::from_presented(KEY_PREFIX, presented) else {
        return Ok(None);
    };
    let key = api_keys::by_hash(&ctx.db.pool, &secret.hash()).await?;
    let now = ctx.clock.now();
    // A read stays a read: the use is written at most once a minute per key.
    if let Some(k) = key
        .as_ref()
        .filter(|k| k.last_used_at.is_none_or(|t| t < now - 60))
    {
        api_keys::touch(&ctx.db.pool, k.id, now).await?;
    }
    Ok(key)
}

/// The actor a key's requests are done as: named after the key in the audit log, and
/// acting for the person who made it (a request it sends comes from them).
pub fn actor_of(key: &ApiKey, ip: &str) -> Actor {
    Actor {
        agency_id: key.agency_id,
        user_id: key.creator_id,
        label: format!("API key {} ({}…)", key.name, key.prefix),
        name: key.creator_name.clone().unwrap_or_else(|| key.name.clone()),
        // Keys are made by owners and admins: a write key may manage webhooks as they
        // could; the team and the agency's settings are not in the API at all.
        role: if key.scope.allows_writes() {
            Role::Admin
        } else {
            Role::Member
        },
        ip: ip.to_owned(),
    }
}
