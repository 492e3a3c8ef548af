//! The approval itself, as Graph calls: what the client can share (the picker's inventory),
//! and sharing it (partner or user mode) with bounded concurrency, reading every grant back.
//! No SQL and no HTTP types here: the web layer records what this returns.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::domain::GrantStatus;
use crate::domain::access::{self, AccessLevel, Ask, AssetKind, GrantMode};
use crate::i18n::Text;
use crate::meta::client::{Edge, PageAccount, bounded};
use crate::meta::{AccessToken, GraphClient, GraphError};

/// Graph calls in flight at once during an approval.
pub const CONCURRENCY: usize = 16;

/// One asset as the picker offers it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Offered {
    pub kind: AssetKind,
    pub id: String,
    pub name: String,
    /// The owning business portfolio, if any.
    pub owner: Option<String>,
    pub owner_name: String,
    pub shareable: bool,
    /// Why it cannot be shared, in plain words.
    pub reason: Option<Text>,
}

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

/// A portfolio's kind of asset that Meta would not list, and why in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlisted {
    pub owner_name: String,
    pub kind: AssetKind,
    pub reason: Text,
}

/// What the client can choose from, and what could not be listed.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub offered: Vec<Offered>,
    pub unlisted: Vec<Unlisted>,
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
    let businesses = graph.my_businesses(token).await?;
    let kinds: Vec<AssetKind> = asks.iter().map(|a| a.kind).collect();
    // What Meta tells about the person's own rights: Page tasks from `/me/accounts`, the
    // portfolio role for the kinds whose node type has no per-person tasks.
    let my_pages = if kinds.contains(&AssetKind::Page) {
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
    let roles: HashMap<String, String> = if needs_role {
        graph
            .my_roles(token)
            .await?
            .into_iter()
            .map(|r| (r.business.id, r.role.unwrap_or_default()))
            .collect()
    } else {
        HashMap::new()
    };
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
            let reason = why_not_shareable(kind, &row, &my_pages, roles.get(&bid), &bname);
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
    if kinds.contains(&AssetKind::Page) {
        // Pages the person manages that no portfolio owns cannot go to a partner.
        for p in my_pages.iter().cloned() {
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
    // Mark what the agency already has: one read per shareable asset, in parallel.
    if let Some(agency) = agency_portfolio {
        let candidates: Vec<usize> = (0..offered.len())
            .filter(|i| offered[*i].shareable)
            .collect();
        // Each read uses the token Meta requires: the Page's for a Page (without one the
        // person cannot share it anyway), the person's for the other kinds.
        let ids: Vec<(usize, String, AccessToken)> = candidates
            .iter()
            .filter_map(|i| {
                let o = &offered[*i];
                let t = match o.kind {
                    AssetKind::Page => my_pages
                        .iter()
                        .find(|p| p.id == o.id)
                        .map(|p| p.access_token.clone())?,
                    _ => token.clone(),
                };
                Some((*i, o.id.clone(), t))
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
                offered[i].reason =
                    Some(Text::msg("reason-already-shared").arg("agency", agency_name));
            }
        }
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
        AssetKind::Instagram | AssetKind::Catalog | AssetKind::Pixel => {
            (role.map(String::as_str) != Some("ADMIN")).then(|| said("reason-portfolio-admin"))
        }
    }
}

/// What happened to one asset for one grantee.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub kind: AssetKind,
    pub asset_id: String,
    pub asset_name: String,
    pub owner: Option<String>,
    pub mode: GrantMode,
    /// The agency's portfolio id (partner) or the person's e-mail (user).
    pub grantee: String,
    pub tasks: Vec<String>,
    /// Active, pending or failed.
    pub status: GrantStatus,
    pub reason: Text,
    /// Recorded from what Meta already had (inventory), not made by this approval.
    pub existing: bool,
    /// Meta's read-back confirmed it.
    pub verified: bool,
}

/// The approval's inputs.
pub struct Approval<'a> {
    pub token: &'a AccessToken,
    pub mode: GrantMode,
    pub asks: &'a [Ask],
    pub agency_portfolio: &'a str,
    /// Agency staff e-mails: to recognise existing user-based access.
    pub staff_emails: &'a [String],
    /// For user mode: the agency people to give access.
    pub people: &'a [String],
}

