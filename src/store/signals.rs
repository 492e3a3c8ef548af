//! Signals from Meta that a client's organisation is moving to managed accounts: read
//! during an approval (the portfolio's people and the approver's own account type) and
//! kept until staff accept or dismiss them. A signal never changes the record by itself.

use sqlx::FromRow;

use super::Exec;

#[derive(Debug, Clone, FromRow)]
pub struct Signal {
    pub id: i64,
    pub client_id: i64,
    pub business_id: String,
    pub business_name: String,
    /// People on managed work accounts (`invited_user_type` MWA).
    pub managed: i64,
    /// People listed.
    pub people: i64,
    pub approver_name: String,
    /// 1 when the approving person's own account in that portfolio is a work account.
    pub approver_managed: i64,
    pub observed_at: i64,
    pub decision: String,
}

/// What one approval saw in one portfolio.
#[derive(Debug, Clone)]
pub struct NewSignal<'a> {
    pub agency_id: i64,
    pub client_id: i64,
    pub business_id: &'a str,
    pub business_name: &'a str,
    pub managed: i64,
    pub people: i64,
    pub approver_name: &'a str,
    pub approver_managed: bool,
}

const COLUMNS: &str = "id, client_id, business_id, business_name, managed, people, approver_name,
     approver_managed, observed_at, decision";

/// Records a signal unless an open one already says the same for that portfolio.
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    s: &NewSignal<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let same: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM migration_signals
         WHERE agency_id = $1 AND client_id = $2 AND business_id = $3 AND decision = ''
           AND managed = $4 AND people = $5",
    )
    .bind(s.agency_id)
    .bind(s.client_id)
    .bind(s.business_id)
    .bind(s.managed)
    .bind(s.people)
    .fetch_optional(&mut *conn)
    .await?;
    if same.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO migration_signals (agency_id, client_id, business_id, business_name, managed,
                people, approver_name, approver_managed, observed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(s.agency_id)
    .bind(s.client_id)
    .bind(s.business_id)
    .bind(s.business_name)
    .bind(s.managed)
    .bind(s.people)
    .bind(s.approver_name)
    .bind(i64::from(s.approver_managed))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Open signals of a client, newest first.
pub async fn open<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: i64,
) -> Result<Vec<Signal>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM migration_signals
         WHERE agency_id = $1 AND client_id = $2 AND decision = '' ORDER BY id DESC"
    )))
    .bind(agency_id)
    .bind(client_id)
    .fetch_all(db)
    .await
}

/// Closes every other open signal of a client once staff accepted one: they all answered
/// the same question.
pub async fn close_open<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: i64,
    by: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE migration_signals SET decision = 'accepted', decided_at = $1, decided_by = $2
         WHERE agency_id = $3 AND client_id = $4 AND decision = ''",
    )
    .bind(now)
    .bind(by)
    .bind(agency_id)
    .bind(client_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Closes one open signal with staff's decision; None when it was not open (or foreign).
pub async fn decide<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: i64,
    id: i64,
    accepted: bool,
    by: &str,
    now: i64,
) -> Result<Option<Signal>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE migration_signals SET decision = $1, decided_at = $2, decided_by = $3
         WHERE agency_id = $4 AND client_id = $5 AND id = $6 AND decision = ''
         RETURNING {COLUMNS}"
    )))
    .bind(if accepted { "accepted" } else { "dismissed" })
    .bind(now)
    .bind(by)
    .bind(agency_id)
    .bind(client_id)
    .bind(id)
    .fetch_optional(db)
    .await
}
