//! Agency settings: name, Meta business portfolio, brand, reminders and defaults, logo.

use super::{Actor, Ctx, audit, connection};
use crate::domain::access::AccessLevel;
use crate::domain::{BoundedText, PortfolioId};
use crate::error::{AppError, AppResult, FieldError};
use crate::store::agencies;

// The read models this module returns, for the web layer to name.
pub use crate::store::agencies::{Agency, MetaConnection};

/// The agency, or not found.
pub async fn agency(ctx: &Ctx, id: i64) -> AppResult<Agency> {
    agencies::get(&ctx.db.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The agency's uploaded logo: its content type and bytes.
pub async fn logo(ctx: &Ctx, agency_id: i64) -> AppResult<Option<(String, Vec<u8>)>> {
    Ok(agencies::logo(&ctx.db.pool, agency_id).await?)
}

/// Whether the agency has a logo, for pages that link to it (the bytes stay unread).
pub async fn has_logo(ctx: &Ctx, agency_id: i64) -> AppResult<bool> {
    Ok(agencies::has_logo(&ctx.db.pool, agency_id).await?)
}

pub async fn meta_connection(ctx: &Ctx, agency_id: i64) -> AppResult<MetaConnection> {
    Ok(agencies::meta_connection(&ctx.db.pool, agency_id).await?)
}

/// Largest logo upload.
pub const MAX_LOGO: usize = 512 * 1024;

/// The settings form as typed.
#[derive(Debug, Default, Clone)]
pub struct Typed {
    pub name: String,
    pub portfolio_id: String,
    pub accent_color: String,
    pub reminder_days: String,
    pub display_name: String,
    pub default_expiry_days: String,
    pub default_level: String,
    /// IANA name; empty keeps UTC.
    pub time_zone: String,
}

/// `#rrggbb`, the only colour syntax accepted (it ends up in CSS and e-mail HTML).
pub fn parse_color(s: &str) -> Option<String> {
    let s = s.trim();
    (s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| s.to_ascii_lowercase())
}

/// A whole number in `range`, or None.
fn days_in(s: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    s.trim().parse::<i64>().ok().filter(|d| range.contains(d))
}

/// The settings form, each field parsed.
struct Checked<'a> {
    name: BoundedText,
    portfolio: Option<PortfolioId>,
    color: String,
    reminder_days: i64,
    display: BoundedText,
    expiry: i64,
    level: AccessLevel,
    time_zone: &'a str,
}

/// `v`, or an error for `field` in the form's words.
fn or_error<T>(
    v: Option<T>,
    errors: &mut Vec<FieldError>,
    field: &'static str,
    words: &str,
) -> Option<T> {
    if v.is_none() {
        errors.push(FieldError::new(field, words));
    }
    v
}

/// Parses every field, naming each one that is wrong; None when any is.
/// `portfolio` is the portfolio field as parsed (once, by the caller, who also asks Meta).
fn check<'a>(
    f: &'a Typed,
    portfolio: &Result<Option<PortfolioId>, &'static str>,
    errors: &mut Vec<FieldError>,
) -> Option<Checked<'a>> {
    let name = BoundedText::parse_line(&f.name, "Agency name", 120, true)
        .map_err(|e| errors.push(FieldError::new("name", e)))
        .ok();
    let portfolio = portfolio
        .clone()
        .map_err(|e| errors.push(FieldError::new("portfolio_id", e)))
        .ok();
    let color = or_error(
        parse_color(&f.accent_color),
        errors,
        "accent_color",
        "Brand colour must look like #2f5bea.",
    );
    let reminder_days = or_error(
        days_in(&f.reminder_days, 1..=30),
        errors,
        "reminder_days",
        "Reminder after must be a whole number of days from 1 to 30.",
    );
    let display = BoundedText::parse_line(&f.display_name, "Display name", 120, false)
        .map_err(|e| errors.push(FieldError::new("display_name", e)))
        .ok();
    let expiry = or_error(
        days_in(&f.default_expiry_days, 1..=90),
        errors,
        "default_expiry_days",
        "Default link expiry must be 1 to 90 days.",
    );
    let level = or_error(
        AccessLevel::parse(&f.default_level),
        errors,
        "default_level",
        "Choose manage, advertise or view as the default level.",
    );
    let time_zone = match f.time_zone.trim() {
        "" => "UTC",
        z => z,
    };
    let time_zone = or_error(
        crate::clock::is_time_zone(time_zone).then_some(time_zone),
        errors,
        "time_zone",
        "Choose a time zone from the list, like Europe/Amsterdam.",
    );
    Some(Checked {
        name: name?,
        portfolio: portfolio?,
        color: color?,
        reminder_days: reminder_days?,
        display: display?,
        expiry: expiry?,
        level: level?,
        time_zone: time_zone?,
    })
}

