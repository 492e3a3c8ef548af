//! Meta's half of an approval: sharing what the client ticked (partner or user mode) and
//! reading every grant back, as Graph calls. No SQL and no HTTP types: `approval::run`
//! records what this returns, crash-safely.

use std::collections::{BTreeMap, HashMap};

use crate::actions::platforms::Offered;
use crate::actions::platforms::{Approval, Outcome, Sharing};
use crate::domain::GrantStatus;
use crate::domain::access::{self, AssetKind, GrantMode};
use crate::i18n::Text;
use crate::meta::client::{CONCURRENCY, PageAccount, bounded};
use crate::meta::wire::{AssignedUser, PartnerRow};
use crate::meta::{AccessToken, GraphClient, GraphError};

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

/// Reads what every asset's share needs. Fails only when the Pages cannot be listed. The
/// three reads are independent, so they go out together: an approval's first shares wait
/// for one round trip (and the Pages' paging), not three.
pub async fn prepare(
    graph: &GraphClient,
    token: &AccessToken,
    selected: &[Offered],
) -> Result<Prepared, GraphError> {
    let needs_pages = selected.iter().any(|s| s.kind == AssetKind::Page);
    let pages = async {
        if needs_pages {
            graph.my_pages(token).await
        } else {
            Ok(Vec::new())
        }
    };
    let owners: Vec<String> = {
        let mut o: Vec<String> = selected.iter().filter_map(|s| s.owner.clone()).collect();
        o.sort();
        o.dedup();
        o
    };
    let people = bounded(owners, CONCURRENCY, |b| async move {
        (
            b.clone(),
            graph.business_users(token, &b).await.unwrap_or_default(),
        )
    });
    // The approver's own account type per portfolio: best effort, a signal is optional.
    let roles = async { graph.my_roles(token).await.unwrap_or_default() };
    let (pages, people_lists, mine) = tokio::join!(pages, people, roles);
    let page_tokens: HashMap<String, PageAccount> =
        pages?.into_iter().map(|p| (p.id.clone(), p)).collect();
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

/// What Meta lists on an asset after the change: its partners, the people assigned
/// inside the owner's portfolio, and that portfolio's people (business-scoped id, e-mail).
struct Held {
    partners: Vec<PartnerRow>,
    assigned: Vec<AssignedUser>,
    members: Vec<(String, String)>,
}

impl Held {
    /// The business-scoped id of the portfolio member with this e-mail.
    fn member_id(&self, email: &str) -> Option<&str> {
        let email = email.to_lowercase();
        self.members
            .iter()
            .find(|(_, e)| *e == email)
            .map(|(id, _)| id.as_str())
    }
}

/// One asset's outcome for one grantee, as `share_one` judges it.
struct Judged<'a> {
    asset: &'a Offered,
    mode: GrantMode,
    tasks: &'a [String],
}

impl Judged<'_> {
    fn outcome(&self, grantee: &str, status: GrantStatus, reason: Text, verified: bool) -> Outcome {
        Outcome {
            kind: self.asset.kind,
            asset_id: self.asset.id.clone(),
            asset_name: self.asset.name.clone(),
            owner: self.asset.owner.clone(),
            mode: self.mode,
            grantee: grantee.to_owned(),
            tasks: self.tasks.to_vec(),
            status,
            reason,
            existing: false,
            verified,
            platform_ref: String::new(),
        }
    }

    /// Access found on the asset rather than made by this approval.
    fn found(
        &self,
        mode: GrantMode,
        grantee: &str,
        tasks: &[String],
        reason: &'static str,
    ) -> Outcome {
        Outcome {
            mode,
            tasks: tasks.to_vec(),
            existing: true,
            ..self.outcome(grantee, GrantStatus::Active, Text::msg(reason), true)
        }
    }
}

/// Shares one asset (or, reading back, only looks), then reads what Meta holds: the
/// outcome per grantee, access the agency already had, and whether Meta could be read.
async fn share_one(
    graph: &GraphClient,
    a: &Approval<'_>,
    p: &Prepared,
    asset: &Offered,
    step: Step,
) -> (Vec<Outcome>, bool) {
    let kind = asset.kind;
    let tasks: Vec<String> = access::tasks(kind, a.level(kind))
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
    let token = match p.page_tokens.get(&asset.id) {
        Some(page) if kind == AssetKind::Page => &page.access_token,
        _ => a.token,
    };
    let members = asset
        .owner
        .as_ref()
        .and_then(|o| p.people.get(o))
        .cloned()
        .unwrap_or_default();
    let made = change(graph, a, asset, step, token, &tasks, &members).await;
    let owner = asset.owner.clone().unwrap_or_default();
    let (partners, assigned) = tokio::join!(graph.partners(token, &asset.id), async {
        if owner.is_empty() {
            Ok(Vec::new())
        } else {
            graph.assigned_users(token, &asset.id, &owner).await
        }
    });
    let read_ok = partners.is_ok() && assigned.is_ok();
    let held = Held {
        partners: partners.unwrap_or_default(),
        assigned: assigned.unwrap_or_default(),
        members,
    };
    let j = Judged {
        asset,
        mode: a.mode,
        tasks: &tasks,
    };
    let mut out: Vec<Outcome> = made
        .iter()
        .map(|(grantee, failure)| judge(&j, step, &held, grantee, failure.as_ref()))
        .collect();
    out.extend(found_existing(a, &j, &held, &made));
    (out, read_ok)
}

