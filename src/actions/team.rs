//! The agency's team: invitations (7 days, single use), roles, removal, joining.

use super::account::new_session;
use super::assignments::{self, HeldAtMeta};
use super::{Actor, Ctx, audit, audit_as};
use crate::domain::{BoundedText, EmailAddress, NewPassword, Role, SecretToken};
use crate::error::{AppError, AppResult, FieldError};
use crate::mail::templates;
use crate::store::{self, agencies, api_keys, auth_tokens, requests, sessions, users};

const INVITE_PREFIX: &str = "lki";
const INVITE_TTL: i64 = 7 * 24 * 60 * 60;

/// The agency's people and its pending invitations.
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn roster(
    ctx: &Ctx,
    agency_id: i64,
) -> AppResult<(Vec<users::User>, Vec<auth_tokens::AuthToken>)> {
    let now = ctx.clock.now();
    Ok(tokio::try_join!(
        users::list(&ctx.db.pool, agency_id),
        auth_tokens::pending_invites(&ctx.db.pool, agency_id, now),
    )?)
}

/// Invites someone by e-mail with a role the inviter may give. `Err(errors)`: what to
/// correct.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn invite(
    ctx: &Ctx,
    actor: &Actor,
    email: &str,
    role: &str,
) -> AppResult<Result<(), Vec<FieldError>>> {
    let mut errors = Vec::new();
    let email = EmailAddress::parse(email)
        .map_err(|e| errors.push(FieldError::new("email", e)))
        .ok();
    let role = Role::parse(role).filter(|r| actor.role.may_assign(*r));
    if role.is_none() {
        errors.push(FieldError::new(
            "role",
            "Choose a role you are allowed to give.",
        ));
    }
    if let Some(e) = &email
        && users::by_email(&ctx.db.pool, e.as_str()).await?.is_some()
    {
        errors.push(FieldError::new(
            "email",
            "Someone with that e-mail already has a Latchkey account.",
        ));
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let now = ctx.clock.now();
    let token = SecretToken::generate(INVITE_PREFIX);
    let mut tx = ctx.db.begin().await?;
    let agency = agencies::get(&mut *tx, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    auth_tokens::insert(
        &mut *tx,
        &token.hash(),
        auth_tokens::KIND_INVITE,
        actor.agency_id,
        None,
        email.as_str(),
        Some(role.as_str()),
        now + INVITE_TTL,
        now,
    )
    .await?;
    if let Some(me) = actor.user_id {
        auth_tokens::set_inviter(&mut *tx, &token.hash(), me).await?;
    }
    let link = ctx.url(&format!("/invite/{}", token.expose()));
    let brand = templates::Brand {
        agency_name: agency.name,
        accent_color: agency.accent_color,
    };
    let message = templates::invite(&brand, email.as_str(), &actor.name, role.label(), &link)?;
    ctx.queue_mail(&mut tx, Some(actor.agency_id), &message, now)
        .await?;
    let target = format!("{} as {}", email.as_str(), role.as_str());
    audit(&mut tx, actor, "team.invited", &target, now).await?;
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(Ok(()))
}

/// Withdraws a pending invitation (by the hash of its token).
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn revoke_invite(ctx: &Ctx, actor: &Actor, token_hash: &str) -> AppResult<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if !auth_tokens::revoke_invite(&mut *tx, actor.agency_id, token_hash, now).await? {
        return Err(AppError::NotFound);
    }
    audit(&mut tx, actor, "team.invite_revoked", "invitation", now).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a member's role; an agency always keeps an owner.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, user = id))]
pub async fn set_role(ctx: &Ctx, actor: &Actor, id: i64, role: &str) -> AppResult<()> {
    let target = users::get(&ctx.db.pool, actor.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = target.role;
    let Some(new_role) = Role::parse(role) else {
        return Err(AppError::BadRequest(
            "Choose owner, admin or member.".into(),
        ));
    };
    if !actor.role.may_assign(new_role) || !actor.role.may_assign(current) {
        return Err(AppError::Forbidden(
            "Only owners can change an owner's role or make someone an owner.",
        ));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if current == Role::Owner
        && new_role != Role::Owner
        && users::count_owners(&mut *tx, actor.agency_id).await? <= 1
    {
        return Err(AppError::BadRequest(
            "An agency needs at least one owner. Make someone else an owner first.".into(),
        ));
    }
    users::set_role(&mut *tx, actor.agency_id, id, new_role.as_str()).await?;
    let change = format!("{} → {}", target.email, new_role.as_str());
    audit(&mut tx, actor, "team.role_changed", &change, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A member `actor` may remove: not themselves, and an owner only by an owner.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, user = id))]
pub async fn removable(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<users::User> {
    let target = users::get(&ctx.db.pool, actor.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if Some(target.id) == actor.user_id {
        return Err(AppError::BadRequest(
            "You cannot remove yourself. Ask another owner or admin.".into(),
        ));
    }
    if !actor.role.may_assign(target.role) {
        return Err(AppError::Forbidden("Only owners can remove an owner."));
    }
    Ok(target)
}

/// Everything tied to a person at the agency, shown before they are removed, each with
/// what removing them does to it.
#[derive(Debug, Default)]
pub struct BlastRadius {
    /// Live API keys they made: revoked.
    pub keys: Vec<store::api_keys::ApiKey>,
    /// Webhook endpoints they made: kept (the agency's), marked as made by someone who left.
    pub webhooks: Vec<store::webhooks::Endpoint>,
    /// Open requests they sent: replies move to the person removing them.
    pub open_requests: Vec<store::requests::AccessRequest>,
    /// Client assets at Meta they are assigned to in the agency's portfolio: unassigned.
    pub meta: HeldAtMeta,
    /// Invitations they sent that are still open: withdrawn unless the remover keeps them.
    pub invites: Vec<auth_tokens::AuthToken>,
}

/// What removing `id` would touch (the same checks as removing them).
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, user = id))]
pub async fn blast_radius(
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
) -> AppResult<(users::User, BlastRadius)> {
    let target = removable(ctx, actor, id).await?;
    let pool = &ctx.db.pool;
    let keys = api_keys::list(pool, actor.agency_id)
        .await?
        .into_iter()
        .filter(|k| k.created_by == Some(id) && k.revoked_at.is_none())
        .collect();
    let webhooks = store::webhooks::endpoints(pool, actor.agency_id)
        .await?
        .into_iter()
        .filter(|e| e.created_by == Some(id))
        .collect();
    let open_requests = requests::open_sent_by(pool, actor.agency_id, id, ctx.clock.now()).await?;
    let agency = agencies::get(pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let meta = assignments::held_by(ctx, &agency, &target.email).await?;
    let invites =
        auth_tokens::pending_invites_by(pool, actor.agency_id, id, ctx.clock.now()).await?;
    Ok((
        target,
        BlastRadius {
            keys,
            webhooks,
            open_requests,
            meta,
            invites,
        },
    ))
}

/// What went with a person who was removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    pub name: String,
    pub keys_revoked: u64,
    pub requests_handed_over: u64,
    /// Invitations they sent that were withdrawn (none when the remover kept them).
    pub invites_withdrawn: u64,
    /// Per client asset at Meta: (asset, "Removed" or why not and the steps by hand).
    pub at_meta: Vec<(String, String)>,
    /// What Latchkey could not look at, and what to do (no connection, Meta unreachable).
    pub meta_note: Option<String>,
}

/// Removes a member, and their power with them in the same transaction: their sessions
/// end, their API keys are revoked, and their open requests (whose replies reach them)
/// pass to the person removing them. Webhooks they made stay: they are the agency's.
/// Then, through the agency's Meta connection, their assignments on client assets in the
/// agency's portfolio are removed and read back, each result audited.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, user = id))]
pub async fn remove(ctx: &Ctx, actor: &Actor, id: i64, keep_invites: bool) -> AppResult<Removed> {
    let target = removable(ctx, actor, id).await?;
    let agency = agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // What they hold at Meta, read before anything changes.
    let held = assignments::held_by(ctx, &agency, &target.email).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    // Explicitly, not only through the cascade.
    sessions::delete_for_user(&mut *tx, target.id, "").await?;
    let keys_revoked =
        api_keys::revoke_for_creator(&mut *tx, actor.agency_id, target.id, now).await?;
    let requests_handed_over = match actor.user_id {
        Some(me) => requests::hand_over(&mut *tx, actor.agency_id, target.id, me, now).await?,
        None => 0,
    };
    // Their open invitations stay valid only if the person removing them says so.
    let invites_withdrawn = if keep_invites {
        0
    } else {
        auth_tokens::revoke_invites_by(&mut *tx, actor.agency_id, target.id, now).await?
    };
    users::delete(&mut *tx, actor.agency_id, target.id).await?;
    let what = format!(
        "{}: {keys_revoked} API keys revoked, {requests_handed_over} open requests handed over, {invites_withdrawn} invitations withdrawn",
        target.email
    );
    audit(&mut tx, actor, "team.removed", &what, now).await?;
    tx.commit().await?;
    // Link pages show it: this process shows the change at once (others within a second).
    ctx.links.faces.forget();

    let (at_meta, meta_note) = match held {
        HeldAtMeta::Assigned { person, assets } => {
            let done = assignments::unassign(ctx, &agency, &person, assets).await?;
            let lines: Vec<(String, String)> = done
                .into_iter()
                .map(|(a, r)| match r {
                    Ok(()) => (a.label, "Removed".to_owned()),
                    Err(why) => (a.label, format!("Not removed: {why}")),
                })
                .collect();
            let now = ctx.clock.now();
            let mut tx = ctx.db.begin().await?;
            for (asset, result) in &lines {
                let target = format!("{}: {asset}: {result}", target.email);
                audit(&mut tx, actor, "team.meta_unassigned", &target, now).await?;
            }
            tx.commit().await?;
            (lines, None)
        }
        HeldAtMeta::NotInPortfolio => (Vec::new(), None),
        HeldAtMeta::NotConnected(assets) if assets.is_empty() => (Vec::new(), None),
        HeldAtMeta::NotConnected(assets) => (
            Vec::new(),
            Some(format!(
                "Latchkey has no Meta connection, so it could not see or remove {}'s assignments on the {} client assets shared with your agency. In your Meta Business Settings, open Users → People, select them and remove their assets (or remove them from the portfolio).",
                target.name,
                assets.len()
            )),
        ),
        HeldAtMeta::Unknown(why) => (
            Vec::new(),
            Some(format!(
                "Meta did not answer ({why}), so {}'s assignments on client assets were not removed. In your Meta Business Settings, open Users → People, select them and remove their assets.",
                target.name
            )),
        ),
    };
    Ok(Removed {
        name: target.name,
        keys_revoked,
        requests_handed_over,
        invites_withdrawn,
        at_meta,
        meta_note,
    })
}

fn invite_gone() -> AppError {
    AppError::Gone {
        title: "This invitation has expired or was already used".into(),
        message: "Invitations work once, for 7 days. Ask your agency's owner or admin to invite you again.".into(),
    }
}

/// An invitation that can still be accepted, with its agency (410 once used or expired).
#[tracing::instrument(skip_all)]
pub async fn usable_invite(
    ctx: &Ctx,
    raw: &str,
) -> AppResult<(SecretToken, auth_tokens::AuthToken, agencies::Agency)> {
    let token = SecretToken::from_presented(INVITE_PREFIX, raw).ok_or(AppError::NotFound)?;
    let kind = auth_tokens::KIND_INVITE;
    let row =
        match auth_tokens::find_usable(&ctx.db.pool, &token.hash(), kind, ctx.clock.now()).await? {
            Some(row) => row,
            None if auth_tokens::exists(&ctx.db.pool, &token.hash()).await? => {
                return Err(invite_gone());
            }
            None => return Err(AppError::NotFound),
        };
    let agency = agencies::get(&ctx.db.pool, row.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((token, row, agency))
}

/// The invited person sets their name and password and is signed in. `Err(errors)`:
/// what to correct.
#[tracing::instrument(skip_all)]
pub async fn accept(
    ctx: &Ctx,
    raw: &str,
    name: &str,
    password: &str,
    confirm: &str,
    ip: &str,
) -> AppResult<Result<SecretToken, Vec<String>>> {
    let (token, _, _) = usable_invite(ctx, raw).await?;
    let mut errors = Vec::new();
    let name = BoundedText::parse_line(name, "Your name", 120, true)
        .map_err(|e| errors.push(e))
        .ok();
    let password = NewPassword::parse(password, confirm)
        .map_err(|e| errors.push(e.to_string()))
        .ok();
    let (Some(name), Some(password)) = (name, password) else {
        return Ok(Err(errors));
    };
    let hash = ctx.hasher.hash(password.expose()).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let Some(row) =
        auth_tokens::consume(&mut *tx, &token.hash(), auth_tokens::KIND_INVITE, now).await?
    else {
        return Err(invite_gone());
    };
    let role = row
        .role
        .as_deref()
        .and_then(Role::parse)
        .unwrap_or(Role::Member);
    let inserted = users::insert(
        &mut *tx,
        row.agency_id,
        &row.email,
        name.as_str(),
        &hash,
        role,
        now,
    )
    .await;
    let user_id = match inserted {
        Ok(id) => id,
        Err(e) if store::is_unique_violation(&e) => {
            return Err(AppError::BadRequest(
                "An account with this e-mail already exists. Log in instead.".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let session = new_session(&mut tx, user_id, row.agency_id, ip, now).await?;
    let who = format!("{} <{}>", name.as_str(), row.email);
    audit_as(
        &mut tx,
        Some(row.agency_id),
        &who,
        ip,
        "team.joined",
        role.as_str(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(session))
}

/// Whom something sent with an API key speaks as: the member with `email` (one of the
/// agency's people now, so replies reach them), or, when nobody is named, the agency itself
/// (never the key's name). `Err` says why the named address cannot be used.
pub async fn speaker(
    ctx: &Ctx,
    actor: &Actor,
    email: Option<&str>,
) -> AppResult<Result<Actor, FieldError>> {
    let mut speaker = actor.clone();
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else {
        let agency = agencies::get(&ctx.db.pool, actor.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        speaker.user_id = None;
        speaker.name = agency.public_name().to_owned();
        return Ok(Ok(speaker));
    };
    match users::by_email(&ctx.db.pool, &email.to_lowercase()).await? {
        Some(u) if u.agency_id == actor.agency_id => {
            speaker.user_id = Some(u.id);
            speaker.name = u.name;
            Ok(Ok(speaker))
        }
        _ => Ok(Err(FieldError::new(
            "sender_email",
            format!(
                "{email} is not one of your agency's people. Name a member of your team, or leave it out to send as the agency."
            ),
        ))),
    }
}
