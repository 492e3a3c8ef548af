//! Partner access usable from minute one. A partner share puts a client's asset in the
//! agency's portfolio, but nobody at the agency can use it until the asset is assigned to
//! someone inside that portfolio. With the agency's Meta connection (a system-user token)
//! Latchkey assigns each newly shared asset to the agency's system user and to the staff
//! the request named, with the tasks the share permits, reads the assignment back, and
//! records who can use it. Without a connection the client page says what to do in
//! Business Settings.

use std::collections::HashMap;

use super::Ctx;
use super::verify::agency_token;
use crate::domain::access::AssetKind;
use crate::error::AppResult;
use crate::meta::AccessToken;
use crate::meta::client::bounded;
use crate::meta::share::CONCURRENCY;
use crate::store::agencies::Agency;

/// Where to assign people to a shared asset by hand, in the agency's Business Settings.
pub fn assign_by_hand(kind: AssetKind) -> String {
    let section = match kind {
        AssetKind::Page => "Accounts → Pages",
        AssetKind::AdAccount => "Accounts → Ad accounts",
        AssetKind::Instagram => "Accounts → Instagram accounts",
        AssetKind::Catalog => "Data sources → Catalogs",
        AssetKind::Pixel => "Data sources → Datasets (pixels)",
    };
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
    let page_tokens: HashMap<String, AccessToken> = graph
        .my_pages(token)
        .await
        .map(|pages| pages.into_iter().map(|p| (p.id, p.access_token)).collect())
        .unwrap_or_default();
    let page_tokens = &page_tokens;
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
