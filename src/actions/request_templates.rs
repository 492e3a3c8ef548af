//! Request templates: staff save the kinds, levels, mode, link settings, message and
//! client language of a common request once, and start new requests from it.

use super::requests::{Choices, Draft, parse_choices};
use super::{Actor, Ctx, audit};
use crate::domain::BoundedText;
use crate::domain::access::{AccessLevel, Ask, AssetKind};
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::Lang;
use crate::store::is_unique_violation;
// The read model this module returns, for the web layer to name.
pub use crate::store::request_templates::RequestTemplate;
use crate::store::request_templates::{self, NewTemplate};

/// Longest template name.
pub const MAX_NAME: usize = 60;

/// Saves the draft's choices under `name`. `Err(errors)` lists what to correct; nothing is
/// stored then.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn save(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    draft: &Draft,
) -> AppResult<Result<i64, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let name = BoundedText::parse(name, "The template's name", MAX_NAME, true)
        .map_err(|e| errors.push(FieldError::new("name", e)))
        .ok();
    let Choices {
        asks,
        mode,
        days,
        message,
        language,
    } = parse_choices(draft, &mut errors, &ctx.platforms);
    let (Some(name), Some(mode), Some(days), Some(message), true) =
        (name, mode, days, message, errors.is_empty())
    else {
        return Ok(Err(errors));
    };
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let saved = request_templates::insert(
        &mut *tx,
        &NewTemplate {
            agency_id: actor.agency_id,
            name: name.as_str(),
            asks: &Ask::encode(&asks),
            mode,
            expiry_days: days,
            single_use: draft.single_use,
            message: message.as_str(),
            language: language.map(Lang::code),
            created_by: actor.user_id,
        },
        now,
    )
    .await;
    let id = match saved {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Ok(Err(vec![FieldError::new(
                "name",
                format!(
                    "There is already a template called “{}”. Choose another name.",
                    name.as_str()
                ),
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    audit(&mut tx, actor, "template.created", name.as_str(), now).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// The agency's templates.
pub async fn list(ctx: &Ctx, agency_id: i64) -> AppResult<Vec<RequestTemplate>> {
    Ok(request_templates::list(&ctx.db.pool, agency_id).await?)
}

/// One of the agency's templates (404 for another agency's).
pub async fn get(ctx: &Ctx, agency_id: i64, id: i64) -> AppResult<RequestTemplate> {
    request_templates::get(&ctx.db.pool, agency_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Deletes one of the agency's templates; requests made from it are unchanged.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, template = id))]
pub async fn delete(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<()> {
    let t = get(ctx, actor.agency_id, id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if !request_templates::delete(&mut *tx, actor.agency_id, id).await? {
        return Err(AppError::NotFound);
    }
    audit(&mut tx, actor, "template.deleted", &t.name, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A new request's form, filled in from a template.
pub fn draft_from(t: &RequestTemplate, client_id: Option<i64>) -> Draft {
    Draft {
        client_id,
        kinds: Ask::decode(&t.asks)
            .iter()
            .map(|a| (a.kind.as_str().to_owned(), a.level.as_str().to_owned()))
            .collect(),
        mode: t.mode.as_str().to_owned(),
        people: Vec::new(),
        expiry_days: t.expiry_days.to_string(),
        single_use: t.single_use == 1,
        message: t.message.clone(),
        delivery: String::new(),
        language: t.language.clone().unwrap_or_default(),
    }
}

/// "Facebook Pages (manage), Ad accounts (view)": what a template asks, for its list.
pub fn summary(t: &RequestTemplate) -> String {
    Ask::decode(&t.asks)
        .iter()
        .map(|a| {
            let level = AccessLevel::label(a.level).to_lowercase();
            format!("{} ({level})", AssetKind::plural_label(a.kind))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
