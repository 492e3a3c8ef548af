//! The grants book: the dashboard's filters, keyset pages in each order, totals (from the
//! counts triggers keep) and the streamed CSV export.

use super::Exec;
use super::grants::{COLUMNS, Grant};
use crate::domain::access::{AssetKind, GrantMode};
use crate::domain::{GrantStatus, UnknownValue};

/// Filters and order for the grants dashboard and its CSV export.
#[derive(Debug, Clone, Default)]
pub struct GrantQuery {
    pub client_id: Option<i64>,
    pub kind: Option<AssetKind>,
    pub mode: Option<GrantMode>,
    pub status: Option<GrantStatus>,
    /// Only grants due on or before this time.
    pub due_before: Option<i64>,
    /// `newest` (default), `asset`, `due`.
    pub sort: String,
}

/// The position after which the next page starts: (sort value, id). Carried in links by
/// `actions::cursor`, sealed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Cursor {
    Newest(i64),
    Asset(String, i64),
    Due(i64, i64),
}

impl Cursor {
    /// The position after `g` in `sort` order.
    pub fn after(sort: &str, g: &Grant) -> Self {
        match sort {
            "asset" => Self::Asset(g.asset_name.clone(), g.id),
            "due" => Self::Due(g.due_at.unwrap_or(9_000_000_000_000_000_000), g.id),
            _ => Self::Newest(g.id),
        }
    }

    /// Whether this position belongs to `sort` order (a link's sort may have been changed).
    pub fn fits(&self, sort: &str) -> bool {
        matches!(
            (sort, self),
            ("asset", Self::Asset(..)) | ("due", Self::Due(..)) | ("newest", Self::Newest(_))
        )
    }
}

/// A bind value of the dashboard's dynamic WHERE clause.
enum Bind {
    Int(i64),
    Text(String),
}

/// The WHERE clause for a query: only the filters in use, so indexes such as
/// (agency_id, client_id) apply. Built from fixed fragments; every value is bound.
fn filters(agency_id: i64, q: &GrantQuery) -> (String, Vec<Bind>) {
    let mut sql = String::from("agency_id = $1");
    let mut binds = vec![Bind::Int(agency_id)];
    let mut add = |fragment: &str, b: Bind| {
        binds.push(b);
        sql.push_str(&format!(" AND {fragment}${}", binds.len()));
    };
    // Within one client (a few hundred grants at most) the other filters are compared as
    // expressions, so no plan can prefer a wide kind/mode/status index over the client's:
    // SQLite plans without statistics on connections that have not loaded them.
    let (kind, mode, status) = match q.client_id {
        Some(c) => {
            add("client_id = ", Bind::Int(c));
            ("(kind || '') = ", "(mode || '') = ", "(status || '') = ")
        }
        None => ("kind = ", "mode = ", "status = "),
    };
    if let Some(k) = q.kind {
        add(kind, Bind::Text(k.as_str().to_owned()));
    }
    if let Some(m) = q.mode {
        add(mode, Bind::Text(m.as_str().to_owned()));
    }
    if let Some(s) = q.status {
        add(status, Bind::Text(s.as_str().to_owned()));
    }
    if let Some(d) = q.due_before {
        add("due_at IS NOT NULL AND due_at <= ", Bind::Int(d));
    }
    (sql, binds)
}

fn bind_all<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    binds: Vec<Bind>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    for b in binds {
        query = match b {
            Bind::Int(i) => query.bind(i),
            Bind::Text(t) => query.bind(t),
        };
    }
    query
}

