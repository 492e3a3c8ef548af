//! User-based grants through a managed-account migration: flagged when a client's
//! organisation moves (with its deadline), unflagged or retired when partner access covers
//! them, replaced by a re-authorisation, and lapsed past the deadline.

use super::Exec;
use super::grants::{COLUMNS, Grant, add_events};
use crate::domain::access::AssetKind;
use crate::domain::migration::ReminderStage;

/// Flags every live user-based grant of a client `needs_reauth` due `due`, and moves the
/// deadline of those already flagged. Returns the flagged grants.
pub async fn flag_user_grants(
    conn: &mut sqlx::AnyConnection,
    agency_id: i64,
    client_id: i64,
    due: i64,
    now: i64,
) -> Result<Vec<Grant>, sqlx::Error> {
    let flagged: Vec<Grant> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE grants SET status = 'needs_reauth', due_at = $1, updated_at = $2,
                status_reason = 'The client is moving to managed Meta accounts; access through a personal account stops at the deadline.'
         WHERE agency_id = $3 AND client_id = $4 AND mode = 'user' AND status IN ('active', 'pending', 'needs_reauth', 'lapsed')
           AND NOT EXISTS (SELECT 1 FROM grants p WHERE p.agency_id = grants.agency_id AND p.asset_id = grants.asset_id
                           AND p.mode = 'partner' AND p.status = 'active' AND p.verified_at IS NOT NULL)
         RETURNING {COLUMNS}"
    )))
    .bind(due)
    .bind(now)
    .bind(agency_id)
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = flagged.iter().map(|g| g.id).collect();
    let detail = format!("Re-authorisation due by {}", crate::clock::format_utc(due));
    add_events(conn, &ids, "needs_reauth", &detail, now).await?;
    Ok(flagged)
}

/// User-based grants on assets the agency holds as partner, confirmed active by read-back,
/// are not at risk: they are marked replaced when the client's migration starts.
pub async fn retire_covered_user_grants(
    conn: &mut sqlx::AnyConnection,
    agency_id: i64,
    client_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE grants SET status = 'replaced', due_at = NULL, updated_at = $1,
                status_reason = 'Partner access to this asset already survives the migration.'
         WHERE agency_id = $2 AND client_id = $3 AND mode = 'user' AND status IN ('active', 'pending', 'needs_reauth', 'lapsed')
           AND EXISTS (SELECT 1 FROM grants p WHERE p.agency_id = grants.agency_id AND p.asset_id = grants.asset_id
                       AND p.mode = 'partner' AND p.status = 'active' AND p.verified_at IS NOT NULL)
         RETURNING id",
    )
    .bind(now)
    .bind(agency_id)
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    add_events(
        conn,
        &ids,
        "replaced",
        "Covered by existing partner access",
        now,
    )
    .await?;
    Ok(ids.len() as u64)
}

/// Clears the flags when the migration is cleared or moved out of "migrating/migrated".
pub async fn unflag_user_grants(
    conn: &mut sqlx::AnyConnection,
    agency_id: i64,
    client_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE grants SET status = 'active', due_at = NULL, updated_at = $1, status_reason = 'Migration cleared.'
         WHERE agency_id = $2 AND client_id = $3 AND status IN ('needs_reauth', 'lapsed') RETURNING id",
    )
    .bind(now)
    .bind(agency_id)
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    add_events(conn, &ids, "active", "Migration cleared", now).await?;
    Ok(ids.len() as u64)
}

/// Marks flagged user-based grants on these assets as replaced by partner access.
pub async fn replace_user_grants(
    conn: &mut sqlx::AnyConnection,
    agency_id: i64,
    asset_id: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE grants SET status = 'replaced', updated_at = $1, due_at = NULL,
                status_reason = 'Replaced by partner access, which survives the migration.'
         WHERE agency_id = $2 AND asset_id = $3 AND mode = 'user' AND status IN ('needs_reauth', 'lapsed') RETURNING id",
    )
    .bind(now)
    .bind(agency_id)
    .bind(asset_id)
    .fetch_all(&mut *conn)
    .await?;
    add_events(conn, &ids, "replaced", "Replaced by a partner grant", now).await?;
    Ok(ids.len() as u64)
}

