//! The access review: per person at the agency, what they hold through Latchkey (role, API
//! keys, client assets assigned to them at Meta with tasks), and per client asset, who at
//! the agency can use it — read from Meta now. A manager confirms a review (who, when, what
//! it covered: the evidence an agency's clients and auditors ask for); owners may require
//! one every N days, and the agency's managers are e-mailed when one is due.

use std::collections::BTreeMap;

use super::assignments::{self, PortfolioView};
use super::{Actor, Ctx, audit};
use crate::domain::Role;
use crate::domain::access::task_words;
use crate::error::{AppError, AppResult};
use crate::store::{agencies, api_keys, clients, reviews, users};

/// One API key as the review lists it.
#[derive(Debug, Clone)]
pub struct KeyLine {
    pub name: String,
    pub prefix: String,
    pub scope: &'static str,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
}

/// One client asset someone is assigned to at Meta.
#[derive(Debug, Clone)]
pub struct AssetLine {
    pub client: String,
    pub asset: String,
    pub tasks: String,
}

/// A person and what they hold.
#[derive(Debug, Clone)]
pub struct PersonAccess {
    pub name: String,
    /// Empty for a system user.
    pub email: String,
    /// Their role in Latchkey, or None for someone in the portfolio who is not.
    pub role: Option<Role>,
    pub keys: Vec<KeyLine>,
    pub assets: Vec<AssetLine>,
}

/// A client asset and who can use it.
#[derive(Debug, Clone)]
pub struct AssetAccess {
    pub client: String,
    pub asset: String,
    pub people: Vec<String>,
}

/// The whole review.
#[derive(Debug, Clone)]
pub struct Review {
    pub people: Vec<PersonAccess>,
    pub assets: Vec<AssetAccess>,
    /// Why Meta's side is missing, if it is.
    pub meta_note: Option<String>,
    pub past: Vec<reviews::Review>,
    pub every_days: Option<i64>,
    /// When the next review is due (with a schedule).
    pub due_at: Option<i64>,
}

/// Each person of the agency with their role and live keys (assets come from Meta).
fn staff_access(staff: &[users::User], keys: &[api_keys::ApiKey], now: i64) -> Vec<PersonAccess> {
    staff
        .iter()
        .map(|u| PersonAccess {
            name: u.name.clone(),
            email: u.email.clone(),
            role: Some(u.role),
            keys: keys
                .iter()
                .filter(|k| k.created_by == Some(u.id) && k.revoked_at.is_none())
                .filter(|k| k.expires_at.is_none_or(|t| t > now))
                .map(|k| KeyLine {
                    name: k.name.clone(),
                    prefix: k.prefix.clone(),
                    scope: k.scope.label(),
                    last_used_at: k.last_used_at,
                    expires_at: k.expires_at,
                })
                .collect(),
            assets: Vec::new(),
        })
        .collect()
}

/// Adds one client asset to each person Meta shows assigned to it; someone in the
/// portfolio but not in Latchkey (the system user, a stranger) gets a line of their own.
fn add_holders(people: &mut Vec<PersonAccess>, client: &str, h: assignments::AssetHolders) {
    for holder in h.holders {
        let line = AssetLine {
            client: client.to_owned(),
            asset: h.label.clone(),
            tasks: task_words(&holder.tasks.join(",")),
        };
        let at = people.iter().position(|p| {
            holder
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(&p.email))
                || (holder.system && p.email.is_empty() && p.name == holder.name)
        });
        match at {
            Some(i) => people[i].assets.push(line),
            None => people.push(PersonAccess {
                name: holder.name.clone(),
                email: holder.email.clone().unwrap_or_default(),
                role: None,
                keys: Vec::new(),
                assets: vec![line],
            }),
        }
    }
}

