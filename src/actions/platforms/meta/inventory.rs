//! What the client can share at Meta: the picker's inventory of their Pages, ad accounts,
//! Instagram accounts, catalogs and datasets, each with whether it can be shared and why
//! not, and the Facebook Login scopes a request needs. Graph calls only; the approval's
//! steps record what this returns.

use std::collections::HashMap;

use crate::actions::platforms::{Inventory, Offered, Unlisted};
use crate::domain::access::{Ask, AssetKind};
use crate::i18n::Text;
use crate::meta::client::{CONCURRENCY, Edge, PageAccount, bounded};
use crate::meta::{AccessToken, GraphClient, GraphError};

/// The tasks that mean full control of a kind (what sharing needs).
fn full_control(kind: AssetKind) -> &'static str {
    match kind {
        AssetKind::Pixel => "EDIT",
        AssetKind::Instagram => "CONTENT",
        _ => "MANAGE",
    }
}

/// The Facebook Login scopes a request needs.
pub fn scopes_for(asks: &[Ask]) -> Vec<&'static str> {
    let mut scopes = vec!["business_management"];
    for a in asks {
        for s in a.kind.scopes() {
            if !scopes.contains(s) {
                scopes.push(s);
            }
        }
    }
    scopes
}

/// Plain names for permissions a client declined.
pub fn scope_words(scope: &str) -> Text {
    Text::msg(match scope {
        "business_management" => "scope-business_management",
        "pages_show_list" => "scope-pages_show_list",
        "pages_manage_metadata" => "scope-pages_manage_metadata",
        "ads_management" => "scope-ads_management",
        "instagram_basic" => "scope-instagram_basic",
        "catalog_management" => "scope-catalog_management",
        _ => "scope-other",
    })
}

/// Everything the client could share of the requested kinds, grouped later by portfolio.
/// One listing Meta refuses (a kind the app may not list, a portfolio where the person
/// cannot see assets) is reported as unlisted and the rest stays choosable; only a token
/// Meta no longer accepts fails the whole inventory.
pub async fn inventory(
    graph: &GraphClient,
    token: &AccessToken,
    asks: &[Ask],
    agency_portfolio: Option<&str>,
    agency_name: &str,
) -> Result<Inventory, GraphError> {
    let kinds: Vec<AssetKind> = asks.iter().map(|a| a.kind).collect();
    let rights = Rights::read(graph, token, &kinds).await?;
    let (mut offered, unlisted) = listed(graph, token, &kinds, &rights).await?;
    if kinds.contains(&AssetKind::Page) {
        // Pages the person manages that no portfolio owns cannot go to a partner.
        for p in rights.pages.iter().cloned() {
            if !offered.iter().any(|o| o.id == p.id) {
                offered.push(Offered {
                    kind: AssetKind::Page,
                    id: p.id,
                    name: p.name,
                    owner: None,
                    owner_name: Text::msg("owner-no-portfolio").en(),
                    shareable: false,
                    reason: Some(Text::msg("reason-no-portfolio")),
                });
            }
        }
    }
    if let Some(agency) = agency_portfolio {
        mark_already_shared(
            graph,
            token,
            &rights.pages,
            &mut offered,
            agency,
            agency_name,
        )
        .await;
    }
    offered.sort_by(|a, b| {
        (a.owner.is_none(), &a.owner_name, &a.kind, &a.name).cmp(&(
            b.owner.is_none(),
            &b.owner_name,
            &b.kind,
            &b.name,
        ))
    });
    Ok(Inventory { offered, unlisted })
}

/// What Meta tells about the person's own rights: Page tasks from `/me/accounts`, the
/// portfolio role for the kinds whose node type has no per-person tasks.
struct Rights {
    pages: Vec<PageAccount>,
    /// Business id → the person's role in it.
    roles: HashMap<String, String>,
}

impl Rights {
    async fn read(
        graph: &GraphClient,
        token: &AccessToken,
        kinds: &[AssetKind],
    ) -> Result<Self, GraphError> {
        let pages = if kinds.contains(&AssetKind::Page) {
            graph.my_pages(token).await?
        } else {
            Vec::new()
        };
        let needs_role = kinds.iter().any(|k| {
            matches!(
                k,
                AssetKind::Instagram | AssetKind::Catalog | AssetKind::Pixel
            )
        });
        let roles = if needs_role {
            graph
                .my_roles(token)
                .await?
                .into_iter()
                .map(|r| (r.business.id, r.role.unwrap_or_default()))
                .collect()
        } else {
            HashMap::new()
        };
        Ok(Self { pages, roles })
    }
}

