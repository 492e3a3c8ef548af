//! Agencies: the tenants.

use sqlx::FromRow;

use super::Exec;
use crate::domain::access::AccessLevel;
use crate::domain::migration::ConnectionWarning;

#[derive(Debug, Clone, FromRow)]
pub struct Agency {
    pub id: i64,
    pub name: String,
    pub portfolio_id: Option<String>,
    pub accent_color: String,
    pub reminder_days: i64,
    pub created_at: i64,
    /// The name clients see; empty means `name`.
    pub display_name: String,
    pub default_expiry_days: i64,
    #[sqlx(try_from = "String")]
    pub default_level: AccessLevel,
    /// IANA name; staff pages show moments in it.
    pub time_zone: String,
    /// 1: everyone must sign in with a second factor (those without are led to enrol).
    pub require_two_factor: i64,
}

impl Agency {
    /// The name shown to clients.
    pub fn public_name(&self) -> &str {
        if self.display_name.is_empty() {
            &self.name
        } else {
            &self.display_name
        }
    }
}

pub async fn any_exists<'c>(db: impl Exec<'c>) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

/// The installation's first agency (the one `/setup` created): its owners own the install.
pub async fn first_id<'c>(db: impl Exec<'c>) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(id) FROM agencies")
        .fetch_one(db)
        .await
}

pub async fn insert<'c>(
    db: impl Exec<'c>,
    name: &str,
    portfolio_id: Option<&str>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO agencies (name, portfolio_id, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(portfolio_id)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn get<'c>(db: impl Exec<'c>, id: i64) -> Result<Option<Agency>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, portfolio_id, accent_color, reminder_days, created_at,
                display_name, default_expiry_days, default_level, time_zone, require_two_factor
         FROM agencies WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn update_settings<'c>(
    db: impl Exec<'c>,
    id: i64,
    name: &str,
    portfolio_id: Option<&str>,
    accent_color: &str,
    reminder_days: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agencies SET name = $1, portfolio_id = $2, accent_color = $3, reminder_days = $4
         WHERE id = $5",
    )
    .bind(name)
    .bind(portfolio_id)
    .bind(accent_color)
    .bind(reminder_days)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Whether everyone at the agency must sign in with a second factor.
pub async fn set_require_two_factor<'c>(
    db: impl Exec<'c>,
    id: i64,
    on: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE agencies SET require_two_factor = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(on))
        .execute(db)
        .await
        .map(|_| ())
}

/// Branding and request defaults.
#[derive(Debug, Clone)]
pub struct Branding<'a> {
    pub display_name: &'a str,
    pub default_expiry_days: i64,
    pub default_level: &'a str,
    pub time_zone: &'a str,
}

pub async fn update_branding<'c>(
    db: impl Exec<'c>,
    id: i64,
    b: &Branding<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agencies SET display_name = $1, default_expiry_days = $2, default_level = $3,
                time_zone = $4 WHERE id = $5",
    )
    .bind(b.display_name)
    .bind(b.default_expiry_days)
    .bind(b.default_level)
    .bind(b.time_zone)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn set_logo<'c>(
    db: impl Exec<'c>,
    id: i64,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO agency_logos (agency_id, content_type, bytes, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (agency_id) DO UPDATE SET content_type = excluded.content_type,
             bytes = excluded.bytes, updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(content_type)
    .bind(bytes.to_vec())
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn remove_logo<'c>(db: impl Exec<'c>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM agency_logos WHERE agency_id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Whether the agency uploaded a logo (without reading it).
pub async fn has_logo<'c>(db: impl Exec<'c>, id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agency_logos WHERE agency_id = $1")
        .bind(id)
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

/// (content type, bytes) of the agency's logo.
pub async fn logo<'c>(
    db: impl Exec<'c>,
    id: i64,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as("SELECT content_type, bytes FROM agency_logos WHERE agency_id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Stores (or with `None`, forgets) the agency's sealed Meta token.
/// Stores (or, with None, forgets) the agency's sealed Meta token and when it expires
/// (0: never).
pub async fn set_meta_token<'c>(
    db: impl Exec<'c>,
    id: i64,
    token: Option<(&str, i64)>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agencies SET meta_token_sealed = $1, meta_connected_at = $2, meta_token_expires_at = $3,
                             meta_warned = ''
         WHERE id = $4",
    )
    .bind(token.map(|t| t.0))
    .bind(token.map(|_| now))
    .bind(token.map(|t| t.1))
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// The agency's Meta connection.
#[derive(Debug, Clone, FromRow)]
pub struct MetaConnection {
    #[sqlx(rename = "meta_token_sealed")]
    pub sealed: Option<String>,
    #[sqlx(rename = "meta_connected_at")]
    pub connected_at: Option<i64>,
    pub last_verified_at: Option<i64>,
    /// When the token expires (0: never; None: not recorded).
    #[sqlx(rename = "meta_token_expires_at")]
    pub expires_at: Option<i64>,
}

pub async fn meta_connection<'c>(
    db: impl Exec<'c>,
    id: i64,
) -> Result<MetaConnection, sqlx::Error> {
    sqlx::query_as(
        "SELECT meta_token_sealed, meta_connected_at, last_verified_at, meta_token_expires_at
         FROM agencies WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// Connected agencies whose token expires: (agency id, expires at, latest warning sent).
pub async fn expiring_connections<'c>(
    db: impl Exec<'c>,
) -> Result<Vec<(i64, i64, Option<ConnectionWarning>)>, sqlx::Error> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, meta_token_expires_at, meta_warned FROM agencies
         WHERE meta_token_sealed IS NOT NULL AND meta_token_expires_at > 0",
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(id, at, warned)| {
            let warned =
                ConnectionWarning::decode(&warned).map_err(|e| sqlx::Error::Decode(e.into()))?;
            Ok((id, at, warned))
        })
        .collect()
}

