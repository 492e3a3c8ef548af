//! The last step of an approval attempt (`run`'s step 3): one transaction records the
//! grants, uses the link up only if at least one grant was recorded, closes the request,
//! and tells the agency and the client the truth.

use std::collections::HashMap;

use super::results::{merged, not_shared, parse_outcomes};
use super::run::{Context, to_json};
use crate::actions::platforms::{self, Outcome};
use crate::actions::webhooks;
use crate::actions::{Ctx, audit_as};
use crate::domain::access::GrantMode;
use crate::domain::request::RequestEvent;
use crate::domain::webhook::EventType;
use crate::domain::{GrantStatus, Tally};
use crate::error::AppError;
use crate::i18n::{Text, Tr};
use crate::mail::templates::{self, AssetOutcome};
use crate::meta::error::for_agency;
use crate::store::flows;
use crate::store::{Tx, grants, prefs, reauth, requests};

/// What one attempt came to, read back from its items.
struct Results {
    /// This attempt's outcomes (found access included).
    this: Vec<Outcome>,
    /// The latest outcome per asset over every attempt of the flow.
    all: Vec<Outcome>,
}

impl Results {
    /// What this attempt made (not what it found already there).
    fn made(&self) -> Vec<&Outcome> {
        self.this.iter().filter(|o| !o.existing).collect()
    }

    /// How this attempt's new grants came out.
    fn tally(&self) -> Tally {
        Tally::of(self.this.iter().filter(|o| !o.existing).map(|o| o.status))
    }

    /// Whether an asset of the flow still failed after every attempt.
    fn still_failed(&self) -> bool {
        self.all
            .iter()
            .any(|o| !o.existing && o.status == GrantStatus::Failed)
    }
}

/// Records one attempt in one transaction: grants, the link used up only by a recorded
/// grant, the request's outcome, e-mails and the audit entry.
pub(super) async fn finish(
    st: &Ctx,
    ctx: &Context,
    attempt: i64,
    ip: &str,
    recovered: bool,
) -> Result<(), AppError> {
    let now = st.clock.now();
    let items = flows::items(&st.db.pool, ctx.flow.id).await?;
    let mut this: Vec<Outcome> = Vec::new();
    for i in items.iter().filter(|i| i.attempt == attempt) {
        this.extend(parse_outcomes(i)?);
    }
    let results = Results {
        this,
        all: merged(&items)?,
    };
    // The agency's own people get the newly shared assets (before recording, so the
    // grants say at once who can use them).
    let usable = arrange_for_staff(st, ctx, &results.made()).await;
    let mut tx = st.db.begin().await?;
    let all_json = to_json(&results.all)?;
    let still_failed = results.still_failed();
    if !flows::finish_attempt(&mut tx, ctx.flow.id, attempt, &all_json, still_failed, now).await? {
        // Recorded already (the recovery job and a slow process met): nothing to add.
        return Ok(());
    }
    record_grants(&mut tx, ctx, &results.this, &usable, now).await?;
    close_request(&mut tx, ctx, &results, recovered, now).await?;
    tell(st, &mut tx, ctx, &results, ip, recovered, now).await?;
    tx.commit().await?;
    st.mailer.wake();
    st.webhook_bell.notify_one();
    Ok(())
}

/// Makes the newly shared, confirmed partner assets usable by the agency's people named on
/// the request, through the platform each is on. Asset id → who can use it.
async fn arrange_for_staff(st: &Ctx, ctx: &Context, made: &[&Outcome]) -> HashMap<String, String> {
    let staff: Vec<String> = ctx
        .request
        .user_people
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let confirmed: Vec<&&Outcome> = made.iter().filter(|o| confirmed_partner(o)).collect();
    let mut usable = HashMap::new();
    for (platform, shared) in platforms::by_platform(confirmed, |o| o.kind.platform()) {
        let shared = shared
            .iter()
            .map(|o| (o.asset_id.clone(), o.tasks.clone()))
            .collect();
        let Some(api) = st.platforms.get(platform) else {
            continue;
        };
        usable.extend(api.arrange_for_staff(st, &ctx.agency, &staff, shared).await);
    }
    usable
}

/// Partner access the platform confirmed by read-back.
fn confirmed_partner(o: &Outcome) -> bool {
    o.mode == GrantMode::Partner && o.status == GrantStatus::Active && o.verified
}

/// The grants of this attempt (and webhooks for each made or failed), who can use them,
/// and flagged user-based access that confirmed partner access now replaces.
async fn record_grants(
    tx: &mut Tx,
    ctx: &Context,
    this: &[Outcome],
    usable: &HashMap<String, String>,
    now: i64,
) -> Result<(), AppError> {
    let (r, agency) = (&ctx.request, &ctx.agency);
    let approver = ctx.flow.person_name.clone().unwrap_or_default();
    let approver_id = ctx.flow.person_id.clone().unwrap_or_default();
    for o in this.iter().filter(|o| o.status == GrantStatus::Failed) {
        let data = serde_json::json!({
            "request_id": r.id, "client_id": r.client_id, "asset_id": o.asset_id,
            "platform": o.kind.platform().as_str(), "kind": o.kind.as_str(),
            "mode": o.mode.as_str(),
        });
        webhooks::emit(tx, agency.id, EventType::GrantFailed, data, now).await?;
    }
    for o in this.iter().filter(|o| o.status != GrantStatus::Failed) {
        let tasks = o.tasks.join(",");
        let record = grants::GrantRecord {
            agency_id: agency.id,
            client_id: r.client_id,
            request_id: Some(r.id),
            kind: o.kind,
            asset_id: &o.asset_id,
            asset_name: &o.asset_name,
            owner_portfolio_id: o.owner.as_deref(),
            mode: o.mode,
            grantee: &o.grantee,
            tasks: &tasks,
            status: o.status,
            status_reason: &for_agency(&o.reason),
            approved_by_name: &approver,
            approved_by_id: &approver_id,
            verified: o.verified,
            existing: o.existing,
            platform_ref: &o.platform_ref,
        };
        let grant_id = grants::upsert(tx, &record, now).await?;
        if !o.existing {
            let data = serde_json::json!({
                "grant_id": grant_id, "request_id": r.id, "client_id": r.client_id,
                "platform": o.kind.platform().as_str(), "status": o.status.as_str(),
                "mode": o.mode.as_str(),
            });
            webhooks::emit(tx, agency.id, EventType::GrantCreated, data, now).await?;
        }
    }
    for (asset, names) in usable {
        let portfolio = agency.portfolio_id.as_deref().unwrap_or_default();
        grants::set_usable_by(&mut **tx, agency.id, asset, portfolio, names).await?;
    }
    // Partner access replaces flagged user-based access on the same assets once the
    // platform confirms it by read-back: a share still pending does not cover anyone yet.
    for o in this.iter().filter(|o| confirmed_partner(o)) {
        reauth::replace_user_grants(tx, agency.id, &o.asset_id, now).await?;
    }
    Ok(())
}

