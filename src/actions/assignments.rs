//! Partner access usable from minute one. A partner share puts a client's asset in the
//! agency's portfolio, but nobody at the agency can use it until the asset is assigned to
//! someone inside that portfolio. With the agency's Meta connection (a system-user token)
//! Latchkey assigns each newly shared asset to the agency's system user and to the staff
//! the request named, with the tasks the share permits, reads the assignment back, and
//! records who can use it. Without a connection the client page says what to do in
//! Business Settings.

use std::collections::HashMap;

use super::Ctx;
use super::connection::agency_token;
use crate::domain::access::AssetKind;
use crate::error::AppResult;
use crate::meta::AccessToken;
use crate::meta::client::CONCURRENCY;
use crate::meta::client::bounded;
use crate::store::agencies::Agency;

/// Where to assign people to a shared asset by hand, in the agency's Business Settings.
pub fn assign_by_hand(kind: AssetKind) -> String {
    let section = kind.settings_section();
    format!(
        "Nobody at your agency is assigned to it yet: in your Meta Business Settings, open {section}, select it and choose Assign people."
    )
}

/// Assigns the agency's system user and `staff_emails` to each newly shared asset
/// (`targets`: asset id and the tasks the share permits) and returns, per asset, who Meta
/// then shows assigned. Best effort: a refusal leaves the asset out (the page keeps the
/// manual steps). Nothing without the agency's Meta connection.
#[tracing::instrument(skip_all, fields(agency = agency.id))]
pub async fn assign(
    ctx: &Ctx,
    agency: &Agency,
    staff_emails: &[String],
    targets: Vec<(String, Vec<String>)>,
) -> AppResult<HashMap<String, String>> {
    let (Some(token), Some(portfolio)) = (
        agency_token(ctx, agency.id).await?,
        agency.portfolio_id.clone(),
    ) else {
        return Ok(HashMap::new());
    };
    if targets.is_empty() {
        return Ok(HashMap::new());
    }
    let graph = &ctx.graph;
    // Business-scoped ids inside the agency's own portfolio.
    let (system, people) = tokio::join!(
        graph.system_users(&token, &portfolio),
        graph.business_users(&token, &portfolio)
    );
    let mut ids: Vec<String> = system
        .unwrap_or_default()
        .into_iter()
        .map(|u| u.id)
        .collect();
    ids.extend(
        people
            .unwrap_or_default()
            .into_iter()
            .filter(|u| {
                u.email
                    .as_deref()
                    .is_some_and(|e| staff_emails.iter().any(|s| s.eq_ignore_ascii_case(e)))
            })
            .map(|u| u.id),
    );
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let (ids, token, portfolio) = (&ids, &token, &portfolio);
    let assets = bounded(targets, CONCURRENCY, |(asset, tasks)| async move {
        let tasks: Vec<&str> = tasks.iter().map(String::as_str).collect();
        for id in ids {
            if let Err(e) = graph.assign_user(token, &asset, id, &tasks).await {
                tracing::warn!(error = ?e, asset = %asset, "assignment refused");
            }
        }
        asset
    })
    .await;
    // A Page's people are read with that Page's token (and pages_manage_metadata), which the
    // system user holds once it is assigned to the Page: from its `/me/accounts`, read once.
    let page_tokens = &page_tokens(ctx, token).await;
    let results = bounded(assets, CONCURRENCY, |asset| async move {
        let reader = page_tokens.get(&asset).unwrap_or(token);
        let names = graph
            .assigned_users(reader, &asset, portfolio)
            .await
            .map(|users| {
                users
                    .into_iter()
                    .map(|u| u.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        (asset, names)
    })
    .await;
    Ok(results.into_iter().filter(|(_, n)| !n.is_empty()).collect())
}

/// A client asset on which someone at the agency is assigned inside its portfolio.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeldAsset {
    pub asset_id: String,
    pub kind: AssetKind,
    /// "Bloom Page (Facebook Page)".
    pub label: String,
    pub tasks: Vec<String>,
}

/// What one person holds at Meta through the agency's portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HeldAtMeta {
    /// No Meta connection: Latchkey cannot look; these are the assets to check by hand.
    NotConnected(Vec<HeldAsset>),
    /// The person is not among the portfolio's people (nothing of theirs there).
    #[default]
    NotInPortfolio,
    /// Their business-scoped id in the portfolio, and the assets they are assigned to.
    Assigned {
        person: String,
        assets: Vec<HeldAsset>,
    },
    /// Meta did not answer the lookup; the reason.
    Unknown(String),
}

/// The client assets at Meta on which `email` is assigned in the agency's portfolio, read
/// from Meta now (each live partner asset's `assigned_users`, a Page's with its token).
#[tracing::instrument(skip_all, fields(agency = agency.id))]
pub async fn held_by(ctx: &Ctx, agency: &Agency, email: &str) -> AppResult<HeldAtMeta> {
    let candidates: Vec<HeldAsset> = crate::store::grants::live_partner(&ctx.db.pool, agency.id)
        .await?
        .into_iter()
        .map(|g| HeldAsset {
            label: format!("{} ({})", g.asset_name, g.kind.label()),
            asset_id: g.asset_id,
            kind: g.kind,
            tasks: Vec::new(),
        })
        .collect();
    let (Some(token), Some(portfolio)) = (
        agency_token(ctx, agency.id).await?,
        agency.portfolio_id.clone(),
    ) else {
        return Ok(HeldAtMeta::NotConnected(candidates));
    };
    let graph = &ctx.graph;
    let person = match graph.business_users(&token, &portfolio).await {
        Ok(people) => people.into_iter().find(|u| {
            u.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        }),
        Err(e) => return Ok(HeldAtMeta::Unknown(e.plain())),
    };
    let Some(person) = person else {
        return Ok(HeldAtMeta::NotInPortfolio);
    };
    let page_tokens = page_tokens(ctx, &token).await;
    let (token, portfolio, page_tokens, who) = (&token, &portfolio, &page_tokens, &person.id);
    let found = bounded(candidates, CONCURRENCY, |mut asset| async move {
        let reader = page_tokens.get(&asset.asset_id).unwrap_or(token);
        let users = graph
            .assigned_users(reader, &asset.asset_id, portfolio)
            .await
            .unwrap_or_default();
        users.into_iter().find(|u| &u.id == who).map(|u| {
            asset.tasks = u.tasks;
            asset
        })
    })
    .await;
    Ok(HeldAtMeta::Assigned {
        person: person.id,
        assets: found.into_iter().flatten().collect(),
    })
}

/// The Page tokens the agency's system user holds (`/me/accounts`), by Page id.
pub(crate) async fn page_tokens(ctx: &Ctx, token: &AccessToken) -> HashMap<String, AccessToken> {
    ctx.graph
        .my_pages(token)
        .await
        .map(|pages| pages.into_iter().map(|p| (p.id, p.access_token)).collect())
        .unwrap_or_default()
}

/// Removes `person`'s assignment on each asset through the agency's connection and reads
/// each back: per asset, `Ok` once Meta no longer lists them, or the reason and where to
/// do it by hand.
#[tracing::instrument(skip_all, fields(agency = agency.id))]
pub async fn unassign(
    ctx: &Ctx,
    agency: &Agency,
    person: &str,
    assets: Vec<HeldAsset>,
) -> AppResult<Vec<(HeldAsset, Result<(), String>)>> {
    let (Some(token), Some(portfolio)) = (
        agency_token(ctx, agency.id).await?,
        agency.portfolio_id.clone(),
    ) else {
        return Ok(assets
            .into_iter()
            .map(|a| {
                let why = format!(
                    "Latchkey has no Meta connection. {}",
                    unassign_by_hand(a.kind)
                );
                (a, Err(why))
            })
            .collect());
    };
    let graph = &ctx.graph;
    let page_tokens = page_tokens(ctx, &token).await;
    let (token, portfolio, page_tokens) = (&token, &portfolio, &page_tokens);
    Ok(bounded(assets, CONCURRENCY, |asset| async move {
        let removed = graph.remove_user(token, &asset.asset_id, person).await;
        let reader = page_tokens.get(&asset.asset_id).unwrap_or(token);
        let still = graph
            .assigned_users(reader, &asset.asset_id, portfolio)
            .await
            .map(|users| users.iter().any(|u| u.id == person));
        let r = match (removed, still) {
            (_, Ok(false)) => Ok(()),
            (Err(e), _) => Err(format!("{} {}", e.plain(), unassign_by_hand(asset.kind))),
            (Ok(()), Ok(true)) => Err(format!(
                "Meta still lists them on it. {}",
                unassign_by_hand(asset.kind)
            )),
            (Ok(()), Err(e)) => Err(format!(
                "Meta did not let Latchkey check ({}). {}",
                e.plain(),
                unassign_by_hand(asset.kind)
            )),
        };
        (asset, r)
    })
    .await)
}

/// Where to remove a person from a shared asset by hand, in the agency's Business Settings.
pub fn unassign_by_hand(kind: AssetKind) -> String {
    let section = kind.settings_section();
    format!(
        "By hand: in your agency's Meta Business Settings, open {section}, select the asset, then remove the person under Assigned people."
    )
}

/// Someone inside the agency's portfolio assigned to a client asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub name: String,
    /// Their e-mail in the portfolio (None for a system user).
    pub email: Option<String>,
    pub system: bool,
    pub tasks: Vec<String>,
}