/// Claims sending `warning` for an agency's connection: false when it (or a later one)
/// was already sent, by this process or another.
pub async fn claim_connection_warning<'c>(
    db: impl Exec<'c>,
    id: i64,
    warning: ConnectionWarning,
) -> Result<bool, sqlx::Error> {
    let earlier: Vec<&str> = ConnectionWarning::ALL
        .iter()
        .filter(|w| **w < warning)
        .map(|w| w.as_str())
        .collect();
    // Allowed from "" or an earlier stage: at most two earlier stages exist.
    let r = sqlx::query(
        "UPDATE agencies SET meta_warned = $1
         WHERE id = $2 AND meta_token_sealed IS NOT NULL AND meta_warned IN ('', $3, $4)",
    )
    .bind(warning.as_str())
    .bind(id)
    .bind(earlier.first().copied().unwrap_or(""))
    .bind(earlier.get(1).copied().unwrap_or(""))
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn mark_verified<'c>(db: impl Exec<'c>, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE agencies SET last_verified_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Agencies with a platform connection (Meta or Google) whose last verification is older
/// than `before`.
pub async fn due_for_verification<'c>(
    db: impl Exec<'c>,
    before: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM agencies
         WHERE (meta_token_sealed IS NOT NULL OR google_refresh_sealed IS NOT NULL)
           AND (last_verified_at IS NULL OR last_verified_at < $1)
         ORDER BY id",
    )
    .bind(before)
    .fetch_all(db)
    .await
}

/// The agency's Google connection.
#[derive(Debug, Clone, FromRow)]
pub struct GoogleConnection {
    #[sqlx(rename = "google_refresh_sealed")]
    pub sealed: Option<String>,
    /// The connected Google account's address: what Analytics access is given to.
    #[sqlx(rename = "google_email")]
    pub email: Option<String>,
    #[sqlx(rename = "google_connected_at")]
    pub connected_at: Option<i64>,
    /// The agency's Google Ads manager account (ten digits), checked with Google.
    #[sqlx(rename = "google_ads_manager_id")]
    pub ads_manager: Option<String>,
    #[sqlx(rename = "google_ads_manager_name")]
    pub ads_manager_name: Option<String>,
    /// Where Analytics and Tag Manager access goes when not the connected account (a group).
    #[sqlx(rename = "google_grantee")]
    pub group: Option<String>,
}

impl GoogleConnection {
    /// The address clients give Analytics and Tag Manager access to: the agency's group if
    /// it named one, else its connected account.
    pub fn grantee(&self) -> Option<&str> {
        self.group.as_deref().or(self.email.as_deref())
    }
}

pub async fn google_connection<'c>(
    db: impl Exec<'c>,
    id: i64,
) -> Result<GoogleConnection, sqlx::Error> {
    sqlx::query_as(
        "SELECT google_refresh_sealed, google_email, google_connected_at, google_ads_manager_id,
                google_ads_manager_name, google_grantee
         FROM agencies WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// Stores (or, with None, forgets) the agency's Google account: (sealed refresh token, its
/// address).
pub async fn set_google<'c>(
    db: impl Exec<'c>,
    id: i64,
    connection: Option<(&str, &str)>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agencies SET google_refresh_sealed = $1, google_email = $2, google_connected_at = $3
         WHERE id = $4",
    )
    .bind(connection.map(|c| c.0))
    .bind(connection.map(|c| c.1))
    .bind(connection.map(|_| now))
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Stores (or, with None, forgets) the agency's Google Ads manager account: (id, name).
pub async fn set_ads_manager<'c>(
    db: impl Exec<'c>,
    id: i64,
    manager: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agencies SET google_ads_manager_id = $1, google_ads_manager_name = $2 WHERE id = $3",
    )
    .bind(manager.map(|m| m.0))
    .bind(manager.map(|m| m.1))
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Stores (or, with None, forgets) the group the agency's Google access goes to.
pub async fn set_google_group<'c>(
    db: impl Exec<'c>,
    id: i64,
    group: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE agencies SET google_grantee = $1 WHERE id = $2")
        .bind(group)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}
