//! A new access request, agency side: the form (from a client, a template or nothing),
//! creating it, and the link shown once after (Post/Redirect/Get).

use crate::actions::Ctx;

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::{
    self,
    flash::{self, Shown},
    requests::{Draft, Issued},
};
use crate::domain::access::{AccessLevel, AssetKind, GrantMode};
use crate::error::FieldError;
use crate::i18n::Lang;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, Staff};

pub(crate) struct KindRow {
    pub(crate) kind: &'static str,
    pub(crate) label: &'static str,
    pub(crate) checked: bool,
    pub(crate) level: String,
    /// The kind has no levels (a Google Ads manager link is one thing).
    pub(crate) levelled: bool,
    /// What the agency must set up first, if anything.
    pub(crate) unready: Option<&'static str>,
}

struct ClientOption {
    id: i64,
    name: String,
    selected: bool,
}

pub(crate) struct PersonOption {
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) checked: bool,
}

/// The choices a request form and a template form share (`requests/_choices.html`).
pub(crate) struct ChoiceFields {
    pub(crate) kinds: Vec<KindRow>,
    pub(crate) levels: Vec<AccessLevel>,
    pub(crate) people: Vec<PersonOption>,
    pub(crate) mode: String,
    pub(crate) expiry_days: String,
    pub(crate) single_use: bool,
    pub(crate) message: String,
    /// The client's language as chosen ("": their browser decides), with the choices.
    pub(crate) language: String,
    pub(crate) languages: &'static [Lang],
    pub(crate) portfolio_missing: bool,
    /// A template names no people; the request made from it does.
    pub(crate) for_template: bool,
}

#[derive(Template)]
#[template(path = "requests/new.html")]
struct NewPage {
    layout: Layout,
    clients: Vec<ClientOption>,
    choice: ChoiceFields,
    delivery: String,
    /// Templates to start from: (id, name).
    templates: Vec<(i64, String)>,
    client_id: Option<i64>,
    errors: Vec<FieldError>,
}

