//! Agency settings: name, Meta business portfolio, brand colour, reminders.

use crate::actions::Ctx;
use std::sync::Arc;

use crate::error::FieldError;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::settings;
use crate::domain::access::AccessLevel;
use crate::web::AppError;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, Manager, Staff};

#[derive(Debug, Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    portfolio_id: String,
    #[serde(default)]
    accent_color: String,
    #[serde(default)]
    reminder_days: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    default_expiry_days: String,
    #[serde(default)]
    default_level: String,
    #[serde(default)]
    time_zone: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    form: SettingsForm,
    errors: Vec<FieldError>,
    agency_id: i64,
    has_logo: bool,
    levels: Vec<AccessLevel>,
    /// Every IANA zone name, for the time zone field's suggestions.
    zones: Vec<&'static str>,
    meta_connected: Option<String>,
    last_verified: Option<String>,
    /// When the connection's token expires, in words, and whether that is near.
    meta_expiry: Option<(String, bool)>,
    sandbox: bool,
    /// Why the token just pasted was refused (beside its field; the token is not shown again).
    meta_error: Option<String>,
    /// Meta set-up checked before the first link: (what, how it stands, ready).
    preflight: Vec<(String, String, bool)>,
    /// Google: offered on this installation; the connected account and since when; why a
    /// connection just failed.
    google_offered: bool,
    google_connected: Option<(String, String)>,
    google_error: Option<String>,
    /// Google set-up: (what, how it stands, ready).
    google_preflight: Vec<(String, String, bool)>,
    /// The Google Ads manager account's id as entered (dashed), and why it was refused.
    ads_manager: String,
    ads_error: Option<String>,
    /// The built-in Google sandbox stands in for Google (its demo manager account is named).
    google_sandbox: bool,
    /// The Google group that receives Analytics and Tag Manager access, and why it was refused.
    google_group: String,
    group_error: Option<String>,
    /// Everyone must sign in with a second factor; only owners may change it.
    require_two_factor: bool,
    owner: bool,
}

/// Days before expiry from which Settings warns.
const EXPIRY_WARNING_DAYS: i64 = 14;

