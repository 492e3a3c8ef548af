//! Google Ads on Google's side of the seam. Access is a *manager link* between the agency's
//! manager account (MCC, named in Settings) and the client's Ads account, made from both
//! sides: the agency's Google account invites the client's account (`PENDING`), the
//! client's session accepts it (`ACTIVE`), and the agency's side reads it back. An
//! invitation the client could not accept (2-Step Verification, not an administrator) stays
//! pending with the reason, and the next approval accepts the same invitation. Offboarding
//! ends the link from the manager's side (`INACTIVE`, or `CANCELED` while pending) and reads
//! it back.

use std::collections::HashMap;

use super::super::{Offered, Outcome};
use crate::actions::google_connection::dashed;
use crate::domain::GrantStatus;
use crate::domain::access::AssetKind;
use crate::google::{AdsLink, GoogleClient, GoogleError};
use crate::i18n::Text;

/// An Ads account's asset id: its resource name.
pub fn asset_id(customer: &str) -> String {
    format!("customers/{customer}")
}

fn customer_of(asset_id: &str) -> &str {
    asset_id.strip_prefix("customers/").unwrap_or(asset_id)
}

/// The link id from `customers/{M}/customerClientLinks/{C}~{L}`.
fn link_id(resource: &str) -> Option<&str> {
    resource.rsplit_once('~').map(|(_, l)| l)
}

/// A Google Ads refusal in the client's words where they can act on it.
pub fn plain(e: &GoogleError) -> Text {
    match e.reason() {
        Some("TWO_STEP_VERIFICATION_NOT_ENROLLED") => Text::msg("google-ads-two-step"),
        Some("NON_OWNER_USER_CANNOT_MODIFY_LINK" | "USER_PERMISSION_DENIED") => {
            Text::msg("google-ads-not-admin")
        }
        Some("TOO_MANY_MANAGERS") => Text::msg("google-ads-too-many-managers"),
        Some("CLIENT_HAS_NO_ADMIN_USER") => Text::from(
            "This Google Ads account has no active administrator who could accept the link.",
        ),
        Some("NO_PENDING_INVITE") => {
            Text::from("The invitation was withdrawn before it was accepted; approve again.")
        }
        _ => Text::from(e.plain()),
    }
}

/// The client's Ads accounts for the picker: administrators may link them; each says whether
/// a manager already manages it (this agency's, or another).
pub async fn offered(
    google: &GoogleClient,
    token: &str,
    email: &str,
    agency_manager: Option<&str>,
    agency_name: &str,
) -> Result<Vec<Offered>, GoogleError> {
    let ids = google.accessible_customers(token).await?;
    let found = crate::meta::client::bounded(ids, 4, |id| async move {
        let info = match google.customer(token, &id, None).await {
            Ok(info) if info.manager => return None,
            Ok(info) => info,
            Err(e) => return Some(offer(&id, &dashed(&id), false, Some(plain(&e)))),
        };
        let name = format!("{} ({})", info.descriptive_name, dashed(&id));
        let admin = match google.access_role(token, &id, email).await {
            Ok(role) => role.as_deref() == Some("ADMIN"),
            Err(e) => return Some(offer(&id, &name, false, Some(plain(&e)))),
        };
        if !admin {
            return Some(offer(
                &id,
                &name,
                false,
                Some(Text::msg("google-ads-not-admin")),
            ));
        }
        let managers: Vec<String> = match google.manager_links(token, &id).await {
            Ok(links) => links
                .into_iter()
                .filter(|l| l.status == "ACTIVE")
                .map(|l| crate::google::customer_id(&l.manager_customer).to_owned())
                .collect(),
            Err(e) => return Some(offer(&id, &name, false, Some(plain(&e)))),
        };
        let note = if agency_manager.is_some_and(|m| managers.iter().any(|x| x == m)) {
            Some(Text::msg("google-ads-linked-already").arg("agency", agency_name))
        } else if !managers.is_empty() {
            let list: Vec<String> = managers.iter().map(|m| dashed(m)).collect();
            Some(Text::msg("google-ads-managed-elsewhere").arg("managers", list.join(", ")))
        } else {
            None
        };
        Some(offer(&id, &name, true, note))
    })
    .await;
    Ok(found.into_iter().flatten().collect())
}

fn offer(id: &str, name: &str, shareable: bool, reason: Option<Text>) -> Offered {
    Offered {
        kind: AssetKind::GoogleAds,
        id: asset_id(id),
        name: name.to_owned(),
        owner: None,
        owner_name: "Google Ads".into(),
        shareable,
        reason,
    }
}

/// One approval's Google Ads links.
pub struct AdsShares<'a> {
    pub google: &'a GoogleClient,
    /// The client's session: accepts the invitations.
    pub client_token: String,
    /// The agency's Google account's session: invites, and reads back.
    pub agency_token: String,
    /// The agency's manager account (ten digits).
    pub manager: String,
}