/// A live partner asset and who in the agency's portfolio can use it.
#[derive(Debug, Clone)]
pub struct AssetHolders {
    pub client_id: i64,
    pub label: String,
    pub holders: Vec<Holder>,
}

/// What Meta shows of the agency's portfolio now.
#[derive(Debug, Clone)]
pub enum PortfolioView {
    /// No connection: Latchkey cannot look.
    NotConnected,
    /// Meta did not answer.
    Unknown(String),
    Read(Vec<AssetHolders>),
}

/// Who in the agency's portfolio is assigned to each live partner asset, read from Meta
/// now (one `assigned_users` per asset, a Page's with its token).
#[tracing::instrument(skip_all, fields(agency = agency.id))]
pub async fn portfolio_view(ctx: &Ctx, agency: &Agency) -> AppResult<PortfolioView> {
    let (Some(token), Some(portfolio)) = (
        agency_token(ctx, agency.id).await?,
        agency.portfolio_id.clone(),
    ) else {
        return Ok(PortfolioView::NotConnected);
    };
    let grants = crate::store::grants::live_partner(&ctx.db.pool, agency.id).await?;
    let graph = &ctx.graph;
    let people = match graph.business_users(&token, &portfolio).await {
        Ok(p) => p,
        Err(e) => return Ok(PortfolioView::Unknown(e.plain())),
    };
    let emails: HashMap<String, (String, Option<String>)> = people
        .into_iter()
        .map(|u| (u.id, (u.name, u.email)))
        .collect();
    let page_tokens = page_tokens(ctx, &token).await;
    let (token, portfolio, page_tokens, emails) = (&token, &portfolio, &page_tokens, &emails);
    let read = bounded(grants, CONCURRENCY, |g| async move {
        let reader = page_tokens.get(&g.asset_id).unwrap_or(token);
        let users = graph
            .assigned_users(reader, &g.asset_id, portfolio)
            .await
            .unwrap_or_default();
        AssetHolders {
            client_id: g.client_id,
            label: format!("{} ({})", g.asset_name, g.kind.label()),
            holders: users
                .into_iter()
                .map(|u| {
                    let known = emails.get(&u.id);
                    Holder {
                        system: u.user_type.as_deref() == Some("SYSTEM_USER") || known.is_none(),
                        name: known.map_or(u.name.clone(), |k| k.0.clone()),
                        email: known.and_then(|k| k.1.clone()),
                        tasks: u.tasks,
                    }
                })
                .collect(),
        }
    })
    .await;
    Ok(PortfolioView::Read(read))
}
