//! Clients: list with search and pages, create, edit, archive and restore.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::{AppResult, urlencode};
use super::layout::{Layout, render, render_status};
use super::session::{ClientIp, Staff};
use super::{AppError, AppState};
use crate::clock::format_utc;
use crate::domain::{BoundedText, EmailAddress};
use crate::store::audit;
use crate::store::clients::{self, Client, ClientFields, ClientQuery};

const PER_PAGE: i64 = 25;

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    archived: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "clients/list.html")]
struct ListPage {
    layout: Layout,
    clients: Vec<Client>,
    q: String,
    archived: bool,
    page: i64,
    prev_url: Option<String>,
    next_url: Option<String>,
    archived_url: String,
    active_url: String,
}

fn list_url(q: &str, archived: bool, page: i64) -> String {
    let mut url = format!("/clients?page={page}");
    if !q.is_empty() {
        url.push_str(&format!("&q={}", urlencode(q)));
    }
    if archived {
        url.push_str("&archived=1");
    }
    url
}

pub async fn list(
    State(st): State<AppState>,
    staff: Staff,
    Query(lq): Query<ListQuery>,
) -> AppResult<Response> {
    let q: String = lq.q.trim().chars().take(100).collect();
    let archived = lq.archived.as_deref() == Some("1");
    let page_no = lq.page.unwrap_or(1).clamp(1, 100_000);
    let page = clients::list(
        &st.db.pool,
        staff.agency_id,
        &ClientQuery {
            search: q.clone(),
            archived,
            page: page_no,
        },
        PER_PAGE,
    )
    .await?;
    render(&ListPage {
        layout: Layout::staff(&staff, "Clients", "clients").with_notice(lq.notice.as_deref()),
        prev_url: (page.page > 1).then(|| list_url(&q, archived, page.page - 1)),
        next_url: page.has_next.then(|| list_url(&q, archived, page.page + 1)),
        archived_url: list_url("", true, 1),
        active_url: list_url("", false, 1),
        clients: page.items,
        q,
        archived,
        page: page.page,
    })
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct ClientForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    notes: String,
}

struct ValidClient {
    name: BoundedText,
    contact_name: BoundedText,
    contact_email: EmailAddress,
    notes: BoundedText,
}

impl ClientForm {
    fn validate(&self) -> Result<ValidClient, Vec<String>> {
        let mut errors = Vec::new();
        let name = BoundedText::parse_line(&self.name, "Client name", 120, true)
            .map_err(|e| errors.push(e))
            .ok();
        let contact_name = BoundedText::parse_line(&self.contact_name, "Contact name", 120, false)
            .map_err(|e| errors.push(e))
            .ok();
        let contact_email = EmailAddress::parse(&self.contact_email)
            .map_err(|e| errors.push(format!("Contact e-mail: {e}")))
            .ok();
        let notes = BoundedText::parse(&self.notes, "Notes", 4000, false)
            .map_err(|e| errors.push(e))
            .ok();
        match (name, contact_name, contact_email, notes) {
            (Some(name), Some(contact_name), Some(contact_email), Some(notes)) => Ok(ValidClient {
                name,
                contact_name,
                contact_email,
                notes,
            }),
            _ => Err(errors),
        }
    }
}

impl ValidClient {
    fn fields(&self) -> ClientFields<'_> {
        ClientFields {
            name: self.name.as_str(),
            contact_name: self.contact_name.as_str(),
            contact_email: self.contact_email.as_str(),
            notes: self.notes.as_str(),
        }
    }
}

#[derive(Template)]
#[template(path = "clients/form.html")]
struct FormPage {
    layout: Layout,
    /// `None` when creating.
    id: Option<i64>,
    form: ClientForm,
    errors: Vec<String>,
}

pub async fn new_form(staff: Staff) -> AppResult<Response> {
    render(&FormPage {
        layout: Layout::staff(&staff, "Add a client", "clients"),
        id: None,
        form: ClientForm::default(),
        errors: vec![],
    })
}

pub async fn create(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(form): Form<ClientForm>,
) -> AppResult<Response> {
    let valid = match form.validate() {
        Ok(v) => v,
        Err(errors) => {
            // The form comes back with everything typed, so nothing is lost.
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    layout: Layout::staff(&staff, "Add a client", "clients"),
                    id: None,
                    form,
                    errors,
                },
            );
        }
    };
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    let id = clients::insert(&mut *tx, staff.agency_id, &valid.fields(), now).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "client.created",
            target: valid.name.as_str(),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/clients/{id}?notice=client_created")).into_response())
}

#[derive(Template)]
#[template(path = "clients/show.html")]
struct ShowPage {
    layout: Layout,
    client: Client,
    created: String,
    archived_on: Option<String>,
    grants: Vec<super::requests::GrantRow>,
    partner_count: usize,
    user_count: usize,
    migration: String,
    migration_status: String,
    migration_date: String,
    grace_days: i64,
    flagged: usize,
    history: Vec<(String, String, String, String)>,
    /// The client's latest word on the move: what, who, when. Never the record itself.
    statement: Option<(String, String, String)>,
}

