//! Agency settings: name, Meta business portfolio, brand colour, reminders.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AppResult;
use super::layout::{Layout, render, render_status};
use super::session::{ClientIp, Manager};
use super::{AppError, AppState};
use crate::domain::access::AccessLevel;
use crate::domain::{BoundedText, PortfolioId};
use crate::store::{agencies, audit};

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
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    form: SettingsForm,
    errors: Vec<String>,
    agency_id: i64,
    has_logo: bool,
    levels: Vec<AccessLevel>,
    meta_connected: Option<String>,
    last_verified: Option<String>,
    sandbox: bool,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn form(
    State(st): State<AppState>,
    Manager(staff): Manager,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let a = agencies::get(&st.db.pool, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let meta = agencies::meta_connection(&st.db.pool, staff.agency_id).await?;
    render(&SettingsPage {
        layout: Layout::staff(&staff, "Settings", "settings").with_notice(q.notice.as_deref()),
        form: SettingsForm {
            name: a.name,
            portfolio_id: a.portfolio_id.unwrap_or_default(),
            accent_color: a.accent_color,
            reminder_days: a.reminder_days.to_string(),
            display_name: a.display_name,
            default_expiry_days: a.default_expiry_days.to_string(),
            default_level: a.default_level,
        },
        errors: vec![],
        agency_id: a.id,
        has_logo: agencies::logo(&st.db.pool, a.id).await?.is_some(),
        levels: AccessLevel::ALL.to_vec(),
        meta_connected: meta.1.map(crate::clock::format_utc),
        last_verified: meta.2.map(crate::clock::format_utc),
        sandbox: st.sandbox.is_some(),
    })
}

/// `#rrggbb`, the only colour syntax accepted (it ends up in CSS and e-mail HTML).
fn parse_color(s: &str) -> Option<String> {
    let s = s.trim();
    (s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| s.to_ascii_lowercase())
}

pub async fn save(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let mut errors = Vec::new();
    let name = BoundedText::parse_line(&form.name, "Agency name", 120, true)
        .map_err(|e| errors.push(e))
        .ok();
    let portfolio = PortfolioId::parse_optional(&form.portfolio_id)
        .map_err(|e| errors.push(e.to_owned()))
        .ok();
    let color = parse_color(&form.accent_color);
    if color.is_none() {
        errors.push("Brand colour must look like #2f5bea.".to_owned());
    }
    let days = form
        .reminder_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=30).contains(d));
    if days.is_none() {
        errors.push("Reminder after must be a whole number of days from 1 to 30.".to_owned());
    }
    let display = BoundedText::parse_line(&form.display_name, "Display name", 120, false)
        .map_err(|e| errors.push(e))
        .ok();
    let expiry = form
        .default_expiry_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=90).contains(d));
    if expiry.is_none() {
        errors.push("Default link expiry must be 1 to 90 days.".to_owned());
    }
    let level = AccessLevel::parse(&form.default_level);
    if level.is_none() {
        errors.push("Choose manage, advertise or view as the default level.".to_owned());
    }
    let (
        Some(name),
        Some(portfolio),
        Some(color),
        Some(days),
        Some(display),
        Some(expiry),
        Some(level),
    ) = (name, portfolio, color, days, display, expiry, level)
    else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage {
                layout: Layout::staff(&staff, "Settings", "settings"),
                form,
                errors,
                agency_id: staff.agency_id,
                has_logo: agencies::logo(&st.db.pool, staff.agency_id)
                    .await?
                    .is_some(),
                levels: AccessLevel::ALL.to_vec(),
                meta_connected: None,
                last_verified: None,
                sandbox: st.sandbox.is_some(),
            },
        );
    };
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    agencies::update_settings(
        &mut *tx,
        staff.agency_id,
        name.as_str(),
        portfolio.as_ref().map(|p| p.as_str()),
        &color,
        days,
    )
    .await?;
    agencies::update_branding(
        &mut *tx,
        staff.agency_id,
        &agencies::Branding {
            display_name: display.as_str(),
            default_expiry_days: expiry,
            default_level: level.as_str(),
        },
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "settings.updated",
            target: name.as_str(),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings?notice=saved").into_response())
}

/// The image type of an upload, judged by its first bytes (never by its name or header).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

pub async fn upload_logo(
    State(st): State<AppState>,
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
    if bytes.is_empty() {
        return Err(AppError::BadRequest(
            "Choose a PNG or JPEG file to upload.".into(),
        ));
    }
    if bytes.len() > super::MAX_UPLOAD {
        return Err(AppError::BadRequest(
            "The logo must be at most 512 KB.".into(),
        ));
    }
    let Some(content_type) = sniff_image(&bytes) else {
        return Err(AppError::BadRequest(
            "The logo must be a PNG or JPEG image.".into(),
        ));
    };
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    agencies::set_logo(&mut *tx, staff.agency_id, content_type, &bytes, now).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "settings.logo_uploaded",
            target: content_type,
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings?notice=saved").into_response())
}

pub async fn remove_logo(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    agencies::remove_logo(&mut *tx, staff.agency_id).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "settings.logo_removed",
            target: &staff.agency_name,
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings?notice=saved").into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn images_are_judged_by_content() {
        assert_eq!(
            super::sniff_image(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(
            super::sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some("image/jpeg")
        );
        assert_eq!(super::sniff_image(b"<svg onload=alert(1)>"), None);
    }

    #[test]
    fn colours() {
        assert_eq!(super::parse_color(" #2F5BEA "), Some("#2f5bea".into()));
        assert_eq!(super::parse_color("red"), None);
        assert_eq!(super::parse_color("#12345g"), None);
        assert_eq!(super::parse_color("#123;}"), None);
    }
}
