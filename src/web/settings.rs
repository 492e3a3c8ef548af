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
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    form: SettingsForm,
    errors: Vec<String>,
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
    render(&SettingsPage {
        layout: Layout::staff(&staff, "Settings", "settings").with_notice(q.notice.as_deref()),
        form: SettingsForm {
            name: a.name,
            portfolio_id: a.portfolio_id.unwrap_or_default(),
            accent_color: a.accent_color,
            reminder_days: a.reminder_days.to_string(),
        },
        errors: vec![],
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
    let (Some(name), Some(portfolio), Some(color), Some(days)) = (name, portfolio, color, days)
    else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage {
                layout: Layout::staff(&staff, "Settings", "settings"),
                form,
                errors,
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

#[cfg(test)]
mod tests {
    #[test]
    fn colours() {
        assert_eq!(super::parse_color(" #2F5BEA "), Some("#2f5bea".into()));
        assert_eq!(super::parse_color("red"), None);
        assert_eq!(super::parse_color("#12345g"), None);
        assert_eq!(super::parse_color("#123;}"), None);
    }
}
