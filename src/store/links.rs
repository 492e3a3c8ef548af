//! The client's link: what its page shows (by token: the request's own row in one read,
//! the agency's, client's and sender's part apart, for a per-process cache; by replaced
//! token or by id for the agency's preview: everything in one read), the decline, and the
//! opens and visits it records.

use rusqlite::OptionalExtension;
use sqlx::FromRow;

use super::{Db, Exec};
use crate::domain::access::GrantMode;
use crate::i18n::Lang;

/// Everything the client's link page shows: the request, its client, the agency's public
/// name, the sender and whether there is a logo. The request's part is read on every view,
/// so a revoked or expired link is refused on the very next request.
#[derive(Debug, Clone, Hash, FromRow)]
pub struct LinkView {
    pub id: i64,
    pub agency_id: i64,
    pub client_id: i64,
    pub token_prefix: String,
    #[sqlx(try_from = "String")]
    pub mode: GrantMode,
    pub asks: String,
    pub message: String,
    pub single_use: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub declined_at: Option<i64>,
    pub outcome: Option<String>,
    /// `reauth` for a re-authorisation link (explained to the client), else `access`.
    pub purpose: String,
    /// Comma-separated asset ids a re-authorisation link is limited to.
    pub scope_assets: String,
    pub client_name: String,
    pub agency_name: String,
    pub agency_display_name: String,
    pub sender: Option<String>,
    pub has_logo: i64,
    pub language: Option<String>,
    /// The platforms the asks cover, `meta` or `meta,google`.
    pub platforms: String,
}

impl LinkView {
    /// The platforms the asks cover, in `Platform` order.
    pub fn platforms(&self) -> Vec<crate::domain::Platform> {
        self.platforms
            .split(',')
            .filter_map(crate::domain::Platform::parse)
            .collect()
    }

    /// The language the agency set for this request, if any.
    pub fn lang(&self) -> Option<Lang> {
        self.language.as_deref().and_then(Lang::parse)
    }

    /// The agency's name as clients see it.
    pub fn public_name(&self) -> &str {
        if self.agency_display_name.is_empty() {
            &self.agency_name
        } else {
            &self.agency_display_name
        }
    }
}

/// What a link's pages show, read with the agency, client, sender and logo in one query.
const LINK_VIEW: &str =
    "SELECT r.id, r.agency_id, r.client_id, r.token_prefix, r.mode, r.asks, r.message,
        r.single_use, r.expires_at, r.used_at, r.revoked_at, r.declined_at, r.outcome,
        r.purpose, r.scope_assets, r.language, r.platforms, c.name AS client_name,
        a.name AS agency_name, a.display_name AS agency_display_name, u.name AS sender,
        CASE WHEN EXISTS (SELECT 1 FROM agency_logos l WHERE l.agency_id = r.agency_id)
             THEN 1 ELSE 0 END AS has_logo
    FROM access_requests r
    JOIN clients c ON c.id = r.client_id
    JOIN agencies a ON a.id = r.agency_id
    LEFT JOIN users u ON u.id = r.created_by AND u.agency_id = r.agency_id";

/// The request's changing part of a link view: what decides whether the link is live and
/// whose page it is. One indexed read of one table, on every view.
#[derive(Debug, Clone, FromRow)]
pub struct LinkHead {
    pub id: i64,
    pub agency_id: i64,
    pub client_id: i64,
    pub created_by: Option<i64>,
    pub token_prefix: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub declined_at: Option<i64>,
    pub outcome: Option<String>,
}

/// What a request asks, in whose words: written once when the request is made and never
/// changed, so a process may keep it for good.
#[derive(Debug, Clone, FromRow)]
pub struct LinkWords {
    #[sqlx(try_from = "String")]
    pub mode: GrantMode,
    pub asks: String,
    pub message: String,
    pub single_use: i64,
    pub purpose: String,
    pub scope_assets: String,
    pub language: Option<String>,
    pub platforms: String,
}

/// What a link page shows of the agency, the client and the sender: the part that may be a
/// second stale (see `actions::access::LinkMemo`).
#[derive(Debug, Clone, FromRow)]
pub struct LinkFace {
    pub client_name: String,
    pub agency_name: String,
    pub agency_display_name: String,
    pub sender: Option<String>,
    pub has_logo: i64,
}

impl LinkView {
    /// A view from its three parts.
    pub fn of(h: LinkHead, w: LinkWords, f: LinkFace) -> Self {
        Self {
            id: h.id,
            agency_id: h.agency_id,
            client_id: h.client_id,
            token_prefix: h.token_prefix,
            mode: w.mode,
            asks: w.asks,
            message: w.message,
            single_use: w.single_use,
            expires_at: h.expires_at,
            used_at: h.used_at,
            revoked_at: h.revoked_at,
            declined_at: h.declined_at,
            outcome: h.outcome,
            purpose: w.purpose,
            scope_assets: w.scope_assets,
            client_name: f.client_name,
            agency_name: f.agency_name,
            agency_display_name: f.agency_display_name,
            sender: f.sender,
            has_logo: f.has_logo,
            language: w.language,
            platforms: w.platforms,
        }
    }
}

/// The request behind a link token, from `access_requests` alone.
const LINK_HEAD: &str = "SELECT id, agency_id, client_id, created_by, token_prefix, expires_at,
        used_at, revoked_at, declined_at, outcome
    FROM access_requests WHERE token_hash = $1";