/// Every portfolio's assets of every asked kind, each judged shareable or not; a listing
/// Meta refuses is reported as unlisted (only a token it no longer accepts fails it all).
async fn listed(
    graph: &GraphClient,
    token: &AccessToken,
    kinds: &[AssetKind],
    rights: &Rights,
) -> Result<(Vec<Offered>, Vec<Unlisted>), GraphError> {
    let businesses = graph.my_businesses(token).await?;
    let jobs: Vec<(String, String, AssetKind)> = businesses
        .iter()
        .flat_map(|b| {
            kinds
                .iter()
                .map(move |k| (b.id.clone(), b.name.clone(), *k))
        })
        .collect();
    let listed = bounded(jobs, CONCURRENCY, |(bid, bname, kind)| async move {
        let rows = graph.business_assets(token, &bid, kind, Edge::Owned).await;
        (bid, bname, kind, rows)
    })
    .await;
    let mut offered = Vec::new();
    let mut unlisted = Vec::new();
    for (bid, bname, kind, rows) in listed {
        let rows = match rows {
            Ok(rows) => rows,
            Err(e @ GraphError::TokenInvalid { .. }) => return Err(e),
            Err(e) => {
                tracing::warn!(error = ?e, kind = kind.as_str(), "a listing was refused");
                unlisted.push(Unlisted {
                    owner_name: bname,
                    kind,
                    reason: e.why(),
                });
                continue;
            }
        };
        for row in rows {
            let reason =
                why_not_shareable(kind, &row, &rights.pages, rights.roles.get(&bid), &bname);
            offered.push(Offered {
                kind,
                name: row.display_name(),
                id: row.id,
                owner: Some(bid.clone()),
                owner_name: bname.clone(),
                shareable: reason.is_none(),
                reason,
            });
        }
    }
    Ok((offered, unlisted))
}

/// Marks what the agency already has: one read per shareable asset, in parallel. Each
/// read uses the token Meta requires: the Page's for a Page (without one the person cannot
/// share it anyway), the person's for the other kinds.
async fn mark_already_shared(
    graph: &GraphClient,
    token: &AccessToken,
    pages: &[PageAccount],
    offered: &mut [Offered],
    agency: &str,
    agency_name: &str,
) {
    let ids: Vec<(usize, String, AccessToken)> = offered
        .iter()
        .enumerate()
        .filter(|(_, o)| o.shareable)
        .filter_map(|(i, o)| {
            let t = match o.kind {
                AssetKind::Page => pages
                    .iter()
                    .find(|p| p.id == o.id)
                    .map(|p| p.access_token.clone())?,
                _ => token.clone(),
            };
            Some((i, o.id.clone(), t))
        })
        .collect();
    let shared = bounded(ids, CONCURRENCY, |(i, id, t)| async move {
        (
            i,
            graph
                .partners(&t, &id)
                .await
                .map(|rows| rows.iter().any(|r| r.id == agency))
                .unwrap_or(false),
        )
    })
    .await;
    for (i, already) in shared {
        if already {
            offered[i].shareable = false;
            offered[i].reason = Some(Text::msg("reason-already-shared").arg("agency", agency_name));
        }
    }
}

/// Why the person may not share an asset, from what Meta exposes of their rights: a
/// Page's tasks (`/me/accounts`), an ad account's `user_tasks`, and for Instagram accounts,
/// catalogs and pixels (whose node types carry no per-person tasks) the person's role in
/// the owning portfolio. None when they may.
fn why_not_shareable(
    kind: AssetKind,
    row: &crate::meta::wire::AssetRow,
    my_pages: &[PageAccount],
    role: Option<&String>,
    portfolio: &str,
) -> Option<Text> {
    let said = |id: &'static str| {
        Text::msg(id)
            .arg("kind", kind.as_str())
            .arg("portfolio", portfolio)
    };
    match kind {
        AssetKind::Page => match my_pages.iter().find(|p| p.id == row.id) {
            None => Some(said("reason-no-page-role")),
            Some(p) if !p.tasks.iter().any(|t| t == full_control(kind)) => {
                Some(said("reason-not-admin"))
            }
            Some(_) => None,
        },
        AssetKind::AdAccount => (!row.user_tasks.iter().any(|t| t == full_control(kind)))
            .then(|| said("reason-not-admin")),
        // Not a Meta kind: the seam hands Meta only its own.
        AssetKind::Ga4Property | AssetKind::GtmContainer | AssetKind::GoogleAds => None,
        AssetKind::Instagram | AssetKind::Catalog | AssetKind::Pixel => {
            (role.map(String::as_str) != Some("ADMIN")).then(|| said("reason-portfolio-admin"))
        }
    }
}
