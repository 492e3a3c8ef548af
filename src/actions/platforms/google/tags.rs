//! Tag Manager on Google's side of the seam. Access is one *user permission* per person and
//! account, naming each container and its permission (`read`, `edit`, `approve`,
//! `publish`), so an approval shares per account, not per container: the containers a
//! client picked in one account become one create (or one update) and one read-back,
//! however many there are. With Tag Manager's quota of 0.25 requests a second per project,
//! twenty containers in one account cost three calls, not sixty.

use std::collections::{HashMap, HashSet};

use tokio::sync::OnceCell;

use super::super::{Offered, Outcome};
use crate::domain::GrantStatus;
use crate::domain::access::AssetKind;
use crate::google::{
    AccountAccess, ContainerAccess, GoogleClient, GoogleError, TagContainer, UserPermission,
};
use crate::i18n::Text;

/// A container's id as Latchkey records it: its path, which names its account.
pub fn asset_id(c: &TagContainer) -> String {
    format!("accounts/{}/containers/{}", c.account_id, c.container_id)
}

/// (account id, container id) of a recorded container.
fn split(asset_id: &str) -> Option<(&str, &str)> {
    let rest = asset_id.strip_prefix("accounts/")?;
    let (account, container) = rest.split_once("/containers/")?;
    Some((account, container))
}

/// How much a container permission allows, to keep the greater of what was held and what
/// is asked (asking to `read` a container the agency may `publish` takes nothing away).
fn rank(permission: &str) -> u8 {
    match permission {
        "read" => 1,
        "edit" => 2,
        "approve" => 3,
        "publish" => 4,
        _ => 0,
    }
}

/// The client's containers the picker offers: those of accounts the client administers
/// can be shared (listing the account's user permissions is how Google says so).
pub async fn offered(google: &GoogleClient, token: &str) -> Result<Vec<Offered>, GoogleError> {
    let mut offered = Vec::new();
    for account in google.tag_accounts(token).await? {
        let containers = google.containers(token, &account.account_id).await?;
        let (shareable, reason) = match google.user_permissions(token, &account.account_id).await {
            Ok(_) => (true, None),
            Err(e) if e.status() == Some("PERMISSION_DENIED") => {
                (false, Some(Text::msg("google-not-admin-gtm")))
            }
            Err(e) => (false, Some(Text::from(e.plain()))),
        };
        offered.extend(containers.iter().map(|c| Offered {
            kind: AssetKind::GtmContainer,
            id: asset_id(c),
            name: format!("{} ({})", c.name, c.public_id),
            owner: Some(format!("accounts/{}", account.account_id)),
            owner_name: account.name.clone(),
            shareable,
            reason: reason.clone(),
        }));
    }
    Ok(offered)
}

/// What one account's share found: the agency's permission as read back, and the
/// containers it already held before this approval.
type AccountResult = Result<(Option<UserPermission>, HashSet<String>), String>;

/// One approval's Tag Manager shares, one batch per account.
pub struct TagShares<'a> {
    pub google: &'a GoogleClient,
    /// The client's session.
    pub token: String,
    /// The agency's Google account.
    pub email: String,
    /// The asked container permission.
    pub permission: &'static str,
    /// The approval's containers by account.
    pub wanted: HashMap<String, Vec<String>>,
    /// Each account's share, made once by whichever container asks first.
    pub done: HashMap<String, OnceCell<AccountResult>>,
}

impl<'a> TagShares<'a> {
    pub fn new(
        google: &'a GoogleClient,
        token: String,
        email: String,
        permission: &'static str,
        assets: &[&Offered],
    ) -> Self {
        let mut wanted: HashMap<String, Vec<String>> = HashMap::new();
        for (account, container) in assets.iter().filter_map(|a| split(&a.id)) {
            wanted
                .entry(account.to_owned())
                .or_default()
                .push(container.to_owned());
        }
        let done = wanted
            .keys()
            .map(|a| (a.clone(), OnceCell::new()))
            .collect();
        Self {
            google,
            token,
            email,
            permission,
            wanted,
            done,
        }
    }

    /// The agency's permission on `account` now.
    async fn current(&self, account: &str) -> Result<Option<UserPermission>, GoogleError> {
        Ok(self
            .google
            .user_permissions(&self.token, account)
            .await?
            .into_iter()
            .find(|p| p.email_address.eq_ignore_ascii_case(&self.email)))
    }

    /// Gives the agency every wanted container of `account` in one create or update, then
    /// reads the permission back.
    async fn share_account(&self, account: &str) -> AccountResult {
        let plain = |e: GoogleError| e.plain();
        let mut held = self.current(account).await.map_err(plain)?;
        if held.is_none() {
            let fresh = UserPermission {
                email_address: self.email.clone(),
                account_access: AccountAccess {
                    permission: "user".into(),
                },
                container_access: self.merged(&[], account).0,
                ..UserPermission::default()
            };
            match self
                .google
                .create_permission(&self.token, account, &fresh)
                .await
            {
                Ok(_) => return self.read_account(account, HashSet::new()).await,
                // Someone gave the agency access meanwhile: update that one instead.
                Err(e) if e.status() == Some("ALREADY_EXISTS") => {
                    held = self.current(account).await.map_err(plain)?;
                }
                Err(e) => return Err(e.plain()),
            }
        }
        let held = held.ok_or_else(|| "Google lost the agency's permission.".to_owned())?;
        let (access, had) = self.merged(&held.container_access, account);
        if access != held.container_access {
            let update = UserPermission {
                container_access: access,
                ..held.clone()
            };
            self.google
                .update_permission(&self.token, &held.path, &update)
                .await
                .map_err(plain)?;
        }
        self.read_account(account, had).await
    }