/// Releases the request, uses a single-use link up only by a recorded success, completes
/// the request when something was shared, and writes its timeline line.
async fn close_request(
    tx: &mut Tx,
    ctx: &Context,
    results: &Results,
    recovered: bool,
    now: i64,
) -> Result<(), AppError> {
    let r = &ctx.request;
    let made = results.made();
    let tally = results.tally();
    let recorded = tally.shared();
    flows::release_request(&mut **tx, r.id, ctx.flow.id).await?;
    // A link for several platforms is used up, and the request complete, once each of its
    // platforms has shared something; until then the client can go on with the others.
    let covered = grants::platforms_shared(&mut **tx, r.id).await?;
    let every_platform = r.platforms().iter().all(|p| covered.contains(p));
    if recorded > 0 && r.single_use == 1 && every_platform {
        requests::mark_used(&mut **tx, r.id, now).await?;
    }
    let shared_total = results
        .all
        .iter()
        .filter(|o| !o.existing && o.status != GrantStatus::Failed)
        .count();
    if shared_total > 0 {
        let outcome = if results.still_failed() || !every_platform {
            "partial"
        } else {
            "completed"
        };
        requests::complete(&mut **tx, r.id, outcome, now).await?;
        let data =
            serde_json::json!({"request_id": r.id, "client_id": r.client_id, "outcome": outcome});
        webhooks::emit(tx, ctx.agency.id, EventType::RequestCompleted, data, now).await?;
    }
    let how = if recovered {
        " (recovered after an interruption)"
    } else {
        ""
    };
    let approver = ctx.flow.person_name.clone().unwrap_or_default();
    let event = if recorded > 0 {
        RequestEvent::Approved
    } else {
        RequestEvent::ApprovalFailed
    };
    let detail = format!(
        "by {approver}: {}{how}{}",
        tally.summary(),
        not_shared(&made)
    );
    requests::add_event(&mut **tx, r.id, event, &detail, now).await?;
    Ok(())
}

/// The audit entry, the agency's e-mail (each reason as what it can do about it) and the
/// client's receipt of what this attempt shared and what it did not.
async fn tell(
    st: &Ctx,
    tx: &mut Tx,
    ctx: &Context,
    results: &Results,
    ip: &str,
    recovered: bool,
    now: i64,
) -> Result<(), AppError> {
    let (r, agency) = (&ctx.request, &ctx.agency);
    let made = results.made();
    let recorded = results.tally().shared();
    let approver = ctx.flow.person_name.clone().unwrap_or_default();
    let approver_id = ctx.flow.person_id.clone().unwrap_or_default();
    let who = format!("{approver} (client, Facebook id {approver_id})");
    let action = match (recorded > 0, recovered) {
        (true, false) => "request.approved",
        (true, true) => "request.approval_recovered",
        (false, _) => "request.approval_failed",
    };
    let target = format!("{} ({})", r.client_name, r.token_prefix);
    audit_as(tx, Some(agency.id), &who, ip, action, &target, now).await?;
    let summary: Vec<AssetOutcome> = made
        .iter()
        .map(|o| AssetOutcome {
            asset_name: o.asset_name.clone(),
            kind: o.kind,
            status: o.status,
            reason: (o.status != GrantStatus::Active).then(|| o.reason.clone()),
        })
        .collect();
    let for_staff: Vec<AssetOutcome> = summary
        .iter()
        .map(|o| AssetOutcome {
            reason: o.reason.as_ref().map(|t| Text::from(for_agency(t))),
            ..o.clone()
        })
        .collect();
    let brand_mail = templates::Brand::from(agency);
    let url = format!("{}/requests/{}", st.base_url, r.id);
    for to in prefs::recipients(&mut **tx, agency.id, "access_approved").await? {
        let email = templates::access_approved(&brand_mail, &to, &r.client_name, &for_staff, &url)?;
        st.queue_mail(tx, Some(agency.id), &email, now).await?;
    }
    if recorded > 0 {
        let receipt = templates::approval_receipt(
            Tr::new(ctx.flow.lang().unwrap_or_else(|| r.mail_lang())),
            &brand_mail,
            &r.client_email,
            &r.client_name,
            &summary,
        )?
        .on_behalf_of(
            &brand_mail.agency_name,
            crate::actions::requests::sender_address(&mut **tx, agency.id, r.created_by).await?,
        );
        st.queue_mail(tx, Some(agency.id), &receipt, now).await?;
    }
    Ok(())
}
