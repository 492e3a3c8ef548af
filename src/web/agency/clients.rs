//! Clients: list with search and pages, create, edit, archive and restore.

use super::NoticeQuery;
use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::requests::GrantRow;
use crate::actions::approval::status_words;
use crate::actions::clients::{self as clients_uc, NotAdded};
use crate::actions::clients::{Client, ClientQuery, Signal, Statement};
use crate::actions::grants::Grant;
use crate::actions::migration;
use crate::clock::{format_day, format_iso_day};
use crate::domain::GrantStatus;
use crate::domain::access::GrantMode;
use crate::domain::migration::MigrationStatus;
use crate::error::FieldError;
use crate::web::error::{AppResult, urlencode};
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, Staff};

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
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(lq): Query<ListQuery>,
) -> AppResult<Response> {
    let q: String = lq.q.trim().chars().take(100).collect();
    let archived = lq.archived.as_deref() == Some("1");
    let page_no = lq.page.unwrap_or(1).clamp(1, 100_000);
    let page = crate::actions::clients::list(
        &st,
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
    /// "1" once staff saw the clients alike and add this one anyway.
    #[serde(default)]
    allow_duplicate: String,
}

impl ClientForm {
    fn typed(&self) -> clients_uc::Typed {
        clients_uc::Typed {
            name: self.name.clone(),
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            notes: self.notes.clone(),
            allow_duplicate: self.allow_duplicate == "1",
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
    errors: Vec<FieldError>,
    /// Clients with the same name or e-mail, to look at before adding another: (id, name, e-mail).
    alike: Vec<(i64, String, String)>,
}

pub async fn new_form(staff: Staff) -> AppResult<Response> {
    render(&FormPage {
        layout: Layout::staff(&staff, "Add a client", "clients"),
        id: None,
        form: ClientForm::default(),
        errors: vec![],
        alike: vec![],
    })
}

pub async fn create(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(form): Form<ClientForm>,
) -> AppResult<Response> {
    match clients_uc::create(&st, &staff.acting(&ip), &form.typed()).await? {
        Ok(id) => Ok(Redirect::to(&format!("/clients/{id}?notice=client_created")).into_response()),
        // The form comes back with everything typed, so nothing is lost.
        Err(refused) => {
            let (errors, alike) = match refused {
                NotAdded::Invalid(errors) => (errors, vec![]),
                NotAdded::LooksLike(alike) => (vec![], alike),
            };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    layout: Layout::staff(&staff, "Add a client", "clients"),
                    id: None,
                    form,
                    errors,
                    alike,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "clients/show.html")]
struct ShowPage {
    layout: Layout,
    client: Client,
    created: String,
    archived_on: Option<String>,
    grants: Vec<GrantRow>,
    partner_count: usize,
    user_count: usize,
    migration: String,
    migration_status: String,
    migration_date: String,
    /// Where the record came from and when: "set by staff (Ava Agency), 1 December 2026".
    recorded: Option<String>,
    people_deadline: String,
    deadline_source: String,
    activated_on: String,
    activated_source: String,
    /// The due date of user-based grants and what it rests on.
    due: Option<(String, String, bool)>,
    /// When integrations through a person's own login stop (activation + 30 days).
    integrations_due: Option<String>,
    flagged: usize,
    lapsed: usize,
    /// Open signals from Meta: (id, evidence).
    signals: Vec<(i64, String)>,
    history: Vec<Row4>,
    /// The client's latest word on the move: what, who, when. Never the record itself.
    statement: Option<(String, String, String)>,
    /// What was wrong with the migration form just sent (its values are kept above).
    migration_errors: Vec<FieldError>,
    /// The migration form starts unfolded: a move is on record, or it needs correcting.
    migration_open: bool,
    /// Staff have recorded the move: a signal from Meta can no longer add to it.
    recorded_move: bool,
}

impl ShowPage {
    /// The migration form's error beside `field`, if any.
    fn err(&self, field: &str) -> Option<&str> {
        FieldError::for_field(&self.migration_errors, field)
    }
}

/// The migration form as sent, to show again beside its errors.
pub struct MigrationValues {
    pub status: String,
    pub date: String,
    pub people_deadline: String,
    pub deadline_source: String,
    pub activated_on: String,
    pub activated_source: String,
}

async fn load(st: &Ctx, staff: &Staff, id: i64) -> AppResult<Client> {
    clients_uc::get(st, staff.agency_id, id).await
}

pub async fn show(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut page = show_page(&st, &staff, id).await?;
    page.layout = page.layout.with_notice(q.notice.as_deref());
    render(&page)
}

/// The client's page again, with the migration form as sent and each error beside its
/// field (422): nothing typed is lost.
pub async fn show_with_migration_errors(
    st: &Ctx,
    staff: &Staff,
    id: i64,
    sent: MigrationValues,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let mut page = show_page(st, staff, id).await?;
    page.migration_status = sent.status;
    page.migration_date = sent.date;
    page.people_deadline = sent.people_deadline;
    page.deadline_source = sent.deadline_source;
    page.activated_on = sent.activated_on;
    page.activated_source = sent.activated_source;
    page.migration_errors = errors;
    page.migration_open = true;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn show_page(st: &Ctx, staff: &Staff, id: i64) -> AppResult<ShowPage> {
    let o = clients_uc::overview(st, staff.agency_id, id).await?;
    let live_in = |mode: GrantMode| {
        let live = |g: &&Grant| g.status.is_live() && g.mode == mode;
        o.grants.iter().filter(live).count()
    };
    let is_flagged = |g: &&Grant| g.status == GrantStatus::NeedsReauth;
    let is_lapsed = |g: &&Grant| g.status == GrantStatus::Lapsed;
    let row = o.migration.as_ref();
    let rec = row.map(|r| r.record());
    let status = rec.map_or(MigrationStatus::NotStarted, |r| r.status);
    let day = rec.and_then(|r| r.day);
    let iso = |d: Option<i64>| d.map(format_iso_day).unwrap_or_default();
    Ok(ShowPage {
        layout: Layout::staff(staff, o.client.name.clone(), "clients"),
        migration_errors: Vec::new(),
        migration_open: status != MigrationStatus::NotStarted,
        recorded_move: row.is_some_and(|r| r.migration_recorded_at.is_some())
            && status != MigrationStatus::NotStarted,
        created: staff.when(o.client.created_at),
        archived_on: o.client.archived_at.map(|t| staff.when(t)),
        grants: o.grants.iter().map(GrantRow::from_grant).collect(),
        partner_count: live_in(GrantMode::Partner),
        user_count: live_in(GrantMode::User),
        migration: status.describe(&day.map(format_day).unwrap_or_default()),
        migration_status: status.as_str().to_owned(),
        migration_date: iso(day),
        recorded: row.and_then(|r| {
            r.migration_recorded_at.map(|at| {
                format!(
                    "from {} ({}), {}",
                    r.migration_source.label(),
                    r.migration_recorded_by,
                    format_day(at)
                )
            })
        }),
        people_deadline: iso(rec.and_then(|r| r.people_deadline)),
        deadline_source: row
            .map_or("staff", |r| r.people_deadline_source.as_str())
            .to_owned(),
        activated_on: iso(rec.and_then(|r| r.activated_on)),
        activated_source: row
            .map_or("staff", |r| r.activated_source.as_str())
            .to_owned(),
        due: rec.and_then(|r| r.people_due()).map(|(d, basis)| {
            let why = match (basis.is_estimate(), row) {
                (false, Some(r)) => format!(
                    "{}, given by {}",
                    basis.explain(),
                    r.people_deadline_source.label()
                ),
                _ => basis.explain().to_owned(),
            };
            (migration::due_words(d, basis), why, basis.is_estimate())
        }),
        integrations_due: rec.and_then(|r| r.integrations_due()).map(format_day),
        flagged: o.grants.iter().filter(is_flagged).count(),
        lapsed: o.grants.iter().filter(is_lapsed).count(),
        signals: o.signals.iter().map(|s| (s.id, signal_words(s))).collect(),
        history: o
            .history
            .into_iter()
            .map(|h| history_row(staff, h))
            .collect(),
        statement: o.statement.map(|st| statement_row(staff, st)),
        client: o.client,
    })
}

/// A signal from Meta as evidence, in plain words.
fn signal_words(s: &Signal) -> String {
    let approver = if s.approver_managed == 1 {
        format!("{} approved with a managed work account", s.approver_name)
    } else {
        format!("{} approved with a personal account", s.approver_name)
    };
    format!(
        "Meta lists {} of {} people in {} on managed work accounts; {approver} ({}).",
        s.managed,
        s.people,
        s.business_name,
        format_day(s.observed_at)
    )
}

/// (what they said, who, when) for the client's latest statement.
fn statement_row(staff: &Staff, s: Statement) -> (String, String, String) {
    let words = status_words(s.status);
    let said = match s.day {
        Some(d) => format!("{words} ({})", format_day(d)),
        None => words.to_owned(),
    };
    (said, s.person_name, staff.when(s.created_at))
}

fn history_row(staff: &Staff, (asset, status, detail, at): (String, String, String, i64)) -> Row4 {
    let words = GrantStatus::parse(&status)
        .map_or_else(|| status.replace('_', " "), |s| s.label().to_owned());
    (asset, words, detail, staff.when(at))
}

/// A history line: asset, status, detail, when.
type Row4 = (String, String, String, String);

pub async fn edit_form(
    State(st): State<Arc<Ctx>>,
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
            allow_duplicate: String::new(),
        },
        errors: vec![],
        alike: vec![],
    })
}

pub async fn update(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<ClientForm>,
) -> AppResult<Response> {
    let errors = match clients_uc::update(&st, &staff.acting(&ip), id, &form.typed()).await? {
        Ok(()) => return Ok(Redirect::to(&format!("/clients/{id}?notice=saved")).into_response()),
        Err(errors) => errors,
    };
    let existing = load(&st, &staff, id).await?;
    let page = FormPage {
        layout: Layout::staff(&staff, format!("Edit {}", existing.name), "clients"),
        id: Some(id),
        form,
        errors,
        alike: vec![],
    };
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "clients/archive.html")]
struct ArchivePage {
    layout: Layout,
    client: Client,
}

pub async fn archive_confirm(
    State(st): State<Arc<Ctx>>,
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
    st: &Ctx,
    staff: &Staff,
    ip: &str,
    id: i64,
    archive: bool,
) -> AppResult<Response> {
    clients_uc::set_archived(st, &staff.acting(ip), id, archive).await?;
    let notice = if archive {
        "client_archived"
    } else {
        "client_restored"
    };
    Ok(Redirect::to(&format!("/clients/{id}?notice={notice}")).into_response())
}

pub async fn archive(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_archived(&st, &staff, &ip, id, true).await
}

pub async fn restore(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_archived(&st, &staff, &ip, id, false).await
}
