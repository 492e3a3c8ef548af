//! The agency's clients: add, edit, archive and restore.

use super::{Actor, Ctx, audit};
use crate::domain::{BoundedText, EmailAddress};
use crate::error::{AppError, AppResult, FieldError};
// The read models this module returns, for the web layer to name.
use crate::store::clients::{self, ClientFields};
pub use crate::store::clients::{Client, ClientQuery, MigrationRow};
use crate::store::grants::{self, Grant};
use crate::store::signals;
pub use crate::store::signals::Signal;
use crate::store::statements;
pub use crate::store::statements::Statement;

/// The client form as typed.
#[derive(Debug, Default, Clone)]
pub struct Typed {
    pub name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub notes: String,
    /// Staff saw that a client with this name or e-mail exists and add this one anyway.
    pub allow_duplicate: bool,
}

/// Why a new client was not added.
pub enum NotAdded {
    /// What to correct, field by field.
    Invalid(Vec<FieldError>),
    /// Clients with the same name or contact e-mail exist: (id, name, e-mail). Staff may
    /// confirm and add it anyway.
    LooksLike(Vec<(i64, String, String)>),
}

struct Valid {
    name: BoundedText,
    contact_name: BoundedText,
    contact_email: EmailAddress,
    notes: BoundedText,
}

impl Typed {
    fn validate(&self) -> Result<Valid, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = BoundedText::parse_line(&self.name, "Client name", 120, true)
            .map_err(|e| errors.push(FieldError::new("name", e)))
            .ok();
        let contact_name = BoundedText::parse_line(&self.contact_name, "Contact name", 120, false)
            .map_err(|e| errors.push(FieldError::new("contact_name", e)))
            .ok();
        let contact_email = EmailAddress::parse(&self.contact_email)
            .map_err(|e| {
                errors.push(FieldError::new(
                    "contact_email",
                    format!("Contact e-mail: {e}"),
                ))
            })
            .ok();
        let notes = BoundedText::parse(&self.notes, "Notes", 4000, false)
            .map_err(|e| errors.push(FieldError::new("notes", e)))
            .ok();
        match (name, contact_name, contact_email, notes) {
            (Some(name), Some(contact_name), Some(contact_email), Some(notes)) => Ok(Valid {
                name,
                contact_name,
                contact_email,
                notes,
            }),
            _ => Err(errors),
        }
    }
}

impl Valid {
    fn fields(&self) -> ClientFields<'_> {
        ClientFields {
            name: self.name.as_str(),
            contact_name: self.contact_name.as_str(),
            contact_email: self.contact_email.as_str(),
            notes: self.notes.as_str(),
        }
    }
}

/// One of the agency's clients, or 404.
#[tracing::instrument(skip_all, fields(agency = agency_id, client = id))]
pub async fn get(ctx: &Ctx, agency_id: i64, id: i64) -> AppResult<Client> {
    clients::get(&ctx.db.pool, agency_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Adds a client; returns its id. `Err(errors)`: what to correct.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn create(ctx: &Ctx, actor: &Actor, f: &Typed) -> AppResult<Result<i64, NotAdded>> {
    let valid = match f.validate() {
        Ok(v) => v,
        Err(errors) => return Ok(Err(NotAdded::Invalid(errors))),
    };
    if !f.allow_duplicate {
        let alike = clients::alike(
            &ctx.db.pool,
            actor.agency_id,
            valid.name.as_str(),
            valid.contact_email.as_str(),
        )
        .await?;
        if !alike.is_empty() {
            return Ok(Err(NotAdded::LooksLike(alike)));
        }
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let id = clients::insert(&mut *tx, actor.agency_id, &valid.fields(), now).await?;
    audit(&mut tx, actor, "client.created", valid.name.as_str(), now).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Edits a client. `Err(errors)`: what to correct.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = id))]
pub async fn update(
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    f: &Typed,
) -> AppResult<Result<(), Vec<FieldError>>> {
    get(ctx, actor.agency_id, id).await?;
    let valid = match f.validate() {
        Ok(v) => v,
        Err(errors) => return Ok(Err(errors)),
    };
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if !clients::update(&mut *tx, actor.agency_id, id, &valid.fields(), now).await? {
        return Err(AppError::NotFound);
    }
    audit(&mut tx, actor, "client.updated", valid.name.as_str(), now).await?;
    tx.commit().await?;
    // Link pages show it: this process shows the change at once (others within a second).
    ctx.links.faces.forget();
    Ok(Ok(()))
}

/// Archives a client (`archive`) or restores it.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = id))]
pub async fn set_archived(ctx: &Ctx, actor: &Actor, id: i64, archive: bool) -> AppResult<()> {
    let client = get(ctx, actor.agency_id, id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    clients::set_archived(&mut *tx, actor.agency_id, id, archive.then_some(now), now).await?;
    let action = if archive {
        "client.archived"
    } else {
        "client.restored"
    };
    audit(&mut tx, actor, action, &client.name, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Everything a client's page shows, read at once.
pub struct Overview {
    pub client: Client,
    pub grants: Vec<Grant>,
    /// The agency's record of the client's move (None: never recorded).
    pub migration: Option<MigrationRow>,
    /// Signals from Meta waiting for staff.
    pub signals: Vec<Signal>,
    /// The client's latest word on the move (never the record itself).
    pub statement: Option<Statement>,
    /// The latest grant history: (asset name, status, detail, when).
    pub history: Vec<(String, String, String, i64)>,
}

/// A client's page: its grants, migration record, the client's statement and history.
#[tracing::instrument(skip_all, fields(agency = agency_id, client = id))]
pub async fn overview(ctx: &Ctx, agency_id: i64, id: i64) -> AppResult<Overview> {
    let db = &ctx.db.pool;
    let client = get(ctx, agency_id, id).await?;
    let (grants, migration, signals, statement, history) = tokio::try_join!(
        grants::for_client(db, agency_id, id),
        clients::migration(db, agency_id, id),
        signals::open(db, agency_id, id),
        statements::latest(db, agency_id, id),
        grants::client_history(db, agency_id, id, 50),
    )?;
    Ok(Overview {
        client,
        grants,
        migration,
        signals,
        statement,
        history,
    })
}

/// A page of the agency's clients.
pub async fn list(
    ctx: &Ctx,
    agency_id: i64,
    q: &clients::ClientQuery,
    per_page: i64,
) -> AppResult<crate::store::Page<Client>> {
    Ok(clients::list(&ctx.db.pool, agency_id, q, per_page).await?)
}
