//! Clients: the companies an agency works for. Every query is scoped to one agency.

use sqlx::FromRow;

use super::{Exec, Page};
use crate::domain::migration::{MigrationRecord, MigrationStatus, RecordSource, ReminderStage};
use crate::domain::reminder;

#[derive(Debug, Clone, FromRow)]
pub struct Client {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub notes: String,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The language the client reads (None: their browser decides), remembered from the
    /// last request that set one.
    pub language: Option<String>,
}

impl Client {
    pub fn lang(&self) -> Option<crate::i18n::Lang> {
        self.language.as_deref().and_then(crate::i18n::Lang::parse)
    }
}

/// The editable fields.
#[derive(Debug, Clone)]
pub struct ClientFields<'a> {
    pub name: &'a str,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub notes: &'a str,
}

const COLUMNS: &str = "id, agency_id, name, contact_name, contact_email, notes, archived_at,
    created_at, updated_at, language";

/// The agency's clients with this name or contact e-mail (either, case-insensitive): a
/// second "Bloom Bakery" is more often a slip than a new client.
pub async fn alike<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    name: &str,
    contact_email: &str,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, contact_email FROM clients
         WHERE agency_id = $1 AND (lower(name) = lower($2) OR lower(contact_email) = lower($3))
         ORDER BY id LIMIT 5",
    )
    .bind(agency_id)
    .bind(name)
    .bind(contact_email)
    .fetch_all(db)
    .await
}

pub async fn insert<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    f: &ClientFields<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO clients (agency_id, name, name_key, contact_name, contact_email, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(agency_id)
    .bind(f.name)
    .bind(f.name.to_lowercase())
    .bind(f.contact_name)
    .bind(f.contact_email)
    .bind(f.notes)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn update<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    f: &ClientFields<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE clients SET name = $1, name_key = $2, contact_name = $3, contact_email = $4,
                notes = $5, updated_at = $6
         WHERE agency_id = $7 AND id = $8",
    )
    .bind(f.name)
    .bind(f.name.to_lowercase())
    .bind(f.contact_name)
    .bind(f.contact_email)
    .bind(f.notes)
    .bind(now)
    .bind(agency_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn get<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<Client>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM clients WHERE agency_id = $1 AND id = $2"
    )))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Archives (`archived = true`) or restores a client.
pub async fn set_archived<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    archived_at: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE clients SET archived_at = $1, updated_at = $2 WHERE agency_id = $3 AND id = $4",
    )
    .bind(archived_at)
    .bind(now)
    .bind(agency_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// What the list shows.
#[derive(Debug, Clone, Default)]
pub struct ClientQuery {
    /// Matches name or contact e-mail, case-insensitively.
    pub search: String,
    pub archived: bool,
    pub page: i64,
}

/// Escapes LIKE wildcards so a search for `50%` means the text `50%`.
fn like_pattern(search: &str) -> String {
    let escaped = search
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub async fn list<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    q: &ClientQuery,
    per_page: i64,
) -> Result<Page<Client>, sqlx::Error> {
    let page = q.page.max(1);
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM clients
         WHERE agency_id = $1
           AND (($2 = 1 AND archived_at IS NOT NULL) OR ($2 = 0 AND archived_at IS NULL))
           AND ($3 = '' OR name_key LIKE $4 ESCAPE '\\' OR lower(contact_email) LIKE $4 ESCAPE '\\')
         ORDER BY name_key, id LIMIT $5 OFFSET $6"
    )))
    .bind(agency_id)
    .bind(i64::from(q.archived))
    .bind(q.search.trim())
    .bind(like_pattern(q.search.trim()))
    .bind(per_page + 1)
    .bind((page - 1) * per_page)
    .fetch_all(db)
    .await?;
    Ok(Page::from_rows(rows, page, per_page))
}

