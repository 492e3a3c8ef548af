//! The agency's team pages: members, invitations, roles, removal, joining.

use crate::actions::Ctx;
use crate::web::WebConfig;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::signed_in;
use crate::actions::assignments::HeldAtMeta;
use crate::actions::flash::{self, Shown};
use crate::actions::team;
use crate::domain::Role;
use crate::domain::access;
use crate::error::FieldError;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, ConfirmedManager, CsrfToken, Manager};

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
    errors: Vec<FieldError>,
    me_role: Role,
    /// What removing someone just did (shown once, after the redirect).
    removed: Option<RemovedView>,
}

struct RemovedView {
    name: String,
    keys_revoked: u64,
    requests_handed_over: u64,
    invites_withdrawn: u64,
    at_meta: Vec<(String, String)>,
    meta_note: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
    #[serde(default)]
    shown: String,
}

async fn team_page(
    st: &Ctx,
    staff: &crate::web::session::Staff,
    notice: Option<&str>,
    invite_email: String,
    invite_role: String,
    errors: Vec<FieldError>,
) -> AppResult<TeamPage> {
    let (members, invites) = team::roster(st, staff.agency_id).await?;
    Ok(TeamPage {
        layout: Layout::staff(staff, "Team", "team").with_notice(notice),
        members: members
            .into_iter()
            .map(|u| MemberView {
                id: u.id,
                is_you: u.id == staff.user_id,
                role: u.role,
                since: staff.when(u.created_at),
                name: u.name,
                email: u.email,
            })
            .collect(),
        invites: invites
            .into_iter()
            .map(|t| InviteView {
                token_hash: t.token_hash,
                email: t.email,
                role: role_label(t.role.as_deref()),
                expires: staff.when(t.expires_at),
            })
            .collect(),
        roles: Role::ALL
            .into_iter()
            .filter(|r| staff.role.may_assign(*r))
            .collect(),
        invite_email,
        invite_role,
        errors,
        me_role: staff.role,
        removed: None,
    })
}