/// Reads the form's repeated fields (`kind`, `level_<kind>`, `person`).
pub(crate) fn draft_from_pairs(pairs: &[(String, String)]) -> Draft {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |k: &str| {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    Draft {
        client_id: get("client_id").parse().ok(),
        kinds: all("kind")
            .into_iter()
            .map(|k| {
                let level = get(&format!("level_{k}"));
                (k, level)
            })
            .collect(),
        mode: get("mode"),
        people: all("person"),
        expiry_days: get("expiry_days"),
        single_use: get("single_use") == "1",
        message: get("message"),
        delivery: get("delivery"),
        language: get("language"),
    }
}

async fn new_page(
    st: &Ctx,
    staff: &Staff,
    form: Draft,
    errors: Vec<FieldError>,
) -> AppResult<NewPage> {
    let c = actions::requests::form_context(st, staff.agency_id).await?;
    let fresh = form.kinds.is_empty() && errors.is_empty();
    // A request for a known client starts in the language remembered for it.
    let remembered = c
        .clients
        .iter()
        .find(|cl| Some(cl.id) == form.client_id)
        .and_then(|cl| cl.language.clone())
        .filter(|_| fresh)
        .unwrap_or_default();
    let templates = actions::request_templates::list(st, staff.agency_id)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let clients = c
        .clients
        .iter()
        .map(|cl| ClientOption {
            selected: Some(cl.id) == form.client_id,
            id: cl.id,
            name: cl.name.clone(),
        })
        .collect();
    let delivery = or(form.delivery.clone(), "email".into());
    let client_id = form.client_id;
    Ok(NewPage {
        layout: Layout::staff(staff, "New access request", "requests"),
        clients,
        choice: choice_fields(form, fresh, &c, remembered, false),
        delivery,
        templates,
        client_id,
        errors,
    })
}

/// What was typed, else the default.
fn or(typed: String, default: String) -> String {
    if typed.is_empty() { default } else { typed }
}

/// The shared choices as typed (or, on a fresh form, the agency's defaults).
pub(crate) fn choice_fields(
    form: Draft,
    fresh: bool,
    c: &actions::requests::FormContext,
    remembered: String,
    for_template: bool,
) -> ChoiceFields {
    ChoiceFields {
        kinds: kind_rows(&form, fresh, c),
        levels: AccessLevel::ALL.to_vec(),
        people: c
            .team
            .iter()
            .map(|u| PersonOption {
                checked: form.people.contains(&u.email),
                email: u.email.clone(),
                name: u.name.clone(),
            })
            .collect(),
        mode: or(form.mode, GrantMode::Partner.as_str().into()),
        expiry_days: or(form.expiry_days, c.agency.default_expiry_days.to_string()),
        single_use: form.single_use || fresh,
        message: form.message,
        language: or(form.language, remembered),
        languages: &Lang::ALL,
        portfolio_missing: c.agency.portfolio_id.is_none(),
        for_template,
    }
}

/// One row per asset kind, as ticked (a fresh form asks for Pages and ad accounts, the
/// common case, at the agency's default level).
fn kind_rows(form: &Draft, fresh: bool, c: &actions::requests::FormContext) -> Vec<KindRow> {
    let default_level = c.agency.default_level;
    c.kinds
        .iter()
        .map(|k| {
            let chosen = form.kinds.iter().find(|(kk, _)| kk == k.as_str());
            KindRow {
                kind: k.as_str(),
                label: k.plural_label(),
                checked: chosen.is_some()
                    || (fresh && matches!(k, AssetKind::Page | AssetKind::AdAccount)),
                level: chosen.map_or_else(|| default_level.as_str().to_owned(), |(_, l)| l.clone()),
                levelled: *k != AssetKind::GoogleAds,
                unready: c.unready.iter().find(|(u, _)| u == k).map(|(_, why)| *why),
            }
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    client_id: Option<i64>,
    /// Start from one of the agency's templates.
    template: Option<i64>,
}

pub async fn new_form(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    if let Some(id) = q.client_id {
        crate::actions::clients::get(&st, staff.agency_id, id).await?;
    }
    let form = match q.template {
        Some(id) => {
            let t = actions::request_templates::get(&st, staff.agency_id, id).await?;
            actions::request_templates::draft_from(&t, q.client_id)
        }
        None => Draft {
            client_id: q.client_id,
            ..Draft::default()
        },
    };
    render(&new_page(&st, &staff, form, vec![]).await?)
}

#[derive(Template)]
#[template(path = "requests/link.html")]
struct LinkPage {
    layout: Layout,
    request_id: i64,
    client_name: String,
    /// The link, the one time it is shown; `None` once it was (a reload, the back button).
    link: Option<String>,
    emailed_to: Option<String>,
    expires: String,
}

pub async fn create(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let draft = draft_from_pairs(&pairs);
    match actions::requests::create(&st, &staff.acting(&ip), &draft).await? {
        Ok(issued) => show_once(&st, &staff, issued, false).await,
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&st, &staff, draft, errors).await?,
        ),
    }
}

/// Post/Redirect/Get: the link waits in a flash for the page the POST redirects to.
pub(super) async fn show_once(
    st: &Ctx,
    staff: &Staff,
    issued: Issued,
    fresh: bool,
) -> AppResult<Response> {
    let shown = Shown::Link {
        request_id: issued.id,
        client_name: issued.client_name,
        link: issued.link,
        emailed_to: issued.emailed_to,
        expires_at: issued.expires_at,
        fresh,
    };
    let flash = flash::put(st, staff.user_id, &shown).await?;
    Ok(Redirect::to(&format!("/requests/{}/link?shown={flash}", issued.id)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ShownQuery {
    #[serde(default)]
    shown: String,
}

/// `/requests/<id>/link`: the link a POST just made, shown once; afterwards, where it went.
pub async fn link(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<ShownQuery>,
) -> AppResult<Response> {
    let r = super::requests::load(&st, &staff, id).await?;
    let page = match flash::take(&st, staff.user_id, &q.shown).await? {
        Some(Shown::Link {
            request_id,
            client_name,
            link,
            emailed_to,
            expires_at,
            fresh,
        }) if request_id == id => LinkPage {
            layout: Layout::staff(
                &staff,
                if fresh { "Your new link" } else { "Your link" },
                "requests",
            ),
            request_id,
            client_name,
            link: Some(link),
            emailed_to,
            expires: staff.when(expires_at),
        },
        _ => LinkPage {
            layout: Layout::staff(&staff, "Your link", "requests"),
            request_id: id,
            client_name: r.client_name,
            link: None,
            emailed_to: None,
            expires: staff.when(r.expires_at),
        },
    };
    render(&page)
}