/// ("Does not expire" / "Expires on 12 March 2027", soon) for a token's expiry.
fn token_expiry(expires_at: Option<i64>, now: i64) -> Option<(String, bool)> {
    match expires_at? {
        0 => Some(("The token does not expire.".into(), false)),
        at if at <= now => Some(("The token has expired: connect a new one.".into(), true)),
        at => Some((
            format!("The token expires on {}.", crate::clock::format_day(at)),
            at - now <= EXPIRY_WARNING_DAYS * 86_400,
        )),
    }
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn form(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut page = page(&st, &staff).await?;
    page.layout = page.layout.with_notice(q.notice.as_deref());
    render(&page)
}

/// Settings again (422) with the reason a Meta token was refused beside its field.
pub async fn with_meta_error(st: &Ctx, staff: &Staff, why: String) -> AppResult<Response> {
    let mut page = page(st, staff).await?;
    page.meta_error = Some(why);
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// A Google field of Settings that refuses what was typed.
pub enum GoogleField {
    AdsManager,
    Group,
}

/// Settings again (422) with what was typed in a Google field and why it was refused,
/// beside the field.
pub async fn with_field_error(
    st: &Ctx,
    staff: &Staff,
    field: GoogleField,
    typed: String,
    why: String,
) -> AppResult<Response> {
    let mut page = page(st, staff).await?;
    match field {
        GoogleField::AdsManager => (page.ads_manager, page.ads_error) = (typed, Some(why)),
        GoogleField::Group => (page.google_group, page.group_error) = (typed, Some(why)),
    }
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// Settings again with the reason Google was not connected beside its section.
pub async fn with_google_error(
    st: &Ctx,
    staff: &Staff,
    why: String,
    status: StatusCode,
) -> AppResult<Response> {
    let mut page = page(st, staff).await?;
    page.google_error = Some(why);
    render_status(status, &page)
}

async fn page(st: &Ctx, staff: &Staff) -> AppResult<SettingsPage> {
    let a = settings::agency(st, staff.agency_id).await?;
    let meta = settings::meta_connection(st, staff.agency_id).await?;
    let require_two_factor = a.require_two_factor != 0;
    Ok(SettingsPage {
        require_two_factor,
        owner: staff.role == crate::domain::Role::Owner,
        layout: Layout::staff(staff, "Settings", "settings"),
        form: SettingsForm {
            name: a.name,
            portfolio_id: a.portfolio_id.unwrap_or_default(),
            accent_color: a.accent_color,
            reminder_days: a.reminder_days.to_string(),
            display_name: a.display_name,
            default_expiry_days: a.default_expiry_days.to_string(),
            default_level: a.default_level.as_str().to_owned(),
            time_zone: a.time_zone,
        },
        errors: vec![],
        agency_id: a.id,
        has_logo: settings::has_logo(st, a.id).await?,
        levels: AccessLevel::ALL.to_vec(),
        zones: crate::clock::time_zones(),
        meta_connected: meta.connected_at.map(|t| staff.when(t)),
        last_verified: meta.last_verified_at.map(|t| staff.when(t)),
        meta_expiry: token_expiry(meta.expires_at, st.clock.now()),
        sandbox: st.demo.is_some(),
        meta_error: None,
        google_offered: st.google.is_some(),
        google_connected: crate::actions::google_connection::connected(st, staff.agency_id)
            .await?
            .map(|(email, at)| (email, staff.when(at))),
        google_error: None,
        ads_manager: crate::actions::google_connection::ads_manager(st, staff.agency_id)
            .await?
            .map(|(id, _)| crate::actions::google_connection::dashed(&id))
            .unwrap_or_default(),
        ads_error: None,
        google_sandbox: st.google.as_ref().is_some_and(|g| g.config().sandbox),
        google_group: crate::actions::google_connection::group(st, staff.agency_id)
            .await?
            .unwrap_or_default(),
        group_error: None,
        google_preflight: crate::actions::google_connection::preflight(st, staff.agency_id)
            .await?
            .into_iter()
            .map(|l| (l.what, l.state, l.ready))
            .collect(),
        preflight: crate::actions::connection::preflight(st, staff.agency_id)
            .await?
            .into_iter()
            .map(|l| (l.what, l.state, l.ready))
            .collect(),
    })
}

pub async fn save(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let typed = settings::Typed {
        name: form.name.clone(),
        portfolio_id: form.portfolio_id.clone(),
        accent_color: form.accent_color.clone(),
        reminder_days: form.reminder_days.clone(),
        display_name: form.display_name.clone(),
        default_expiry_days: form.default_expiry_days.clone(),
        default_level: form.default_level.clone(),
        time_zone: form.time_zone.clone(),
    };
    let errors = match settings::save(&st, &staff.acting(&ip), &typed).await? {
        Ok(()) => return Ok(saved()),
        Err(errors) => errors,
    };
    // What was typed comes back with the reasons; the rest of the page as it stands.
    let mut page = page(&st, &staff).await?;
    page.form = form;
    page.errors = errors;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

fn saved() -> Response {
    Redirect::to("/settings?notice=saved").into_response()
}

pub async fn upload_logo(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    mut multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let mut bytes = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("The upload could not be read. Try again.".into()))?
    {
        if field.name() == Some("logo") {
            bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
        }
    }
    settings::upload_logo(&st, &staff.acting(&ip), &bytes).await?;
    Ok(saved())
}

pub async fn remove_logo(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    settings::remove_logo(&st, &staff.acting(&ip), &staff.agency_name).await?;
    Ok(saved())
}

#[derive(Debug, Deserialize)]
pub struct TwoFactorForm {
    #[serde(default)]
    require: Option<String>,
}

/// Owners: require two-factor sign-in of everyone (those without it are led to set it up
/// at their next page), or leave it to each person.
pub async fn require_two_factor(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(f): Form<TwoFactorForm>,
) -> AppResult<Response> {
    let on = f.require.is_some();
    crate::actions::account::require_two_factor(&st, &staff.acting(&ip), on).await?;
    let notice = if on {
        "two_factor_required_on"
    } else {
        "two_factor_required_off"
    };
    Ok(Redirect::to(&format!("/settings?notice={notice}")).into_response())
}
