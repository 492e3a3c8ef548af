//! The grants book as the agency reads it: a filtered page with totals, and the export.

use std::collections::HashMap;

use super::Ctx;
use crate::error::{AppError, AppResult};
use crate::store::clients::{self, ClientQuery};
use crate::store::grant_book;
// The read models this module returns, for the web layer to name.
pub use crate::store::grant_book::{Cursor, GrantQuery, Total};
pub use crate::store::grants::{Grant, GrantEvent};

/// Clients the dashboard's picker lists; beyond that, filter from a client's page.
const PICKER: i64 = 300;

/// One page of the book.
pub struct Book {
    pub items: Vec<Grant>,
    /// Another page follows.
    pub more: bool,
    pub totals: Vec<Total>,
    /// The client picker: (id, name).
    pub clients: Vec<(i64, String)>,
    /// Names of the clients on this page.
    pub names: HashMap<i64, String>,
}

/// A client filter must name one of the agency's own clients: another agency's id is the
/// same 404 as everywhere else, not an empty page.
async fn own_client(ctx: &Ctx, agency_id: i64, client_id: Option<i64>) -> AppResult<()> {
    if let Some(id) = client_id {
        clients::get(&ctx.db.pool, agency_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    Ok(())
}

/// A page of the agency's grants after `after`, with totals for the same filters.
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn book(
    ctx: &Ctx,
    agency_id: i64,
    q: &GrantQuery,
    after: Option<&Cursor>,
    per_page: i64,
) -> AppResult<Book> {
    own_client(ctx, agency_id, q.client_id).await?;
    let db = &ctx.db.pool;
    let picker = ClientQuery {
        search: String::new(),
        archived: false,
        page: 1,
    };
    // Three independent reads, on three connections at once (a round trip each on
    // PostgreSQL).
    let ((items, more), totals, picker) = tokio::try_join!(
        grant_book::page(db, agency_id, q, after, per_page),
        grant_book::totals(db, agency_id, q),
        clients::list(db, agency_id, &picker, PICKER),
    )?;
    let mut ids: Vec<i64> = items.iter().map(|g| g.client_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = clients::names(db, agency_id, &ids)
        .await?
        .into_iter()
        .collect();
    Ok(Book {
        items,
        more,
        totals,
        clients: picker.items.into_iter().map(|c| (c.id, c.name)).collect(),
        names,
    })
}

/// The filtered set, streamed (newest first) without loading it into memory.
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn export(
    ctx: &Ctx,
    agency_id: i64,
    q: GrantQuery,
) -> AppResult<impl futures_util::Stream<Item = Result<Grant, sqlx::Error>> + Send + 'static> {
    own_client(ctx, agency_id, q.client_id).await?;
    Ok(grant_book::stream(ctx.db.pool.clone(), agency_id, q))
}

/// One of the agency's grants with its history, or 404.
#[tracing::instrument(skip_all, fields(agency = agency_id, grant = id))]
pub async fn detail(
    ctx: &Ctx,
    agency_id: i64,
    id: i64,
) -> AppResult<(Grant, Vec<crate::store::grants::GrantEvent>)> {
    let g = crate::store::grants::get(&ctx.db.pool, agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = crate::store::grants::events(&ctx.db.pool, id).await?;
    Ok((g, events))
}

/// One page of the agency's grants, without the dashboard's totals and picker (the API's
/// list): one query.
pub async fn page(
    ctx: &Ctx,
    agency_id: i64,
    q: &GrantQuery,
    after: Option<&Cursor>,
    per_page: i64,
) -> AppResult<(Vec<Grant>, bool)> {
    own_client(ctx, agency_id, q.client_id).await?;
    Ok(grant_book::page(&ctx.db.pool, agency_id, q, after, per_page).await?)
}
