//! Google on the platform seam: Google Analytics 4 properties, shared by an Admin API access
//! binding that gives the agency's Google account (connected in Settings) the asked role,
//! Tag Manager containers, shared by a user permission on their account (`tags`), and
//! Google Ads accounts, linked to the agency's manager account (`ads`).
//! The client signs in with Google (incremental consent; they may untick scopes, which is
//! checked), the picker lists their properties and containers (only those they administer
//! can be shared), each share is read back, and verification and offboarding use the
//! agency's own Google connection.

mod ads;
mod share;
mod tags;

use std::collections::HashMap;

use super::{
    AccessToken, Approval, Holdings, Inventory, NotListed, Offered, Outcome, PlatformApi,
    PlatformError, Removal, Sharing, SignInRefused, SignedIn,
};
use crate::actions::{Ctx, google_connection};
use crate::domain::access::{Ask, AssetKind, tasks};
use crate::domain::{GrantStatus, Platform};
use crate::error::AppResult;
use crate::google::{GoogleClient, GoogleError, scopes};
use crate::i18n::Text;
use crate::store::agencies::{self, Agency};
use crate::store::grants::Grant;

pub struct Google;

fn client(ctx: &Ctx) -> AppResult<&GoogleClient> {
    google_connection::client(ctx)
}

/// Where Google sends the client's browser back: the same callback as every platform's.
fn callback(ctx: &Ctx) -> String {
    ctx.url("/oauth/callback")
}

/// The scopes a client's sign-in asks for: who they are, and each asked kind's.
fn scopes_for(asks: &[Ask]) -> Vec<&'static str> {
    let mut all = vec![scopes::EMAIL];
    for s in asks.iter().flat_map(|a| a.kind.scopes()) {
        if !all.contains(s) {
            all.push(s);
        }
    }
    all
}

/// A scope in the words Google's consent screen shows for it (the discovery document's),
/// so the client recognises the box they unticked.
fn scope_words(scope: &str) -> Text {
    match scope {
        scopes::ANALYTICS_READONLY => Text::from("See and download your Google Analytics data"),
        scopes::MANAGE_USERS => {
            Text::from("Manage Google Analytics Account users by email address")
        }
        scopes::TAGMANAGER_READONLY => {
            Text::from("View your Google Tag Manager container and its subcomponents")
        }
        scopes::TAGMANAGER_MANAGE_USERS => {
            Text::from("Manage user permissions of your Google Tag Manager account and container")
        }
        scopes::ADWORDS => {
            Text::from("See, edit, create and delete your Google Ads accounts and data")
        }
        other => Text::from(other),
    }
}

fn failed(e: &GoogleError) -> PlatformError {
    PlatformError::Failed {
        platform: Platform::Google,
        why: e.plain(),
        connection_lost: matches!(e, GoogleError::OAuth { .. }),
    }
}

/// The agency's Google account and a fresh token for it (verification, offboarding).
async fn agency_access(ctx: &Ctx, agency: &Agency) -> Result<(String, String), PlatformError> {
    match google_connection::agency_access(ctx, agency.id).await? {
        None => Err(PlatformError::NotConnected(Platform::Google)),
        Some((_, Err(e))) => Err(failed(&e)),
        Some((email, Ok(token))) => Ok((email, token)),
    }
}

/// Every property the token's person can see, by id: (name, account id, account name).
async fn properties(
    google: &GoogleClient,
    token: &str,
) -> Result<Vec<(String, String, String, String)>, GoogleError> {
    Ok(google
        .account_summaries(token)
        .await?
        .into_iter()
        .flat_map(|a| {
            a.property_summaries.into_iter().map(move |p| {
                (
                    p.property,
                    p.display_name,
                    a.account.clone(),
                    a.display_name.clone(),
                )
            })
        })
        .collect())
}

