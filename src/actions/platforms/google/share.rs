//! One approval's shares on Google Analytics (an access binding per property, read back),
//! and the agency removing its own binding at offboarding.

use super::super::{Offered, Outcome, Sharing};
use crate::domain::GrantStatus;
use crate::google::{AccessBinding, GoogleClient, GoogleError};
use crate::i18n::Text;

pub struct Shares<'a> {
    pub google: &'a GoogleClient,
    /// The client's session.
    pub token: String,
    /// The agency's Google account.
    pub email: String,
    /// `predefinedRoles/…`.
    pub role: &'static str,
}

impl Shares<'_> {
    fn outcome(
        &self,
        asset: &Offered,
        status: GrantStatus,
        reason: Text,
        existing: bool,
    ) -> Outcome {
        Outcome {
            existing,
            verified: status == GrantStatus::Active,
            ..super::outcome(asset, self.email.clone(), self.role, status, reason)
        }
    }

    /// The agency account's binding on the property now, as its bindings list it.
    async fn bound(&self, asset: &Offered) -> Result<Option<AccessBinding>, GoogleError> {
        let bindings = self.google.bindings(&self.token, &asset.id).await?;
        Ok(bindings
            .into_iter()
            .find(|b| b.user.eq_ignore_ascii_case(&self.email)))
    }

    fn judged(&self, asset: &Offered, binding: Option<AccessBinding>, existing: bool) -> Outcome {
        match binding {
            Some(b) => Outcome {
                tasks: b.roles,
                platform_ref: b.name,
                ..self.outcome(
                    asset,
                    GrantStatus::Active,
                    Text::from("Read back from the property's access bindings."),
                    existing,
                )
            },
            None => self.outcome(
                asset,
                GrantStatus::Failed,
                Text::from(format!(
                    "Google does not list access for {} on this property.",
                    self.email
                )),
                false,
            ),
        }
    }
}

#[async_trait::async_trait]
impl Sharing for Shares<'_> {
    async fn share(&self, asset: &Offered) -> Vec<Outcome> {
        let created = self
            .google
            .create_binding(&self.token, &asset.id, &self.email, &[self.role])
            .await;
        let existing = match created {
            Ok(_) => false,
            // The agency's account already had access: recorded as it stands.
            Err(e) if e.status() == Some("ALREADY_EXISTS") => true,
            Err(e) => {
                return vec![self.outcome(
                    asset,
                    GrantStatus::Failed,
                    Text::from(e.plain()),
                    false,
                )];
            }
        };
        match self.bound(asset).await {
            Ok(binding) => vec![self.judged(asset, binding, existing)],
            Err(e) => vec![self.outcome(
                asset,
                GrantStatus::Failed,
                Text::from(format!(
                    "Shared, but Google could not be read back: {}",
                    e.plain()
                )),
                existing,
            )],
        }
    }

    async fn read_back(&self, asset: &Offered) -> Option<Vec<Outcome>> {
        self.bound(asset)
            .await
            .ok()
            .map(|binding| vec![self.judged(asset, binding, false)])
    }
}

/// The agency removes its own access binding (`binding`, recorded at the share), then reads
/// back that its account no longer sees the property. Google Analytics lets a person remove
/// their own access without being an administrator; anything else Google refuses is said
/// with the steps for the client.
pub async fn remove_own(
    google: &GoogleClient,
    token: &str,
    email: &str,
    property: &str,
    binding: &str,
) -> Result<(), String> {
    let by_hand = |why: String| {
        format!(
            "{why} Ask the client to remove {email} in Google Analytics under Admin → Property access management."
        )
    };
    if !binding.is_empty() {
        match google.delete_binding(token, binding).await {
            // Already gone (the client removed it): the read-back below decides.
            Err(e) if e.status() != Some("NOT_FOUND") => return Err(by_hand(e.plain())),
            _ => {}
        }
    }
    let still = google
        .account_summaries(token)
        .await
        .map_err(|e| e.plain())?
        .into_iter()
        .flat_map(|a| a.property_summaries)
        .any(|p| p.property == property);
    if still {
        Err(by_hand(format!(
            "Google still lists {property} for {email}."
        )))
    } else {
        Ok(())
    }
}