async fn load(st: &AppState, staff: &Staff, id: i64) -> AppResult<Client> {
    clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn show(
    State(st): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let client = load(&st, &staff, id).await?;
    let grants = crate::store::grants::for_client(&st.db.pool, staff.agency_id, id).await?;
    let live = |g: &&crate::store::grants::Grant| {
        matches!(g.status.as_str(), "active" | "pending" | "needs_reauth")
    };
    let partner_count = grants
        .iter()
        .filter(live)
        .filter(|g| g.mode == "partner")
        .count();
    let user_count = grants
        .iter()
        .filter(live)
        .filter(|g| g.mode == "user")
        .count();
    let (migration_status, migration_day) = clients::migration(&st.db.pool, staff.agency_id, id)
        .await?
        .unwrap_or_default();
    let grace_days = clients::grace_days(&st.db.pool, staff.agency_id, id).await?;
    let flagged = grants.iter().filter(|g| g.status == "needs_reauth").count();
    let migration = match Some((migration_status.clone(), migration_day)) {
        Some((status, date)) => {
            let when = date.map(crate::clock::format_day).unwrap_or_default();
            match status.as_str() {
                "planned" if when.is_empty() => "Planned".to_owned(),
                "planned" => format!("Planned for {when}"),
                "migrating" => format!("Migrating since {when}"),
                "migrated" => format!("Migrated on {when}"),
                _ => "Not started".to_owned(),
            }
        }
        None => "Not started".to_owned(),
    };
    let statement = crate::store::statements::latest(&st.db.pool, staff.agency_id, id)
        .await?
        .map(|s| {
            let words = crate::domain::migration::MigrationStatus::parse(&s.status)
                .map_or("", crate::actions::approval::status_words);
            let said = match s.day {
                Some(d) => format!("{words} ({})", crate::clock::format_day(d)),
                None => words.to_owned(),
            };
            (said, s.person_name, format_utc(s.created_at))
        });
    render(&ShowPage {
        statement,
        layout: Layout::staff(&staff, client.name.clone(), "clients")
            .with_notice(q.notice.as_deref()),
        created: format_utc(client.created_at),
        archived_on: client.archived_at.map(format_utc),
        grants: grants
            .iter()
            .map(super::requests::GrantRow::from_grant)
            .collect(),
        partner_count,
        user_count,
        migration,
        migration_status,
        migration_date: migration_day
            .map(crate::clock::format_iso_day)
            .unwrap_or_default(),
        grace_days,
        flagged,
        history: crate::store::grants::client_history(&st.db.pool, staff.agency_id, id, 50)
            .await?
            .into_iter()
            .map(|(a, s, d, t)| (a, s.replace('_', " "), d, format_utc(t)))
            .collect(),
        client,
    })
}

pub async fn edit_form(
    State(st): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let c = load(&st, &staff, id).await?;
    render(&FormPage {
        layout: Layout::staff(&staff, format!("Edit {}", c.name), "clients"),
        id: Some(id),
        form: ClientForm {
            name: c.name,
            contact_name: c.contact_name,
            contact_email: c.contact_email,
            notes: c.notes,
        },
        errors: vec![],
    })
}

pub async fn update(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<ClientForm>,
) -> AppResult<Response> {
    let existing = load(&st, &staff, id).await?;
    let valid = match form.validate() {
        Ok(v) => v,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    layout: Layout::staff(&staff, format!("Edit {}", existing.name), "clients"),
                    id: Some(id),
                    form,
                    errors,
                },
            );
        }
    };
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    if !clients::update(&mut *tx, staff.agency_id, id, &valid.fields(), now).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "client.updated",
            target: valid.name.as_str(),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/clients/{id}?notice=saved")).into_response())
}

#[derive(Template)]
#[template(path = "clients/archive.html")]
struct ArchivePage {
    layout: Layout,
    client: Client,
}

pub async fn archive_confirm(
    State(st): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let client = load(&st, &staff, id).await?;
    render(&ArchivePage {
        layout: Layout::staff(&staff, format!("Archive {}", client.name), "clients"),
        client,
    })
}

async fn set_archived(
    st: &AppState,
    staff: &Staff,
    ip: &str,
    id: i64,
    archive: bool,
) -> AppResult<Response> {
    let client = load(st, staff, id).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    clients::set_archived(&mut *tx, staff.agency_id, id, archive.then_some(now), now).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: if archive {
                "client.archived"
            } else {
                "client.restored"
            },
            target: &client.name,
            ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    let notice = if archive {
        "client_archived"
    } else {
        "client_restored"
    };
    Ok(Redirect::to(&format!("/clients/{id}?notice={notice}")).into_response())
}

pub async fn archive(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_archived(&st, &staff, &ip, id, true).await
}

pub async fn restore(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_archived(&st, &staff, &ip, id, false).await
}