/// The change itself (or, reading back, who it was meant for): (grantee, why it failed).
async fn change(
    graph: &GraphClient,
    a: &Approval<'_>,
    asset: &Offered,
    step: Step,
    token: &AccessToken,
    tasks: &[String],
    members: &[(String, String)],
) -> Vec<(String, Option<Text>)> {
    let tasks: Vec<&str> = tasks.iter().map(String::as_str).collect();
    match (a.mode, step) {
        (GrantMode::Partner, Step::ReadBack) => vec![(a.agency_portfolio().to_owned(), None)],
        (GrantMode::User, Step::ReadBack) => a.people.iter().map(|e| (e.clone(), None)).collect(),
        (GrantMode::Partner, Step::Share) => {
            let r = graph
                .share_partner(token, &asset.id, a.agency_portfolio(), &tasks)
                .await;
            let failure = match r {
                Ok(()) | Err(GraphError::AlreadyShared) => None,
                Err(e) => Some(e.why()),
            };
            vec![(a.agency_portfolio().to_owned(), failure)]
        }
        (GrantMode::User, Step::Share) => {
            let mut made = Vec::new();
            for email in a.people {
                let lower = email.to_lowercase();
                let bsuid = members.iter().find(|(_, e)| *e == lower).map(|(id, _)| id);
                let failure = match bsuid {
                    None => Some(Text::msg("reason-not-member").arg("email", email)),
                    Some(id) => graph
                        .assign_user(token, &asset.id, id, &tasks)
                        .await
                        .err()
                        .map(|e| e.why()),
                };
                made.push((email.clone(), failure));
            }
            made
        }
    }
}

/// One grantee's outcome from the change's answer and Meta's read-back.
fn judge(
    j: &Judged<'_>,
    step: Step,
    held: &Held,
    grantee: &str,
    failure: Option<&Text>,
) -> Outcome {
    // Meta's code for "already shared" is not documented (3946/3989 are the ones seen):
    // whatever the refusal said, a partner Meta lists on the asset holds the access.
    let listed_partner =
        j.mode == GrantMode::Partner && held.partners.iter().any(|p| p.id == grantee);
    if let Some(reason) = failure.filter(|_| !listed_partner) {
        return j.outcome(grantee, GrantStatus::Failed, reason.clone(), false);
    }
    let confirmed = match j.mode {
        GrantMode::Partner => held
            .partners
            .iter()
            .find(|p| p.id == grantee)
            .map(|p| p.access_status.clone().unwrap_or_default()),
        GrantMode::User => {
            let bsuid = held.member_id(grantee);
            held.assigned
                .iter()
                .find(|u| Some(u.id.as_str()) == bsuid)
                .map(|_| "CONFIRMED".to_owned())
        }
    };
    match confirmed.as_deref() {
        Some("CONFIRMED") => j.outcome(
            grantee,
            GrantStatus::Active,
            Text::msg("reason-confirmed"),
            true,
        ),
        Some(_) => j.outcome(
            grantee,
            GrantStatus::Pending,
            Text::msg("reason-waiting-agency"),
            true,
        ),
        None if step == Step::ReadBack => {
            j.outcome(grantee, GrantStatus::Failed, Text::msg(INTERRUPTED), false)
        }
        None => j.outcome(
            grantee,
            GrantStatus::Pending,
            Text::msg("reason-unconfirmed"),
            false,
        ),
    }
}

/// Existing partner access of another mode, and existing user-based access of agency staff.
fn found_existing(
    a: &Approval<'_>,
    j: &Judged<'_>,
    held: &Held,
    made: &[(String, Option<Text>)],
) -> Vec<Outcome> {
    let mut out = Vec::new();
    if a.mode == GrantMode::User
        && let Some(p) = held.partners.iter().find(|p| p.id == a.agency_portfolio())
    {
        let portfolio = a.agency_portfolio();
        out.push(j.found(
            GrantMode::Partner,
            portfolio,
            &p.permitted_tasks,
            "reason-found-partner",
        ));
    }
    for u in &held.assigned {
        let Some((_, email)) = held.members.iter().find(|(id, _)| id == &u.id) else {
            continue;
        };
        let is_staff = a.staff_emails.iter().any(|s| s.eq_ignore_ascii_case(email));
        let already = made.iter().any(|(g, _)| g.eq_ignore_ascii_case(email));
        if is_staff && !already {
            out.push(j.found(GrantMode::User, email, &u.tasks, "reason-found-person"));
        }
    }
    out
}