/// The client's GA4 properties. Only an administrator may give access: listing a
/// property's bindings is how Google says who is one (`canEdit` is an editor's right, not a
/// user manager's).
async fn ga4_offered(
    google: &GoogleClient,
    token: &AccessToken,
) -> Result<Vec<Offered>, GoogleError> {
    let found = properties(google, token.expose()).await?;
    Ok(
        crate::meta::client::bounded(found, 4, |(id, name, account, account_name)| async move {
            let (shareable, reason) = match google.bindings(token.expose(), &id).await {
                Ok(_) => (true, None),
                Err(e) if e.status() == Some("PERMISSION_DENIED") => {
                    (false, Some(Text::msg("google-not-admin")))
                }
                Err(e) => (false, Some(Text::from(e.plain()))),
            };
            Offered {
                kind: AssetKind::Ga4Property,
                id,
                name,
                owner: Some(account),
                owner_name: account_name,
                shareable,
                reason,
            }
        })
        .await,
    )
}

/// What happened to `asset` on Google, before any read-back: partner access for `grantee`
/// (the agency's account or group, or its manager account) with `task`. Each product then
/// sets what its read-back found (verified, existing, the grant's own name).
fn outcome(
    asset: &Offered,
    grantee: String,
    task: &str,
    status: GrantStatus,
    reason: Text,
) -> Outcome {
    Outcome {
        kind: asset.kind,
        asset_id: asset.id.clone(),
        asset_name: asset.name.clone(),
        owner: asset.owner.clone(),
        mode: crate::domain::access::GrantMode::Partner,
        grantee,
        tasks: vec![task.to_owned()],
        status,
        reason,
        existing: false,
        verified: false,
        platform_ref: String::new(),
    }
}

/// One approval's shares on Google: each asset goes to its product's shares.
struct Shares<'a> {
    analytics: share::Shares<'a>,
    tags: tags::TagShares<'a>,
    /// None when the approval has no Ads accounts.
    ads: Option<ads::AdsShares<'a>>,
}

impl Shares<'_> {
    fn no_ads(asset: &Offered) -> Outcome {
        let why = Text::from("This account was not part of the approval.");
        outcome(
            asset,
            String::new(),
            "manager_link",
            GrantStatus::Failed,
            why,
        )
    }
}

#[async_trait::async_trait]
impl Sharing for Shares<'_> {
    async fn share(&self, asset: &Offered) -> Vec<Outcome> {
        match (asset.kind, &self.ads) {
            (AssetKind::GtmContainer, _) => vec![self.tags.share(asset).await],
            (AssetKind::GoogleAds, Some(ads)) => vec![ads.share(asset).await],
            (AssetKind::GoogleAds, None) => vec![Self::no_ads(asset)],
            _ => self.analytics.share(asset).await,
        }
    }

    async fn read_back(&self, asset: &Offered) -> Option<Vec<Outcome>> {
        match (asset.kind, &self.ads) {
            (AssetKind::GtmContainer, _) => self.tags.read_back(asset).await.map(|o| vec![o]),
            (AssetKind::GoogleAds, Some(ads)) => ads.read_back(asset).await.map(|o| vec![o]),
            (AssetKind::GoogleAds, None) => None,
            _ => self.analytics.read_back(asset).await,
        }
    }
}

#[async_trait::async_trait]
impl PlatformApi for Google {
    fn platform(&self) -> Platform {
        Platform::Google
    }

    fn sign_in_url(&self, ctx: &Ctx, asks: &[Ask], state: &str, _again: bool) -> String {
        // Incremental consent asks again for whatever is missing; nothing else to add.
        match client(ctx) {
            Ok(g) => g.consent_url(&callback(ctx), &scopes_for(asks), state, false),
            Err(_) => ctx.url("/approve"),
        }
    }