pub async fn list(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut page = team_page(
        &st,
        &staff,
        q.notice.as_deref(),
        String::new(),
        "member".into(),
        vec![],
    )
    .await?;
    if let Some(Shown::TeamRemoved {
        name,
        keys_revoked,
        requests_handed_over,
        invites_withdrawn,
        at_meta,
        meta_note,
    }) = flash::take(&st, staff.user_id, &q.shown).await?
    {
        page.removed = Some(RemovedView {
            name,
            keys_revoked,
            requests_handed_over,
            invites_withdrawn,
            at_meta,
            meta_note,
        });
    }
    render(&page)
}

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub async fn invite(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    match team::invite(&st, &staff.acting(&ip), &form.email, &form.role).await? {
        Ok(()) => Ok(Redirect::to("/team?notice=invited").into_response()),
        Err(errors) => {
            let page = team_page(&st, &staff, None, form.email, form.role, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    token_hash: String,
}

pub async fn revoke_invite(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(form): Form<RevokeForm>,
) -> AppResult<Response> {
    team::revoke_invite(&st, &staff.acting(&ip), &form.token_hash).await?;
    Ok(Redirect::to("/team?notice=invite_revoked").into_response())
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn set_role(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> AppResult<Response> {
    team::set_role(&st, &staff.acting(&ip), id, &form.role).await?;
    Ok(Redirect::to("/team?notice=role_changed").into_response())
}

#[derive(Template)]
#[template(path = "team/remove.html")]
struct RemovePage {
    layout: Layout,
    id: i64,
    name: String,
    email: String,
    /// (key name and prefix, last used)
    keys: Vec<(String, String)>,
    webhooks: Vec<String>,
    /// (request id, client name)
    requests: Vec<(i64, String)>,
    /// (asset, tasks) they are assigned to at Meta: removed on confirm.
    at_meta: Vec<(String, String)>,
    /// What Latchkey cannot see at Meta, and the steps by hand.
    meta_note: Option<String>,
    /// (invited e-mail, expires) of the invitations they sent that are still open.
    invites: Vec<(String, String)>,
}

pub async fn remove_confirm(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (target, radius) = team::blast_radius(&st, &staff.acting(&ip), id).await?;
    render(&RemovePage {
        layout: Layout::staff(&staff, "Remove team member", "team"),
        id,
        name: target.name,
        email: target.email,
        keys: radius
            .keys
            .into_iter()
            .map(|k| {
                let used = k.last_used_at.map_or_else(
                    || "never used".to_owned(),
                    |t| format!("last used {}", staff.when(t)),
                );
                (format!("{} ({}…)", k.name, k.prefix), used)
            })
            .collect(),
        webhooks: radius.webhooks.into_iter().map(|e| e.url).collect(),
        requests: radius
            .open_requests
            .into_iter()
            .map(|r| (r.id, r.client_name))
            .collect(),
        at_meta: match &radius.meta {
            HeldAtMeta::Assigned { assets, .. } => assets
                .iter()
                .map(|a| (a.label.clone(), access::task_words(&a.tasks.join(","))))
                .collect(),
            _ => Vec::new(),
        },
        invites: radius
            .invites
            .iter()
            .map(|t| (t.email.clone(), staff.when(t.expires_at)))
            .collect(),
        meta_note: match radius.meta {
            HeldAtMeta::NotConnected(assets) if !assets.is_empty() => Some(format!(
                "Latchkey has no Meta connection, so it cannot see which of the {} client assets shared with your agency they are assigned to, nor remove them. Connect in Settings first, or afterwards remove them in your Meta Business Settings → Users → People.",
                assets.len()
            )),
            HeldAtMeta::Unknown(why) => Some(format!(
                "Meta did not answer ({why}); Latchkey will try again when you confirm."
            )),
            _ => None,
        },
    })
}

#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    keep_invites: Option<String>,
}

pub async fn remove(
    State(st): State<Arc<Ctx>>,
    ConfirmedManager(staff): ConfirmedManager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<RemoveForm>,
) -> AppResult<Response> {
    let removed = team::remove(&st, &staff.acting(&ip), id, f.keep_invites.is_some()).await?;
    // Post/Redirect/Get: the per-asset result waits in a flash for the team page.
    let shown = Shown::TeamRemoved {
        name: removed.name,
        keys_revoked: removed.keys_revoked,
        requests_handed_over: removed.requests_handed_over,
        invites_withdrawn: removed.invites_withdrawn,
        at_meta: removed.at_meta,
        meta_note: removed.meta_note,
    };
    let flash = flash::put(&st, staff.user_id, &shown).await?;
    Ok(Redirect::to(&format!("/team?notice=member_removed&shown={flash}")).into_response())
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

pub async fn accept_form(
    State(st): State<Arc<Ctx>>,
    csrf: CsrfToken,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (_, row, agency) = team::usable_invite(&st, &raw).await?;
    render(&AcceptPage {
        layout: Layout::anon(&csrf.0, "Join your team"),
        agency_name: agency.name,
        email: row.email,
        role: role_label(row.role.as_deref()),
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
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(f): Form<AcceptForm>,
) -> AppResult<Response> {
    let (_, row, agency) = team::usable_invite(&st, &raw).await?;
    let errors = match team::accept(&st, &raw, &f.name, &f.password, &f.confirm, &ip).await? {
        Ok(session) => return Ok(signed_in(&web, "/?notice=welcome", &session)),
        Err(errors) => errors,
    };
    let page = AcceptPage {
        layout: Layout::anon(&csrf.0, "Join your team"),
        agency_name: agency.name,
        email: row.email,
        role: role_label(row.role.as_deref()),
        name: f.name,
        errors,
    };
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

fn role_label(role: Option<&str>) -> String {
    role.and_then(Role::parse)
        .map_or("Member", Role::label)
        .to_owned()
}