/// Builds the review from Latchkey's records and Meta's answers now.
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn build(ctx: &Ctx, agency_id: i64) -> AppResult<Review> {
    let pool = &ctx.db.pool;
    let agency = agencies::get(pool, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let staff = users::list(pool, agency_id).await?;
    let keys = api_keys::list(pool, agency_id).await?;
    let mut people = staff_access(&staff, &keys, ctx.clock.now());
    let mut assets = Vec::new();
    let meta_note = match assignments::portfolio_view(ctx, &agency).await? {
        PortfolioView::NotConnected => Some(
            "Latchkey has no Meta connection, so who can use each client asset at Meta is not shown. Connect in Settings → Meta.".to_owned(),
        ),
        PortfolioView::Unknown(why) => Some(format!(
            "Meta did not answer ({why}), so who can use each client asset is not shown. Try again shortly."
        )),
        PortfolioView::Read(held) => {
            let ids: Vec<i64> = held.iter().map(|h| h.client_id).collect();
            let names: BTreeMap<i64, String> =
                clients::names(pool, agency_id, &ids).await?.into_iter().collect();
            for h in held {
                let client = names.get(&h.client_id).cloned().unwrap_or_default();
                assets.push(AssetAccess {
                    client: client.clone(),
                    asset: h.label.clone(),
                    people: h.holders.iter().map(|p| p.name.clone()).collect(),
                });
                add_holders(&mut people, &client, h);
            }
            None
        }
    };
    let (every_days, _) = reviews::schedule(pool, agency_id).await?;
    let past = reviews::recent(pool, agency_id, 10).await?;
    let due_at = every_days.map(|d| {
        past.first()
            .map_or(agency.created_at, |r| r.confirmed_at)
            .saturating_add(d * 86_400)
    });
    Ok(Review {
        people,
        assets,
        meta_note,
        past,
        every_days,
        due_at,
    })
}

/// A manager confirms they reviewed the list as it stands now.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn confirm(ctx: &Ctx, actor: &Actor, email: &str) -> AppResult<()> {
    if !actor.role.can_manage() {
        return Err(AppError::Forbidden(
            "Only the agency's owners and admins can confirm an access review.",
        ));
    }
    let review = build(ctx, actor.agency_id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let (people, assets) = (review.people.len() as i64, review.assets.len() as i64);
    reviews::insert(
        &mut *tx,
        actor.agency_id,
        &actor.name,
        email,
        people,
        assets,
        now,
    )
    .await?;
    let what = format!("{people} people, {assets} client assets");
    audit(&mut tx, actor, "access_review.confirmed", &what, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Owners set how often a review is required (None: not required).
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn set_every(ctx: &Ctx, actor: &Actor, days: Option<i64>) -> AppResult<()> {
    if actor.role != Role::Owner {
        return Err(AppError::Forbidden(
            "Only owners can set how often access is reviewed.",
        ));
    }
    if days.is_some_and(|d| !(7..=365).contains(&d)) {
        return Err(AppError::BadRequest(
            "Choose between 7 and 365 days, or no schedule.".into(),
        ));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    reviews::set_every(&mut *tx, actor.agency_id, days).await?;
    let what = days.map_or("not required".to_owned(), |d| format!("every {d} days"));
    audit(&mut tx, actor, "access_review.schedule", &what, now).await?;
    tx.commit().await?;
    Ok(())
}

/// E-mails the managers of each agency whose review is due, once per due period.
#[tracing::instrument(skip_all)]
pub async fn remind_due(ctx: &Ctx) -> AppResult<usize> {
    let now = ctx.clock.now();
    let mut sent = 0;
    for (agency_id, every, last, _) in reviews::scheduled(&ctx.db.pool).await? {
        let Some(agency) = agencies::get(&ctx.db.pool, agency_id).await? else {
            continue;
        };
        let due = last.unwrap_or(agency.created_at) + every * 86_400;
        if due > now {
            continue;
        }
        let mut tx = ctx.db.begin().await?;
        if !reviews::claim_reminder(&mut *tx, agency_id, due, now).await? {
            continue;
        }
        let brand = crate::mail::templates::Brand::from(&agency);
        let url = ctx.url("/team/access-review");
        for u in users::list(&mut *tx, agency_id).await? {
            if !u.role.can_manage() {
                continue;
            }
            let email = crate::mail::templates::access_review_due(&brand, &u.email, every, &url)?;
            ctx.queue_mail(&mut tx, Some(agency_id), &email, now)
                .await?;
        }
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        ctx.mailer.wake();
    }
    Ok(sent)
}
