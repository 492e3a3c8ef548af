//! Staff notification preferences.

use super::Exec;

/// The agency events a staff user can switch on or off, with their labels.
pub const EVENTS: [(&str, &str); 10] = [
    ("request_opened", "A client opens an access link"),
    ("request_declined", "A client declines an access request"),
    (
        "access_approved",
        "A client approves access (with per-asset results)",
    ),
    (
        "reauth_needed",
        "Grants need re-authorisation (client migrating to managed accounts)",
    ),
    (
        "deadline_reminder",
        "Re-authorisation deadlines: 7 days, 1 day, overdue",
    ),
    ("access_lost", "Verification finds access was lost"),
    (
        "access_lapsed",
        "A migration deadline passes with user-based access not re-authorised",
    ),
    (
        "migration_signal",
        "Meta shows a client's people on managed work accounts",
    ),
    (
        "meta_connection",
        "The agency's Meta connection is about to expire or stopped working",
    ),
    (
        "webhook_disabled",
        "A webhook endpoint was turned off after its deliveries kept failing",
    ),
];

/// The events this user has switched off.
pub async fn disabled<'c>(db: impl Exec<'c>, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT event FROM notification_prefs WHERE user_id = $1 AND enabled = 0")
        .bind(user_id)
        .fetch_all(db)
        .await
}

pub async fn set<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    event: &str,
    enabled: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_prefs (user_id, event, enabled) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, event) DO UPDATE SET enabled = excluded.enabled",
    )
    .bind(user_id)
    .bind(event)
    .bind(i64::from(enabled))
    .execute(db)
    .await
    .map(|_| ())
}

/// E-mail addresses of the agency's staff who want `event`.
pub async fn recipients<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    event: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.email FROM users u
         WHERE u.agency_id = $1
           AND NOT EXISTS (SELECT 1 FROM notification_prefs p
                           WHERE p.user_id = u.id AND p.event = $2 AND p.enabled = 0)
         ORDER BY u.id",
    )
    .bind(agency_id)
    .bind(event)
    .fetch_all(db)
    .await
}