    async fn signed_in(
        &self,
        ctx: &Ctx,
        asks: &[Ask],
        code: &str,
    ) -> AppResult<Result<SignedIn, SignInRefused>> {
        let google = client(ctx)?;
        let refused = |e: GoogleError| {
            tracing::warn!(error = ?e, "google sign-in could not be completed");
            SignInRefused::Failed(Text::from(e.plain()))
        };
        let answer = match google.exchange(code, &callback(ctx)).await {
            Ok(a) => a,
            Err(e) => return Ok(Err(refused(e))),
        };
        let info = match google.tokeninfo(&answer.access_token).await {
            Ok(i) => i,
            Err(e) => return Ok(Err(refused(e))),
        };
        if info.aud != google.config().client_id {
            return Ok(Err(SignInRefused::Unconfirmed));
        }
        let missing: Vec<Text> = scopes_for(asks)
            .into_iter()
            .filter(|s| *s != scopes::EMAIL && !info.has_scope(s))
            .map(scope_words)
            .collect();
        if !missing.is_empty() {
            return Ok(Err(SignInRefused::Missing(missing)));
        }
        let email = info.email.clone().unwrap_or_default();
        Ok(Ok(SignedIn {
            token: AccessToken(answer.access_token),
            person_id: info.sub,
            person_name: email,
        }))
    }

    async fn inventory(
        &self,
        ctx: &Ctx,
        token: &AccessToken,
        asks: &[Ask],
        agency: &Agency,
    ) -> Result<Inventory, NotListed> {
        let not_listed = |e: GoogleError| NotListed {
            why: Text::from(e.plain()),
            sign_in_again: e.status() == Some("UNAUTHENTICATED"),
        };
        let google = client(ctx).map_err(|e| NotListed {
            why: Text::from(e.to_string()),
            sign_in_again: false,
        })?;
        let mut offered = Vec::new();
        if asks.iter().any(|a| a.kind == AssetKind::Ga4Property) {
            offered = ga4_offered(google, token).await.map_err(not_listed)?;
        }
        if asks.iter().any(|a| a.kind == AssetKind::GtmContainer) {
            let containers = tags::offered(google, token.expose()).await;
            offered.extend(containers.map_err(not_listed)?);
        }
        if asks.iter().any(|a| a.kind == AssetKind::GoogleAds) {
            // Whether the client administers each account is read by their address.
            let email = google
                .tokeninfo(token.expose())
                .await
                .map_err(not_listed)?
                .email
                .unwrap_or_default();
            let manager = agencies::google_connection(&ctx.db.pool, agency.id)
                .await
                .map_err(|e| NotListed {
                    why: Text::from(e.to_string()),
                    sign_in_again: false,
                })?
                .ads_manager;
            let accounts = ads::offered(
                google,
                token.expose(),
                &email,
                manager.as_deref(),
                agency.public_name(),
            )
            .await;
            offered.extend(accounts.map_err(not_listed)?);
        }
        Ok(Inventory {
            offered,
            unlisted: Vec::new(),
        })
    }