/// The request behind a link token (see [`LinkHead`]): on a SQLite file read on the calling
/// thread (`store::inline`), else, or when that read cannot be made at once, through the pool.
pub async fn link_head(db: &Db, token_hash: &str) -> Result<Option<LinkHead>, sqlx::Error> {
    if let Some(inline) = &db.inline {
        match inline.with(|conn| {
            conn.prepare_cached(LINK_HEAD)?
                .query_row([token_hash], LinkHead::from_inline)
                .optional()
        }) {
            Ok(head) => return Ok(head),
            Err(e) => tracing::debug!(error = %e, "the link's read goes to the pool"),
        }
    }
    sqlx::query_as(LINK_HEAD)
        .bind(token_hash)
        .fetch_optional(&db.pool)
        .await
}

impl LinkHead {
    fn from_inline(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            agency_id: row.get(1)?,
            client_id: row.get(2)?,
            created_by: row.get(3)?,
            token_prefix: row.get(4)?,
            expires_at: row.get(5)?,
            used_at: row.get(6)?,
            revoked_at: row.get(7)?,
            declined_at: row.get(8)?,
            outcome: row.get(9)?,
        })
    }
}

/// A request's words (see [`LinkWords`]).
pub async fn link_words<'c>(db: impl Exec<'c>, id: i64) -> Result<LinkWords, sqlx::Error> {
    sqlx::query_as(
        "SELECT mode, asks, message, single_use, purpose, scope_assets, language, platforms
         FROM access_requests WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// The agency's public name and logo, the client's name and the sender's, for a link page.
pub async fn link_face<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: i64,
    sender: Option<i64>,
) -> Result<Option<LinkFace>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.name AS client_name, a.name AS agency_name,
            a.display_name AS agency_display_name,
            (SELECT u.name FROM users u WHERE u.id = $3 AND u.agency_id = a.id) AS sender,
            CASE WHEN EXISTS (SELECT 1 FROM agency_logos l WHERE l.agency_id = a.id)
                 THEN 1 ELSE 0 END AS has_logo
         FROM agencies a JOIN clients c ON c.agency_id = a.id AND c.id = $2
         WHERE a.id = $1",
    )
    .bind(agency_id)
    .bind(client_id)
    .bind(sender)
    .fetch_optional(db)
    .await
}

/// The request a replaced link belonged to (a reminder or a fresh link took its place).
pub async fn replaced_link_view<'c>(
    db: impl Exec<'c>,
    token_hash: &str,
) -> Result<Option<LinkView>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINK_VIEW} JOIN replaced_links x ON x.request_id = r.id WHERE x.token_hash = $1"
    )))
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// A request's link view for its agency's staff (the preview of the client's page).
pub async fn link_view_by_id<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<LinkView>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINK_VIEW} WHERE r.id = $1 AND r.agency_id = $2"
    )))
    .bind(id)
    .bind(agency_id)
    .fetch_optional(db)
    .await
}

/// Records a client's "no" on a request still open to them; false when it was not (already
/// declined, revoked or completed in the meantime).
pub async fn decline<'c>(
    db: impl Exec<'c>,
    id: i64,
    reason: &str,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE access_requests SET declined_at = $1, decline_reason = $2, decline_note = $3
         WHERE id = $4 AND declined_at IS NULL AND revoked_at IS NULL AND outcome IS NULL
           AND expires_at > $1",
    )
    .bind(now)
    .bind(reason)
    .bind(note)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Counts an open; returns true when it was the first.
pub async fn record_open(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let first = sqlx::query(
        "UPDATE access_requests SET first_opened_at = $1 WHERE id = $2 AND first_opened_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    sqlx::query("UPDATE access_requests SET open_count = open_count + 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(first)
}

/// Whether this visitor's open of this link was already recorded in this hour (a read:
/// repeated views write nothing).
pub async fn visit_seen<'c>(
    db: impl Exec<'c>,
    request_id: i64,
    visitor: &str,
    hour: i64,
) -> Result<bool, sqlx::Error> {
    let n: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM link_visits WHERE request_id = $1 AND visitor = $2 AND hour = $3",
    )
    .bind(request_id)
    .bind(visitor)
    .bind(hour)
    .fetch_optional(db)
    .await?;
    Ok(n.is_some())
}

/// Records one visit per link, visitor and hour, and at most `cap` visitors per link and
/// hour. True when this call recorded it (the caller then records the open).
pub async fn record_visit(
    conn: &mut sqlx::AnyConnection,
    request_id: i64,
    visitor: &str,
    hour: i64,
    cap: i64,
) -> Result<bool, sqlx::Error> {
    let seen: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM link_visits WHERE request_id = $1 AND hour = $2")
            .bind(request_id)
            .bind(hour)
            .fetch_one(&mut *conn)
            .await?;
    if seen >= cap {
        return Ok(false);
    }
    let r = sqlx::query(
        "INSERT INTO link_visits (request_id, visitor, hour) VALUES ($1, $2, $3)
         ON CONFLICT (request_id, visitor, hour) DO NOTHING",
    )
    .bind(request_id)
    .bind(visitor)
    .bind(hour)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Forgets visits from before `hour`: they only guard the current hour.
pub async fn purge_visits<'c>(db: impl Exec<'c>, before_hour: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM link_visits WHERE hour < $1")
        .bind(before_hour)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