impl AdsShares<'_> {
    fn outcome(&self, asset: &Offered, status: GrantStatus, reason: Text) -> Outcome {
        super::outcome(asset, dashed(&self.manager), "manager_link", status, reason)
    }

    /// The manager's links to the asset's account that still count (active or pending).
    async fn current(&self, asset: &Offered) -> Result<Vec<AdsLink>, GoogleError> {
        let client = customer_of(&asset.id);
        self.google
            .client_links(
                &self.agency_token,
                &self.manager,
                Some(client),
                &["ACTIVE", "PENDING"],
            )
            .await
    }

    /// What the manager's side shows of a link: active (a grant), pending (with `why`), or
    /// not there.
    fn judged(
        &self,
        asset: &Offered,
        links: &[AdsLink],
        why: Option<Text>,
        existing: bool,
    ) -> Outcome {
        let find = |s: &str| links.iter().find(|l| l.status == s);
        match (find("ACTIVE"), find("PENDING")) {
            (Some(l), _) => Outcome {
                existing,
                verified: true,
                platform_ref: l.resource_name.clone(),
                ..self.outcome(
                    asset,
                    GrantStatus::Active,
                    Text::from("Read back from the manager account's client links."),
                )
            },
            (None, Some(l)) => Outcome {
                platform_ref: l.resource_name.clone(),
                ..self.outcome(
                    asset,
                    GrantStatus::Pending,
                    why.unwrap_or_else(|| Text::msg("google-ads-invited")),
                )
            },
            (None, None) => self.outcome(
                asset,
                GrantStatus::Failed,
                why.unwrap_or_else(|| {
                    Text::from("Google Ads does not list a link to the agency's manager account.")
                }),
            ),
        }
    }

    /// Invites the account (or takes the pending invitation), accepts it with the client's
    /// session, and reads the link back from the manager's side.
    pub async fn share(&self, asset: &Offered) -> Outcome {
        let failed = |e: GoogleError| self.outcome(asset, GrantStatus::Failed, plain(&e));
        let client = customer_of(&asset.id);
        let links = match self.current(asset).await {
            Ok(l) => l,
            Err(e) => return failed(e),
        };
        if links.iter().any(|l| l.status == "ACTIVE") {
            return self.judged(asset, &links, None, true);
        }
        let link = match links.iter().find(|l| l.status == "PENDING") {
            Some(l) => l.manager_link_id.clone(),
            None => match self
                .google
                .invite_client(&self.agency_token, &self.manager, client)
                .await
            {
                Ok(name) => link_id(&name).unwrap_or_default().to_owned(),
                // Another approval invited or linked it meanwhile: take that link as it is.
                Err(e)
                    if matches!(
                        e.reason(),
                        Some("ALREADY_INVITED_BY_THIS_MANAGER" | "ALREADY_MANAGED_BY_THIS_MANAGER")
                    ) =>
                {
                    let links = match self.current(asset).await {
                        Ok(l) => l,
                        Err(e) => return failed(e),
                    };
                    match links.iter().find(|l| l.status == "PENDING") {
                        Some(l) => l.manager_link_id.clone(),
                        None => return self.judged(asset, &links, None, true),
                    }
                }
                Err(e) => return failed(e),
            },
        };
        let refused = self
            .google
            .set_manager_link(
                &self.client_token,
                client,
                &self.manager,
                &link,
                "ACTIVE",
                None,
            )
            .await
            .err();
        match self.current(asset).await {
            Ok(links) => self.judged(asset, &links, refused.as_ref().map(plain), false),
            Err(e) => self.outcome(
                asset,
                GrantStatus::Failed,
                Text::from(format!(
                    "Linked, but Google Ads could not be read back: {}",
                    e.plain()
                )),
            ),
        }
    }

    /// Reads back, sending nothing: None when Google could not be read.
    pub async fn read_back(&self, asset: &Offered) -> Option<Outcome> {
        let links = self.current(asset).await.ok()?;
        Some(self.judged(asset, &links, None, false))
    }
}

/// The accounts the agency's manager account holds links to: asset id → still pending.
pub async fn held(
    google: &GoogleClient,
    token: &str,
    manager: &str,
) -> Result<HashMap<String, bool>, GoogleError> {
    Ok(google
        .client_links(token, manager, None, &["ACTIVE", "PENDING"])
        .await?
        .into_iter()
        .map(|l| (l.client_customer, l.status == "PENDING"))
        .collect())
}

/// Ends the agency's link to the account of `asset_id` from the manager's side (`INACTIVE`,
/// or `CANCELED` while pending), then reads back: `Ok` when no link counts any more, else
/// why with the client's steps.
pub async fn remove_own(
    google: &GoogleClient,
    token: &str,
    manager: &str,
    asset_id: &str,
) -> Result<(), String> {
    let client = customer_of(asset_id);
    let by_hand = |why: String| {
        format!(
            "{why} Ask the client to remove manager account {} in Google Ads under Admin → Access and security → Managers.",
            dashed(manager)
        )
    };
    let links = google
        .client_links(token, manager, Some(client), &["ACTIVE", "PENDING"])
        .await
        .map_err(|e| by_hand(e.plain()))?;
    let mut refused = None;
    for l in &links {
        let ended = if l.status == "ACTIVE" {
            google
                .set_manager_link(
                    token,
                    client,
                    manager,
                    &l.manager_link_id,
                    "INACTIVE",
                    Some(manager),
                )
                .await
        } else {
            google
                .cancel_invitation(token, manager, client, &l.manager_link_id)
                .await
        };
        if let Err(e) = ended {
            refused = Some(e.plain());
        }
    }
    match google
        .client_links(token, manager, Some(client), &["ACTIVE", "PENDING"])
        .await
    {
        Ok(still) if still.is_empty() => Ok(()),
        Ok(_) => {
            Err(by_hand(refused.unwrap_or_else(|| {
                "Google Ads still lists the link.".to_owned()
            })))
        }
        Err(e) => Err(by_hand(format!("Not read back: {}", e.plain()))),
    }
}