    async fn sharing<'a>(
        &'a self,
        ctx: &'a Ctx,
        a: Approval<'a>,
        assets: &[Offered],
    ) -> Result<Box<dyn Sharing + 'a>, Text> {
        let unready = || Text::msg("google-unready").arg("agency", a.agency.public_name());
        let google = client(ctx).map_err(|_| unready())?;
        let connection = agencies::google_connection(&ctx.db.pool, a.agency.id)
            .await
            .map_err(|_| unready())?;
        let email = connection.grantee().ok_or_else(unready)?.to_owned();
        let token = a.token.expose().to_owned();
        let containers: Vec<&Offered> = assets
            .iter()
            .filter(|x| x.kind == AssetKind::GtmContainer)
            .collect();
        let permission = tasks(AssetKind::GtmContainer, a.level(AssetKind::GtmContainer))[0];
        let ads = if assets.iter().any(|x| x.kind == AssetKind::GoogleAds) {
            let manager = connection.ads_manager.clone().ok_or_else(unready)?;
            let (_, agency_token) = agency_access(ctx, a.agency).await.map_err(|_| unready())?;
            Some(ads::AdsShares {
                google,
                client_token: token.clone(),
                agency_token,
                manager,
            })
        } else {
            None
        };
        Ok(Box::new(Shares {
            ads,
            analytics: share::Shares {
                google,
                token: token.clone(),
                email: email.clone(),
                role: tasks(AssetKind::Ga4Property, a.level(AssetKind::Ga4Property))[0],
            },
            tags: tags::TagShares::new(google, token, email, permission, &containers),
        }))
    }

    async fn arrange_for_staff(
        &self,
        _ctx: &Ctx,
        _agency: &Agency,
        _staff: &[String],
        _shared: Vec<(String, Vec<String>)>,
    ) -> HashMap<String, String> {
        // The agency's Google account holds the access; who at the agency uses it is the
        // agency's own arrangement (a shared account or a Google group).
        HashMap::new()
    }

    async fn connected(&self, ctx: &Ctx, agency: &Agency) -> AppResult<bool> {
        let c = agencies::google_connection(&ctx.db.pool, agency.id).await?;
        Ok(ctx.google.is_some() && c.sealed.is_some() && c.email.is_some())
    }

    async fn holdings(&self, ctx: &Ctx, agency: &Agency) -> Result<Holdings, PlatformError> {
        let google = client(ctx)?;
        let (_, token) = agency_access(ctx, agency).await?;
        let found = properties(google, &token).await.map_err(|e| failed(&e))?;
        let mut holdings = Holdings {
            held: found.into_iter().map(|(id, ..)| (id, false)).collect(),
            ..Holdings::default()
        };
        match tags::held(google, &token).await {
            Ok(containers) => holdings
                .held
                .extend(containers.into_iter().map(|c| (c, false))),
            // Connected before Tag Manager was offered: its containers cannot be read until
            // the agency connects Google again, which says nothing of them.
            Err(e) if e.reason() == Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT") => {
                holdings.unknown.push(AssetKind::GtmContainer);
            }
            Err(e) => return Err(failed(&e)),
        }
        let manager = agencies::google_connection(&ctx.db.pool, agency.id)
            .await
            .map_err(crate::error::AppError::from)?
            .ads_manager;
        match manager {
            // No manager account named: no link can have been made or be read.
            None => holdings.unknown.push(AssetKind::GoogleAds),
            Some(m) => match ads::held(google, &token, &m).await {
                Ok(links) => holdings.held.extend(links),
                Err(e) if e.reason() == Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT") => {
                    holdings.unknown.push(AssetKind::GoogleAds);
                }
                Err(e) => return Err(failed(&e)),
            },
        }
        Ok(holdings)
    }

    async fn remove(
        &self,
        ctx: &Ctx,
        agency: &Agency,
        _client_id: i64,
        grants: Vec<Grant>,
    ) -> Result<Removal, PlatformError> {
        let google = client(ctx)?;
        // Each grant names who was given access (the agency's account or its group): the
        // steps for the client name it.
        let (_, token) = agency_access(ctx, agency).await?;
        let (accounts, grants): (Vec<Grant>, Vec<Grant>) = grants
            .into_iter()
            .partition(|g| g.kind == AssetKind::GoogleAds);
        let (containers, properties): (Vec<Grant>, Vec<Grant>) = grants
            .into_iter()
            .partition(|g| g.kind == AssetKind::GtmContainer);
        let mut removal = Removal::default();
        if !accounts.is_empty() {
            let manager = agencies::google_connection(&ctx.db.pool, agency.id)
                .await
                .map_err(crate::error::AppError::from)?
                .ads_manager;
            for g in accounts {
                let result = match &manager {
                    Some(m) => ads::remove_own(google, &token, m, &g.asset_id).await,
                    None => Err("No Google Ads manager account is named in Settings: ask the client to remove your manager account in Google Ads under Admin → Access and security → Managers.".into()),
                };
                removal.grants.push((g, result));
            }
        }
        for g in properties {
            let result =
                share::remove_own(google, &token, &g.grantee, &g.asset_id, &g.platform_ref).await;
            removal.grants.push((g, result));
        }
        if !containers.is_empty() {
            let recorded: Vec<(String, String)> = containers
                .iter()
                .map(|g| (g.asset_id.clone(), g.platform_ref.clone()))
                .collect();
            let email = containers[0].grantee.clone();
            let mut results = tags::remove_own(google, &token, &email, &recorded)
                .await
                .map_err(|e| failed(&e))?;
            for g in containers {
                let result = results
                    .remove(&g.asset_id)
                    .unwrap_or_else(|| Err("Not read back.".into()));
                removal.grants.push((g, result));
            }
        }
        Ok(removal)
    }
}