    /// `held` with each wanted container of `account` at least at the asked permission,
    /// and the wanted containers `held` already allowed as much.
    fn merged(
        &self,
        held: &[ContainerAccess],
        account: &str,
    ) -> (Vec<ContainerAccess>, HashSet<String>) {
        let mut access = held.to_vec();
        let mut had = HashSet::new();
        for container in self.wanted.get(account).into_iter().flatten() {
            match access.iter_mut().find(|a| &a.container_id == container) {
                Some(a) if rank(&a.permission) >= rank(self.permission) => {
                    had.insert(container.clone());
                }
                Some(a) => a.permission = self.permission.to_owned(),
                None => access.push(ContainerAccess {
                    container_id: container.clone(),
                    permission: self.permission.to_owned(),
                }),
            }
        }
        (access, had)
    }

    async fn read_account(&self, account: &str, had: HashSet<String>) -> AccountResult {
        match self.current(account).await {
            Ok(p) => Ok((p, had)),
            Err(e) => Err(format!(
                "Shared, but Google could not be read back: {}",
                e.plain()
            )),
        }
    }

    fn outcome(&self, asset: &Offered, found: &AccountResult) -> Outcome {
        let container = split(&asset.id).map(|(_, c)| c).unwrap_or_default();
        let base = super::outcome(
            asset,
            self.email.clone(),
            self.permission,
            GrantStatus::Failed,
            Text::from(""),
        );
        let (permission, had) = match found {
            Err(why) => {
                return Outcome {
                    reason: Text::from(why.clone()),
                    ..base
                };
            }
            Ok(found) => found,
        };
        let granted = permission.as_ref().and_then(|p| {
            p.container_access
                .iter()
                .find(|a| a.container_id == container && rank(&a.permission) > 0)
                .map(|a| (p, a))
        });
        match granted {
            Some((p, a)) => Outcome {
                tasks: vec![a.permission.clone()],
                status: GrantStatus::Active,
                reason: Text::from("Read back from the account's user permissions."),
                existing: had.contains(container),
                verified: true,
                platform_ref: p.path.clone(),
                ..base
            },
            None => Outcome {
                reason: Text::from(format!(
                    "Google does not list access for {} on this container.",
                    self.email
                )),
                ..base
            },
        }
    }

    /// Shares the container's account (once for all its containers) and judges this one.
    pub async fn share(&self, asset: &Offered) -> Outcome {
        let account = split(&asset.id).map(|(a, _)| a).unwrap_or_default();
        match self.done.get(account) {
            Some(cell) => {
                let found = cell.get_or_init(|| self.share_account(account)).await;
                self.outcome(asset, found)
            }
            None => self.outcome(
                asset,
                &Err("This container was not part of the approval.".to_owned()),
            ),
        }
    }

    /// Reads back, sending nothing: None when Google could not be read.
    pub async fn read_back(&self, asset: &Offered) -> Option<Outcome> {
        let account = split(&asset.id).map(|(a, _)| a)?;
        let cell = self.done.get(account)?;
        let found = cell
            .get_or_init(|| async {
                self.current(account)
                    .await
                    .map(|p| (p, HashSet::new()))
                    .map_err(|e| e.plain())
            })
            .await;
        found.is_ok().then(|| self.outcome(asset, found))
    }
}

/// The containers the agency's own account sees now (verification's read-back).
pub async fn held(google: &GoogleClient, token: &str) -> Result<Vec<String>, GoogleError> {
    let mut held = Vec::new();
    for account in google.tag_accounts(token).await? {
        for c in google.containers(token, &account.account_id).await? {
            held.push(asset_id(&c));
        }
    }
    Ok(held)
}

/// The agency gives up its permission on each account of `containers` (recorded as
/// `(asset id, permission path)`), then reads back which containers it still sees: each
/// container with `Ok` when gone, else why with the steps for the client. Tag Manager lets
/// only an account's administrators manage users, so this usually ends with the steps.
pub async fn remove_own(
    google: &GoogleClient,
    token: &str,
    email: &str,
    containers: &[(String, String)],
) -> Result<HashMap<String, Result<(), String>>, GoogleError> {
    let by_hand = |why: &str| {
        format!(
            "{why} Ask the client to remove {email} in Tag Manager under Admin → User Management."
        )
    };
    let mut refused: HashMap<String, String> = HashMap::new();
    let paths: HashSet<&str> = containers
        .iter()
        .map(|(_, p)| p.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    for path in paths {
        match google.delete_permission(token, path).await {
            Ok(()) => {}
            Err(e) if e.status() == Some("NOT_FOUND") => {}
            Err(e) => {
                refused.insert(path.to_owned(), e.plain());
            }
        }
    }
    let still: HashSet<String> = held(google, token).await?.into_iter().collect();
    Ok(containers
        .iter()
        .map(|(id, path)| {
            let result = if !still.contains(id) {
                Ok(())
            } else {
                let why = refused
                    .get(path)
                    .cloned()
                    .unwrap_or_else(|| format!("Google still lists this container for {email}."));
                Err(by_hand(&why))
            };
            (id.clone(), result)
        })
        .collect())
}
