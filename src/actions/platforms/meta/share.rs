//! Meta's half of an approval: sharing what the client ticked (partner or user mode) and
//! reading every grant back, as Graph calls. No SQL and no HTTP types: `approval::run`
//! records what this returns, crash-safely.

use std::collections::{BTreeMap, HashMap};

use crate::actions::platforms::Offered;
use crate::actions::platforms::{Approval, Outcome, Sharing};
use crate::domain::GrantStatus;
use crate::domain::access::{self, AccessLevel, Ask, AssetKind, GrantMode};
use crate::i18n::Text;
use crate::meta::client::{CONCURRENCY, PageAccount, bounded};
use crate::meta::{AccessToken, GraphClient, GraphError};

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

/// One attempt's shares at Meta: the client's session, and what `prepare` read.
pub struct MetaSharing<'a> {
    pub graph: &'a GraphClient,
    pub approval: Approval<'a>,
    pub prepared: Prepared,
}

#[async_trait::async_trait]
impl Sharing for MetaSharing<'_> {
    async fn share(&self, asset: &Offered) -> Vec<Outcome> {
        share_one(
            self.graph,
            &self.approval,
            &self.prepared,
            asset,
            Step::Share,
        )
        .await
        .0
    }

    async fn read_back(&self, asset: &Offered) -> Option<Vec<Outcome>> {
        let (outcomes, read_ok) = share_one(
            self.graph,
            &self.approval,
            &self.prepared,
            asset,
            Step::ReadBack,
        )
        .await;
        read_ok.then_some(outcomes)
    }
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
        (GrantMode::Partner, Step::ReadBack) => made.push((a.agency_portfolio().to_owned(), None)),
        (GrantMode::User, Step::ReadBack) => {
            made.extend(a.people.iter().map(|e| (e.clone(), None)));
        }
        (GrantMode::Partner, Step::Share) => {
            let r = graph
                .share_partner(token, &asset.id, a.agency_portfolio(), tasks)
                .await;
            made.push((
                a.agency_portfolio().to_owned(),
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
        && let Some(p) = partners.iter().find(|p| p.id == a.agency_portfolio())
    {
        out.push(outcome(
            asset,
            GrantMode::Partner,
            a.agency_portfolio(),
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
