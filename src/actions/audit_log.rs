//! The agency's audit log as owners and admins read it: a filtered page, and the export.

use super::Ctx;
use crate::error::AppResult;
use crate::store::{Page, audit};

// The read models this module returns, for the web layer to name.
pub use crate::store::audit::{AuditEntry, AuditQuery};

/// A page of entries matching `q`, newest first, older than `before`.
pub async fn page(
    ctx: &Ctx,
    agency_id: i64,
    q: &AuditQuery,
    before: Option<i64>,
    per_page: i64,
) -> AppResult<Page<AuditEntry>> {
    Ok(audit::list(&ctx.db.pool, agency_id, q, before, per_page).await?)
}

/// Every entry matching `q`, for the CSV export.
pub async fn all(ctx: &Ctx, agency_id: i64, q: &AuditQuery) -> AppResult<Vec<AuditEntry>> {
    Ok(audit::all(&ctx.db.pool, agency_id, q).await?)
}