/// One page of the dashboard, keyset-paginated in the chosen order.
pub async fn page<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    q: &GrantQuery,
    after: Option<&Cursor>,
    per_page: i64,
) -> Result<(Vec<Grant>, bool), sqlx::Error> {
    let (mut sql, mut binds) = filters(agency_id, q);
    const NO_DUE: i64 = 9_000_000_000_000_000_000;
    let order = match (q.sort.as_str(), after) {
        ("asset", c) => {
            if let Some(Cursor::Asset(t, i)) = c {
                let n = binds.len();
                sql.push_str(&format!(
                    " AND (asset_name > ${} OR (asset_name = ${} AND id > ${}))",
                    n + 1,
                    n + 1,
                    n + 2
                ));
                binds.push(Bind::Text(t.clone()));
                binds.push(Bind::Int(*i));
            }
            "ORDER BY asset_name, id"
        }
        ("due", c) => {
            if let Some(Cursor::Due(d, i)) = c {
                let n = binds.len();
                sql.push_str(&format!(
                    " AND (COALESCE(due_at, {NO_DUE}) > ${} OR (COALESCE(due_at, {NO_DUE}) = ${} AND id > ${}))",
                    n + 1,
                    n + 1,
                    n + 2
                ));
                binds.push(Bind::Int(*d));
                binds.push(Bind::Int(*i));
            }
            "ORDER BY COALESCE(due_at, 9000000000000000000), id"
        }
        (_, c) => {
            if let Some(Cursor::Newest(i)) = c {
                binds.push(Bind::Int(*i));
                sql.push_str(&format!(" AND id < ${}", binds.len()));
            }
            "ORDER BY id DESC"
        }
    };
    binds.push(Bind::Int(per_page + 1));
    let full = format!(
        "SELECT {COLUMNS} FROM grants WHERE {sql} {order} LIMIT ${}",
        binds.len()
    );
    let mut rows: Vec<Grant> = bind_all(sqlx::query_as(sqlx::AssertSqlSafe(full)), binds)
        .fetch_all(db)
        .await?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(per_page as usize);
    Ok((rows, more))
}

/// Counts by (mode, status) of the filtered set. Without a client or due-date filter they
/// come from the counts the triggers keep (a few rows, whatever the number of grants);
/// a client's grants are few and counted directly through the client index.
pub async fn totals<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    q: &GrantQuery,
) -> Result<Vec<Total>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = if q.client_id.is_none() && q.due_before.is_none() {
        let (sql, binds) = filters(agency_id, q);
        let full = format!(
            "SELECT mode, status, CAST(SUM(n) AS BIGINT) FROM grant_counts WHERE {sql}
             GROUP BY mode, status HAVING SUM(n) > 0 ORDER BY mode, status"
        );
        bind_all(sqlx::query_as(sqlx::AssertSqlSafe(full)), binds)
            .fetch_all(db)
            .await?
    } else {
        let (sql, binds) = filters(agency_id, q);
        let full = format!(
            "SELECT mode, status, COUNT(*) FROM grants WHERE {sql} GROUP BY mode, status ORDER BY mode, status"
        );
        bind_all(sqlx::query_as(sqlx::AssertSqlSafe(full)), binds)
            .fetch_all(db)
            .await?
    };
    rows.into_iter()
        .map(|(mode, status, n)| {
            let decode = |e: UnknownValue| sqlx::Error::Decode(e.into());
            Ok(Total {
                mode: GrantMode::try_from(mode).map_err(decode)?,
                status: GrantStatus::try_from(status).map_err(decode)?,
                count: n,
            })
        })
        .collect()
}

/// How many grants of a mode and status the filters match.
#[derive(Debug, Clone, Copy)]
pub struct Total {
    pub mode: GrantMode,
    pub status: GrantStatus,
    pub count: i64,
}

/// Streams the filtered set (newest first) without loading it into memory.
pub fn stream(
    pool: sqlx::AnyPool,
    agency_id: i64,
    q: GrantQuery,
) -> impl futures_util::Stream<Item = Result<Grant, sqlx::Error>> + Send + 'static {
    use futures_util::StreamExt;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Grant, sqlx::Error>>(256);
    tokio::spawn(async move {
        let (sql, binds) = filters(agency_id, &q);
        let full = format!("SELECT {COLUMNS} FROM grants WHERE {sql} ORDER BY id DESC");
        let query = bind_all(sqlx::query_as::<_, Grant>(sqlx::AssertSqlSafe(full)), binds);
        let mut rows = query.fetch(&pool);
        while let Some(row) = rows.next().await {
            // A closed channel means the client went away: stop reading.
            if tx.send(row).await.is_err() {
                break;
            }
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}
