//! The agency's team: invitations (7 days, single use), roles, removal.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AppResult;
use super::layout::{Layout, render, render_status};
use super::session::{self, ClientIp, CsrfToken, Manager};
use super::{AppError, AppState};
use crate::clock::format_utc;
use crate::domain::{BoundedText, EmailAddress, NewPassword, Role, SecretToken};
use crate::mail::templates;
use crate::store::{self, agencies, audit, auth_tokens, sessions, users};

const INVITE_PREFIX: &str = "lki";
const INVITE_TTL: i64 = 7 * 24 * 60 * 60;

struct MemberView {
    id: i64,
    name: String,
    email: String,
    role: Role,
    is_you: bool,
    since: String,
}

struct InviteView {
    token_hash: String,
    email: String,
    role: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "team/list.html")]
struct TeamPage {
    layout: Layout,
    members: Vec<MemberView>,
    invites: Vec<InviteView>,
    roles: Vec<Role>,
    invite_email: String,
    invite_role: String,
    errors: Vec<String>,
    me_role: Role,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

async fn team_page(
    st: &AppState,
    staff: &super::session::Staff,
    notice: Option<&str>,
    invite_email: String,
    invite_role: String,
    errors: Vec<String>,
) -> AppResult<TeamPage> {
    let now = st.clock.now();
    let members = users::list(&st.db.pool, staff.agency_id)
        .await?
        .into_iter()
        .map(|u| MemberView {
            id: u.id,
            is_you: u.id == staff.user_id,
            role: Role::parse(&u.role).unwrap_or(Role::Member),
            since: format_utc(u.created_at),
            name: u.name,
            email: u.email,
        })
        .collect();
    let invites = auth_tokens::pending_invites(&st.db.pool, staff.agency_id, now)
        .await?
        .into_iter()
        .map(|t| InviteView {
            token_hash: t.token_hash,
            email: t.email,
            role: t
                .role
                .as_deref()
                .and_then(Role::parse)
                .map_or("Member", Role::label)
                .to_owned(),
            expires: format_utc(t.expires_at),
        })
        .collect();
    Ok(TeamPage {
        layout: Layout::staff(staff, "Team", "team").with_notice(notice),
        members,
        invites,
        roles: Role::ALL
            .into_iter()
            .filter(|r| staff.role.may_assign(*r))
            .collect(),
        invite_email,
        invite_role,
        errors,
        me_role: staff.role,
    })
}

pub async fn list(
    State(st): State<AppState>,
    Manager(staff): Manager,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    render(
        &team_page(
            &st,
            &staff,
            q.notice.as_deref(),
            String::new(),
            "member".into(),
            vec![],
        )
        .await?,
    )
}

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub async fn invite(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let mut errors = Vec::new();
    let email = EmailAddress::parse(&form.email)
        .map_err(|e| errors.push(e.to_owned()))
        .ok();
    let role = Role::parse(&form.role).filter(|r| staff.role.may_assign(*r));
    if role.is_none() {
        errors.push("Choose a role you are allowed to give.".to_owned());
    }
    if let Some(e) = &email
        && users::by_email(&st.db.pool, e.as_str()).await?.is_some()
    {
        errors.push("Someone with that e-mail already has a Latchkey account.".to_owned());
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        let page = team_page(&st, &staff, None, form.email, form.role, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let now = st.clock.now();
    let token = SecretToken::generate(INVITE_PREFIX);
    let mut tx = st.db.begin().await?;
    let agency = agencies::get(&mut *tx, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    auth_tokens::insert(
        &mut *tx,
        &token.hash(),
        auth_tokens::KIND_INVITE,
        staff.agency_id,
        None,
        email.as_str(),
        Some(role.as_str()),
        now + INVITE_TTL,
        now,
    )
    .await?;
    let link = format!("{}/invite/{}", st.base_url, token.expose());
    let brand = templates::Brand {
        agency_name: agency.name,
        accent_color: agency.accent_color,
    };
    let message = templates::invite(&brand, email.as_str(), &staff.name, role.label(), &link)?;
    st.queue_mail(&mut tx, Some(staff.agency_id), &message, now)
        .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "team.invited",
            target: &format!("{} as {}", email.as_str(), role.as_str()),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    st.mailer.wake();
    Ok(Redirect::to("/team?notice=invited").into_response())
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    token_hash: String,
}

pub async fn revoke_invite(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(form): Form<RevokeForm>,
) -> AppResult<Response> {
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    if !auth_tokens::revoke_invite(&mut *tx, staff.agency_id, &form.token_hash, now).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "team.invite_revoked",
            target: "invitation",
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/team?notice=invite_revoked").into_response())
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn set_role(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> AppResult<Response> {
    let target = users::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = Role::parse(&target.role).unwrap_or(Role::Member);
    let Some(new_role) = Role::parse(&form.role) else {
        return Err(AppError::BadRequest(
            "Choose owner, admin or member.".into(),
        ));
    };
    if !staff.role.may_assign(new_role) || !staff.role.may_assign(current) {
        return Err(AppError::Forbidden(
            "Only owners can change an owner's role or make someone an owner.",
        ));
    }
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    if current == Role::Owner
        && new_role != Role::Owner
        && users::count_owners(&mut *tx, staff.agency_id).await? <= 1
    {
        return Err(AppError::BadRequest(
            "An agency needs at least one owner. Make someone else an owner first.".into(),
        ));
    }
    users::set_role(&mut *tx, staff.agency_id, id, new_role.as_str()).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "team.role_changed",
            target: &format!("{} → {}", target.email, new_role.as_str()),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/team?notice=role_changed").into_response())
}

#[derive(Template)]
#[template(path = "team/remove.html")]
struct RemovePage {
    layout: Layout,
    id: i64,
    name: String,
    email: String,
}

async fn removable(
    st: &AppState,
    staff: &super::session::Staff,
    id: i64,
) -> AppResult<users::User> {
    let target = users::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if target.id == staff.user_id {
        return Err(AppError::BadRequest(
            "You cannot remove yourself. Ask another owner or admin.".into(),
        ));
    }
    if !staff
        .role
        .may_assign(Role::parse(&target.role).unwrap_or(Role::Member))
    {
        return Err(AppError::Forbidden("Only owners can remove an owner."));
    }
    Ok(target)
}

pub async fn remove_confirm(
    State(st): State<AppState>,
    Manager(staff): Manager,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let target = removable(&st, &staff, id).await?;
    render(&RemovePage {
        layout: Layout::staff(&staff, "Remove team member", "team"),
        id,
        name: target.name,
        email: target.email,
    })
}

pub async fn remove(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let target = removable(&st, &staff, id).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    // Their sessions end with them: explicitly, not only through the cascade.
    sessions::delete_for_user(&mut *tx, target.id, "").await?;
    users::delete(&mut *tx, staff.agency_id, target.id).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "team.removed",
            target: &target.email,
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/team?notice=member_removed").into_response())
}

#[derive(Template)]
#[template(path = "team/accept.html")]
struct AcceptPage {
    layout: Layout,
    agency_name: String,
    email: String,
    role: String,
    name: String,
    errors: Vec<String>,
}

fn invite_gone() -> AppError {
    AppError::Gone {
        title: "This invitation has expired or was already used".to_owned(),
        message: "Invitations work once, for 7 days. Ask your agency's owner or admin to invite you again.".to_owned(),
    }
}

async fn usable_invite(
    st: &AppState,
    raw: &str,
) -> AppResult<(SecretToken, auth_tokens::AuthToken, agencies::Agency)> {
    let token = SecretToken::from_presented(INVITE_PREFIX, raw).ok_or(AppError::NotFound)?;
    let row = match auth_tokens::find_usable(
        &st.db.pool,
        &token.hash(),
        auth_tokens::KIND_INVITE,
        st.clock.now(),
    )
    .await?
    {
        Some(row) => row,
        None if auth_tokens::exists(&st.db.pool, &token.hash()).await? => return Err(invite_gone()),
        None => return Err(AppError::NotFound),
    };
    let agency = agencies::get(&st.db.pool, row.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((token, row, agency))
}

pub async fn accept_form(
    State(st): State<AppState>,
    csrf: CsrfToken,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (_, row, agency) = usable_invite(&st, &raw).await?;
    render(&AcceptPage {
        layout: Layout::anon(&csrf.0, "Join your team"),
        agency_name: agency.name,
        email: row.email,
        role: row
            .role
            .as_deref()
            .and_then(Role::parse)
            .map_or("Member", Role::label)
            .to_owned(),
        name: String::new(),
        errors: vec![],
    })
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn accept(
    State(st): State<AppState>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let (token, row, agency) = usable_invite(&st, &raw).await?;
    let mut errors = Vec::new();
    let name = BoundedText::parse_line(&form.name, "Your name", 120, true)
        .map_err(|e| errors.push(e))
        .ok();
    let password = NewPassword::parse(&form.password, &form.confirm)
        .map_err(|e| errors.push(e.to_string()))
        .ok();
    let (Some(name), Some(password)) = (name, password) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AcceptPage {
                layout: Layout::anon(&csrf.0, "Join your team"),
                agency_name: agency.name,
                email: row.email,
                role: row
                    .role
                    .as_deref()
                    .and_then(Role::parse)
                    .map_or("Member", Role::label)
                    .to_owned(),
                name: form.name,
                errors,
            },
        );
    };
    let hash = st.hasher.hash(password.expose()).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
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
    let user_id = match users::insert(
        &mut *tx,
        row.agency_id,
        &row.email,
        name.as_str(),
        &hash,
        role.as_str(),
        now,
    )
    .await
    {
        Ok(id) => id,
        Err(e) if store::is_unique_violation(&e) => {
            return Err(AppError::BadRequest(
                "An account with this e-mail already exists. Log in instead.".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let cookie = session::start(&mut tx, &st.web, user_id, row.agency_id, now).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(row.agency_id),
            actor: &format!("{} <{}>", name.as_str(), row.email),
            action: "team.joined",
            target: role.as_str(),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    let mut resp = Redirect::to("/?notice=welcome").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}