fn level_for(asks: &[Ask], kind: AssetKind) -> AccessLevel {
    asks.iter()
        .find(|a| a.kind == kind)
        .map_or(AccessLevel::View, |a| a.level)
}

/// What sharing needs before the first asset: the Page tokens (Page edges need them) and
/// the business-scoped people of each portfolio involved, by e-mail.
pub struct Prepared {
    page_tokens: HashMap<String, PageAccount>,
    people: BTreeMap<String, Vec<(String, String)>>,
    /// What Meta showed of each portfolio's move to managed accounts.
    pub signals: Vec<PortfolioSignal>,
}

/// Evidence, read with the client's token during an approval, that a portfolio's
/// organisation is moving to managed Meta accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortfolioSignal {
    pub business_id: String,
    pub business_name: String,
    /// People whose `invited_user_type` is MWA (a managed work account).
    pub managed: usize,
    pub people: usize,
    /// The approving person's own account in that portfolio is a work account.
    pub approver_managed: bool,
}

impl PortfolioSignal {
    /// Whether it says anything: work accounts among the people, or the approver's own.
    pub fn says_migrating(&self) -> bool {
        self.managed > 0 || self.approver_managed
    }
}

fn is_work_account(types: &[String]) -> bool {
    types.iter().any(|t| t == "MWA")
}

/// Reads what every asset's share needs. Fails only when the Pages cannot be listed.
pub async fn prepare(
    graph: &GraphClient,
    token: &AccessToken,
    selected: &[Offered],
) -> Result<Prepared, GraphError> {
    let needs_pages = selected.iter().any(|s| s.kind == AssetKind::Page);
    let page_tokens: HashMap<String, PageAccount> = if needs_pages {
        graph
            .my_pages(token)
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect()
    } else {
        HashMap::new()
    };
    let owners: Vec<String> = {
        let mut o: Vec<String> = selected.iter().filter_map(|s| s.owner.clone()).collect();
        o.sort();
        o.dedup();
        o
    };
    let people_lists = bounded(owners, CONCURRENCY, |b| async move {
        (
            b.clone(),
            graph.business_users(token, &b).await.unwrap_or_default(),
        )
    })
    .await;
    // The approver's own account type per portfolio: best effort, a signal is optional.
    let mine = graph.my_roles(token).await.unwrap_or_default();
    let signals = people_lists
        .iter()
        .map(|(b, users)| PortfolioSignal {
            business_id: b.clone(),
            business_name: selected
                .iter()
                .find(|s| s.owner.as_deref() == Some(b.as_str()))
                .map(|s| s.owner_name.clone())
                .unwrap_or_default(),
            managed: users
                .iter()
                .filter(|u| is_work_account(&u.invited_user_type))
                .count(),
            people: users.len(),
            approver_managed: mine
                .iter()
                .any(|m| &m.business.id == b && is_work_account(&m.invited_user_type)),
        })
        .collect();
    let people = people_lists
        .into_iter()
        .map(|(b, users)| {
            (
                b,
                users
                    .into_iter()
                    .filter_map(|u| Some((u.id, u.email?.to_lowercase())))
                    .collect(),
            )
        })
        .collect();
    Ok(Prepared {
        page_tokens,
        people,
        signals,
    })
}

/// Shares one asset and reads the grant back.
pub async fn share_asset(
    graph: &GraphClient,
    a: &Approval<'_>,
    p: &Prepared,
    asset: &Offered,
) -> Vec<Outcome> {
    share_one(graph, a, p, asset, Step::Share).await.0
}