/// Saves the agency's settings. `Err(errors)`: what to correct; nothing is saved then.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn save(ctx: &Ctx, actor: &Actor, f: &Typed) -> AppResult<Result<(), Vec<FieldError>>> {
    let mut errors = Vec::new();
    let portfolio = PortfolioId::parse_optional(&f.portfolio_id);
    let checked = check(f, &portfolio, &mut errors);
    // A portfolio id Meta does not know is an error beside the field, like a typo.
    if let Ok(Some(p)) = &portfolio
        && connection::check_portfolio(ctx, Some(actor.agency_id), p.as_str()).await?
            == connection::PortfolioCheck::NotFound
    {
        errors.push(FieldError::new(
            "portfolio_id",
            connection::portfolio_not_found(p.as_str()),
        ));
    }
    let (Some(c), true) = (checked, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let portfolio = c.portfolio.as_ref().map(|p| p.as_str());
    agencies::update_settings(
        &mut *tx,
        actor.agency_id,
        c.name.as_str(),
        portfolio,
        &c.color,
        c.reminder_days,
    )
    .await?;
    let branding = agencies::Branding {
        display_name: c.display.as_str(),
        default_expiry_days: c.expiry,
        default_level: c.level.as_str(),
        time_zone: c.time_zone,
    };
    agencies::update_branding(&mut *tx, actor.agency_id, &branding).await?;
    audit(&mut tx, actor, "settings.updated", c.name.as_str(), now).await?;
    tx.commit().await?;
    // Link pages show it: this process shows the change at once (others within a second).
    ctx.links.faces.forget();
    Ok(Ok(()))
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

/// Stores the agency's logo (PNG or JPEG, at most [`MAX_LOGO`]).
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn upload_logo(ctx: &Ctx, actor: &Actor, bytes: &[u8]) -> AppResult<()> {
    let bad = |msg: &str| AppError::BadRequest(msg.to_owned());
    if bytes.is_empty() {
        return Err(bad("Choose a PNG or JPEG file to upload."));
    }
    if bytes.len() > MAX_LOGO {
        return Err(bad("The logo must be at most 512 KB."));
    }
    let content_type =
        sniff_image(bytes).ok_or_else(|| bad("The logo must be a PNG or JPEG image."))?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    agencies::set_logo(&mut *tx, actor.agency_id, content_type, bytes, now).await?;
    audit(&mut tx, actor, "settings.logo_uploaded", content_type, now).await?;
    tx.commit().await?;
    // Link pages show it: this process shows the change at once (others within a second).
    ctx.links.faces.forget();
    Ok(())
}

/// Removes the agency's logo.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn remove_logo(ctx: &Ctx, actor: &Actor, agency_name: &str) -> AppResult<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    agencies::remove_logo(&mut *tx, actor.agency_id).await?;
    audit(&mut tx, actor, "settings.logo_removed", agency_name, now).await?;
    tx.commit().await?;
    // Link pages show it: this process shows the change at once (others within a second).
    ctx.links.faces.forget();
    Ok(())
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