pub async fn count_active<'c>(db: impl Exec<'c>, agency_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE agency_id = $1 AND archived_at IS NULL")
        .bind(agency_id)
        .fetch_one(db)
        .await
}

/// The agency's migration record for a client, as stored.
#[derive(Debug, Clone, FromRow)]
pub struct MigrationRow {
    #[sqlx(try_from = "String")]
    pub migration_status: MigrationStatus,
    pub migration_date: Option<i64>,
    #[sqlx(try_from = "String")]
    pub migration_source: RecordSource,
    pub migration_recorded_at: Option<i64>,
    pub migration_recorded_by: String,
    pub people_deadline: Option<i64>,
    #[sqlx(try_from = "String")]
    pub people_deadline_source: RecordSource,
    pub activated_on: Option<i64>,
    #[sqlx(try_from = "String")]
    pub activated_source: RecordSource,
}

impl MigrationRow {
    pub fn record(&self) -> MigrationRecord {
        MigrationRecord {
            status: self.migration_status,
            day: self.migration_date,
            people_deadline: self.people_deadline,
            activated_on: self.activated_on,
        }
    }
}

/// What staff write into the record.
#[derive(Debug, Clone, Copy)]
pub struct NewRecord<'a> {
    pub record: MigrationRecord,
    pub source: RecordSource,
    pub deadline_source: RecordSource,
    pub activated_source: RecordSource,
    pub by: &'a str,
}

pub async fn set_migration<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    r: &NewRecord<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let res = sqlx::query(
        "UPDATE clients SET migration_status = $1, migration_date = $2, people_deadline = $3,
                activated_on = $4, migration_source = $5, people_deadline_source = $6,
                activated_source = $7, migration_recorded_by = $8, migration_recorded_at = $9,
                updated_at = $9
         WHERE agency_id = $10 AND id = $11",
    )
    .bind(r.record.status.as_str())
    .bind(r.record.day)
    .bind(r.record.people_deadline)
    .bind(r.record.activated_on)
    .bind(r.source.as_str())
    .bind(r.deadline_source.as_str())
    .bind(r.activated_source.as_str())
    .bind(r.by)
    .bind(now)
    .bind(agency_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(res.rows_affected() == 1)
}

/// The agency's migration record of a client.
pub async fn migration<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<MigrationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT migration_status, migration_date, migration_source, migration_recorded_at,
                migration_recorded_by, people_deadline, people_deadline_source, activated_on,
                activated_source
         FROM clients WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Claims the next deadline reminder for a client: at most one per 24 hours, each stage
/// once. False when another worker (or an earlier run) already sent it.
pub async fn claim_deadline_reminder<'c>(
    db: impl Exec<'c>,
    id: i64,
    stage: ReminderStage,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE clients SET deadline_stage = $1, last_deadline_reminder_at = $2
         WHERE id = $3 AND deadline_stage <> $1 AND (last_deadline_reminder_at IS NULL OR last_deadline_reminder_at <= $4)",
    )
    .bind(stage.as_str())
    .bind(now)
    .bind(id)
    .bind(reminder::blocking_since(now))
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Resets the reminder stage (after the migration is cleared or re-dated).
pub async fn reset_deadline_stage<'c>(db: impl Exec<'c>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE clients SET deadline_stage = '' WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Names of these clients (of one agency), by id.
pub async fn names<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Placeholders only; every id is bound.
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT id, name FROM clients WHERE agency_id = $1 AND id IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(agency_id);
    for id in ids {
        q = q.bind(*id);
    }
    q.fetch_all(db).await
}

/// Remembers the language the agency chose for this client's requests and e-mails.
pub async fn set_language<'c>(
    db: impl Exec<'c>,
    client_id: i64,
    language: Option<crate::i18n::Lang>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE clients SET language = $1 WHERE id = $2")
        .bind(language.map(crate::i18n::Lang::code))
        .bind(client_id)
        .execute(db)
        .await?;
    Ok(())
}