/// Reads back what Meta holds for an asset whose share may or may not have happened (a
/// process died mid-approval): found is a grant, not found is a failure, nothing is sent.
/// None when Meta could not be read: then nothing may be concluded yet.
pub async fn read_back(
    graph: &GraphClient,
    a: &Approval<'_>,
    p: &Prepared,
    asset: &Offered,
) -> Option<Vec<Outcome>> {
    let (outcomes, read_ok) = share_one(graph, a, p, asset, Step::ReadBack).await;
    read_ok.then_some(outcomes)
}

/// Shares the selected assets and reads each grant back; records existing access found.
pub async fn approve(
    graph: &GraphClient,
    a: &Approval<'_>,
    selected: Vec<Offered>,
) -> Result<Vec<Outcome>, GraphError> {
    let prepared = prepare(graph, a.token, &selected).await?;
    let prepared = &prepared;
    let per_asset = bounded(selected, CONCURRENCY, |asset| async move {
        share_asset(graph, a, prepared, &asset).await
    })
    .await;
    Ok(per_asset.into_iter().flatten().collect())
}

/// Whether to make the change at Meta, or only read back what is there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Share,
    ReadBack,
}

/// Said of an asset whose share was interrupted and that Meta does not hold.
pub const INTERRUPTED: &str = "reason-interrupted";

// A private constructor; every field is named at the call sites' positions below.
#[allow(clippy::too_many_arguments)]
fn outcome(
    asset: &Offered,
    mode: GrantMode,
    grantee: &str,
    tasks: &[String],
    status: GrantStatus,
    reason: Text,
    existing: bool,
    verified: bool,
) -> Outcome {
    Outcome {
        kind: asset.kind,
        asset_id: asset.id.clone(),
        asset_name: asset.name.clone(),
        owner: asset.owner.clone(),
        mode,
        grantee: grantee.to_owned(),
        tasks: tasks.to_vec(),
        status,
        reason,
        existing,
        verified,
    }
}