/// A client's grants a partner-access link should restore: flagged (and, with
/// `lapsed`, those whose deadline passed), soonest deadline first.
pub async fn needing_reauth<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: Option<i64>,
    lapsed: bool,
) -> Result<Vec<Grant>, sqlx::Error> {
    let statuses = if lapsed {
        "'needs_reauth', 'lapsed'"
    } else {
        "'needs_reauth'"
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM grants WHERE agency_id = $1 AND status IN ({statuses}) AND ($2 = 0 OR client_id = $2)
         ORDER BY due_at, client_id, asset_name, id"
    )))
    .bind(agency_id)
    .bind(client_id.unwrap_or(0))
    .fetch_all(db)
    .await
}

/// Clients with flagged grants, their earliest deadline, and what they were last told:
/// (agency, client, earliest due, deadline stage, last reminder).
pub async fn reauth_deadlines<'c>(
    db: impl Exec<'c>,
) -> Result<Vec<(i64, i64, i64, Option<ReminderStage>)>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT g.agency_id, g.client_id, CAST(MIN(g.due_at) AS BIGINT), c.deadline_stage, c.last_deadline_reminder_at
         FROM grants g JOIN clients c ON c.id = g.client_id
         WHERE g.status = 'needs_reauth' AND g.due_at IS NOT NULL
         GROUP BY g.agency_id, g.client_id, c.deadline_stage, c.last_deadline_reminder_at",
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(agency, client, due, stage, _)| {
            let stage = ReminderStage::decode(&stage).map_err(|e| sqlx::Error::Decode(e.into()))?;
            Ok((agency, client, due, stage))
        })
        .collect()
}

/// (asset name, kind) of an agency's user-based grants on these assets, for naming them.
pub async fn user_assets_named<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    asset_ids: &[&str],
) -> Result<Vec<(String, AssetKind)>, sqlx::Error> {
    if asset_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Placeholders only; every id is bound.
    let marks: Vec<String> = (0..asset_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT DISTINCT asset_name, kind FROM grants
         WHERE agency_id = $1 AND mode = 'user' AND asset_id IN ({}) ORDER BY asset_name",
        marks.join(", ")
    );
    let q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql)).bind(agency_id);
    let rows = asset_ids
        .iter()
        .fold(q, |q, id| q.bind(*id))
        .fetch_all(db)
        .await?;
    rows.into_iter()
        .map(|(name, kind)| {
            let kind = AssetKind::try_from(kind).map_err(|e| sqlx::Error::Decode(e.into()))?;
            Ok((name, kind))
        })
        .collect()
}

/// (agency, client) pairs with flagged grants whose deadline has passed.
pub async fn clients_past_deadline<'c>(
    db: impl Exec<'c>,
    now: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT agency_id, client_id FROM grants
         WHERE status = 'needs_reauth' AND due_at IS NOT NULL AND due_at <= $1",
    )
    .bind(now)
    .fetch_all(db)
    .await
}

/// Flagged grants of a client whose deadline has passed become `lapsed`; returns them.
pub async fn lapse_past_deadline(
    conn: &mut sqlx::AnyConnection,
    agency_id: i64,
    client_id: i64,
    now: i64,
) -> Result<Vec<Grant>, sqlx::Error> {
    let list: Vec<Grant> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE grants SET status = 'lapsed', updated_at = $1,
                status_reason = 'The migration deadline passed before this was re-authorised: presumed lost.'
         WHERE agency_id = $2 AND client_id = $3 AND status = 'needs_reauth'
           AND due_at IS NOT NULL AND due_at <= $1
         RETURNING {COLUMNS}"
    )))
    .bind(now)
    .bind(agency_id)
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = list.iter().map(|g| g.id).collect();
    add_events(conn, &ids, "lapsed", "Deadline passed", now).await?;
    Ok(list)
}