async fn share_one(
    graph: &GraphClient,
    a: &Approval<'_>,
    p: &Prepared,
    asset: &Offered,
    step: Step,
) -> (Vec<Outcome>, bool) {
    let kind = asset.kind;
    let tasks: Vec<&str> = access::tasks(kind, level_for(a.asks, kind)).to_vec();
    let tasks = tasks.as_slice();
    let token = if kind == AssetKind::Page {
        p.page_tokens
            .get(&asset.id)
            .map_or(a.token, |p| &p.access_token)
    } else {
        a.token
    };
    let owned_tasks: Vec<String> = tasks.iter().map(|t| (*t).to_owned()).collect();
    let members = asset
        .owner
        .as_ref()
        .and_then(|o| p.people.get(o))
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    // 1. The change itself (or, reading back, who it was meant for).
    let mut made: Vec<(String, Option<Text>)> = Vec::new(); // (grantee, failure reason)
    match (a.mode, step) {
        (GrantMode::Partner, Step::ReadBack) => made.push((a.agency_portfolio.to_owned(), None)),
        (GrantMode::User, Step::ReadBack) => {
            made.extend(a.people.iter().map(|e| (e.clone(), None)));
        }
        (GrantMode::Partner, Step::Share) => {
            let r = graph
                .share_partner(token, &asset.id, a.agency_portfolio, tasks)
                .await;
            made.push((
                a.agency_portfolio.to_owned(),
                match r {
                    Ok(()) | Err(GraphError::AlreadyShared) => None,
                    Err(e) => Some(e.why()),
                },
            ));
        }
        (GrantMode::User, Step::Share) => {
            for email in a.people {
                let bsuid = members
                    .iter()
                    .find(|(_, e)| e == &email.to_lowercase())
                    .map(|(id, _)| id.clone());
                let failure = match bsuid {
                    None => Some(Text::msg("reason-not-member").arg("email", email)),
                    Some(id) => graph
                        .assign_user(token, &asset.id, &id, tasks)
                        .await
                        .err()
                        .map(|e| e.why()),
                };
                made.push((email.clone(), failure));
            }
        }
    }
    // 2. Read back, and take inventory of what the agency already had on the asset.
    let owner = asset.owner.clone().unwrap_or_default();
    let (partners, assigned) = tokio::join!(graph.partners(token, &asset.id), async {
        if owner.is_empty() {
            Ok(Vec::new())
        } else {
            graph.assigned_users(token, &asset.id, &owner).await
        }
    });
    let read_ok = partners.is_ok() && assigned.is_ok();
    let partners = partners.unwrap_or_default();
    let assigned = assigned.unwrap_or_default();
    for (grantee, failure) in &made {
        // Meta's code for "already shared" is not documented (3946/3989 are the ones seen):
        // whatever the refusal said, a partner Meta lists on the asset holds the access.
        let failure = failure.as_ref().filter(|_| {
            !(a.mode == GrantMode::Partner && partners.iter().any(|p| &p.id == grantee))
        });
        if let Some(reason) = failure {
            out.push(outcome(
                asset,
                a.mode,
                grantee,
                &owned_tasks,
                GrantStatus::Failed,
                reason.clone(),
                false,
                false,
            ));
            continue;
        }
        let confirmed = match a.mode {
            GrantMode::Partner => partners
                .iter()
                .find(|p| &p.id == grantee)
                .map(|p| p.access_status.clone().unwrap_or_default()),
            GrantMode::User => {
                let bsuid = members
                    .iter()
                    .find(|(_, e)| e == &grantee.to_lowercase())
                    .map(|(id, _)| id.as_str());
                assigned
                    .iter()
                    .find(|u| Some(u.id.as_str()) == bsuid)
                    .map(|_| "CONFIRMED".to_owned())
            }
        };
        match confirmed.as_deref() {
            Some("CONFIRMED") => out.push(outcome(
                asset,
                a.mode,
                grantee,
                &owned_tasks,
                GrantStatus::Active,
                Text::msg("reason-confirmed"),
                false,
                true,
            )),
            Some(_) => out.push(outcome(
                asset,
                a.mode,
                grantee,
                &owned_tasks,
                GrantStatus::Pending,
                Text::msg("reason-waiting-agency"),
                false,
                true,
            )),
            None if step == Step::ReadBack => out.push(outcome(
                asset,
                a.mode,
                grantee,
                &owned_tasks,
                GrantStatus::Failed,
                Text::msg(INTERRUPTED),
                false,
                false,
            )),
            None => out.push(outcome(
                asset,
                a.mode,
                grantee,
                &owned_tasks,
                GrantStatus::Pending,
                Text::msg("reason-unconfirmed"),
                false,
                false,
            )),
        }
    }
    // Existing partner access of another mode, and existing user-based access of agency staff.
    if a.mode == GrantMode::User
        && let Some(p) = partners.iter().find(|p| p.id == a.agency_portfolio)
    {
        out.push(outcome(
            asset,
            GrantMode::Partner,
            a.agency_portfolio,
            &p.permitted_tasks,
            GrantStatus::Active,
            Text::msg("reason-found-partner"),
            true,
            true,
        ));
    }
    for u in &assigned {
        let Some((_, email)) = members.iter().find(|(id, _)| id == &u.id) else {
            continue;
        };
        let is_staff = a.staff_emails.iter().any(|s| s.eq_ignore_ascii_case(email));
        let already = made.iter().any(|(g, _)| g.eq_ignore_ascii_case(email));
        if is_staff && !already {
            out.push(outcome(
                asset,
                GrantMode::User,
                email,
                &u.tasks,
                GrantStatus::Active,
                Text::msg("reason-found-person"),
                true,
                true,
            ));
        }
    }
    (out, read_ok)
}
