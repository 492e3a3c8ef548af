//! The Google sandbox's demo world: people, Analytics accounts and properties, who holds
//! which role where (access bindings), and the OAuth codes and tokens handed out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The built-in OAuth client (an installation's own Google Cloud client in production).
pub const CLIENT_ID: &str = "100000000001-sandbox.apps.googleusercontent.com";
pub const CLIENT_SECRET: &str = "sandbox-google-secret-not-for-production";

pub const SCOPE_ANALYTICS_READONLY: &str = "https://www.googleapis.com/auth/analytics.readonly";
pub const SCOPE_MANAGE_USERS: &str = "https://www.googleapis.com/auth/analytics.manage.users";
pub const SCOPE_MANAGE_USERS_READONLY: &str =
    "https://www.googleapis.com/auth/analytics.manage.users.readonly";
/// Basic sign-in scopes: granted with any consent, never offered as a checkbox.
pub const SCOPE_EMAIL: &str = "https://www.googleapis.com/auth/userinfo.email";

/// The demo agency's Google account: the address an agency gives Analytics access to.
pub const AGENCY_EMAIL: &str = "analytics@agency.example";
/// The demo client, administrator of the Messy Co Analytics account.
pub const CLIENT_EMAIL: &str = "casey@messyco.example";
/// The demo agency's Google group (its account is a member): an address an agency may give
/// Analytics and Tag Manager access to instead of one account.
pub const AGENCY_GROUP: &str = "analytics-team@agency.example";
/// A client's colleague who may only view one property: nothing they can share.
pub const VIEWER_EMAIL: &str = "vic@messyco.example";

/// Tag Manager's scopes Latchkey asks for.
pub const SCOPE_TAGMANAGER_READONLY: &str = "https://www.googleapis.com/auth/tagmanager.readonly";
pub const SCOPE_TAGMANAGER_MANAGE_USERS: &str =
    "https://www.googleapis.com/auth/tagmanager.manage.users";

/// Google Ads' one scope, and the words Google's consent screen shows for it (the Ads API has
/// no discovery document to take them from).
pub const SCOPE_ADWORDS: &str = "https://www.googleapis.com/auth/adwords";
pub const ADWORDS_WORDS: &str = "See, edit, create and delete your Google Ads accounts and data";

/// The demo agency's Google Ads manager account (MCC), administered by [`AGENCY_EMAIL`].
pub const AGENCY_MCC: &str = "1234567890";
/// Another agency's manager account, which already manages Big Brand's 40 accounts.
pub const OTHER_MCC: &str = "9990000001";
/// A client who administers 40 Ads accounts, all managed by another agency's MCC.
pub const BIG_CLIENT_EMAIL: &str = "morgan@bigbrand.example";
/// A client administrator without 2-Step Verification, on an account that requires it.
pub const NO_2SV_EMAIL: &str = "noel@nofactor.example";

pub const ADMIN: &str = "predefinedRoles/admin";
pub const VIEWER: &str = "predefinedRoles/viewer";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Person {
    /// The stable subject id (`sub`).
    pub sub: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    /// `accounts/{id}`.
    pub name: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Property {
    /// `properties/{id}`.
    pub name: String,
    pub display_name: String,
    /// `accounts/{id}`.
    pub parent: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Binding {
    /// `{parent}/accessBindings/{id}`.
    pub name: String,
    /// `accounts/{id}` or `properties/{id}`.
    pub parent: String,
    pub user: String,
    pub roles: Vec<String>,
}

/// A Tag Manager account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TagAccount {
    pub account_id: String,
    pub name: String,
}

/// A Tag Manager container.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Container {
    pub account_id: String,
    pub container_id: String,
    pub name: String,
    /// `GTM-…`.
    pub public_id: String,
}

/// One container's permission in a user permission (`ContainerAccess`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ContainerAccess {
    pub container_id: String,
    pub permission: String,
}

/// A Tag Manager user permission: one person's access to an account and its containers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UserPermission {
    pub account_id: String,
    pub permission_id: String,
    pub email: String,
    /// `user` or `admin` (`AccountAccess.permission`).
    pub account_access: String,
    pub containers: Vec<ContainerAccess>,
}

impl UserPermission {
    /// `accounts/{a}/user_permissions/{p}`.
    pub fn path(&self) -> String {
        format!(
            "accounts/{}/user_permissions/{}",
            self.account_id, self.permission_id
        )
    }
}

/// A Google Ads account (a customer): a client account or a manager account (MCC).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdsCustomer {
    /// Ten digits, no dashes.
    pub id: String,
    pub name: String,
    pub manager: bool,
    /// Its administrators turned on "require 2-Step Verification" for everyone.
    #[serde(default)]
    pub requires_two_step: bool,
}

/// A person's access to a Google Ads account (`AccessRole`: `ADMIN`, `STANDARD`, …).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdsAccess {
    pub customer_id: String,
    pub email: String,
    pub role: String,
}

/// A manager link between a manager account and a client account, seen from both sides
/// (`customer_client_link` on the manager, `customer_manager_link` on the client).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AdsLink {
    pub manager_id: String,
    pub client_id: String,
    pub link_id: String,
    /// `ManagerLinkStatus`: `PENDING`, `ACTIVE`, `INACTIVE`, `REFUSED`, `CANCELED`.
    pub status: String,
}

impl AdsLink {
    /// `customers/{manager}/customerClientLinks/{client}~{link}`.
    pub fn client_link_name(&self) -> String {
        format!(
            "customers/{}/customerClientLinks/{}~{}",
            self.manager_id, self.client_id, self.link_id
        )
    }

    /// `customers/{client}/customerManagerLinks/{manager}~{link}`.
    pub fn manager_link_name(&self) -> String {
        format!(
            "customers/{}/customerManagerLinks/{}~{}",
            self.client_id, self.manager_id, self.link_id
        )
    }
}

/// A consent's single-use code (ten minutes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Code {
    pub email: String,
    pub scopes: Vec<String>,
    pub client_id: String,
    pub redirect_uri: String,
    pub expires_at: i64,
    pub offline: bool,
}

/// An access token (an hour) or a refresh token (until revoked).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Token {
    pub email: String,
    pub scopes: Vec<String>,
    pub client_id: String,
    /// 0 for refresh tokens.
    pub expires_at: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct World {
    pub people: Vec<Person>,
    pub accounts: Vec<Account>,
    pub properties: Vec<Property>,
    pub bindings: Vec<Binding>,
    pub tag_accounts: Vec<TagAccount>,
    pub containers: Vec<Container>,
    pub permissions: Vec<UserPermission>,
    pub ads_customers: Vec<AdsCustomer>,
    pub ads_access: Vec<AdsAccess>,
    pub ads_links: Vec<AdsLink>,
    /// People who have not enrolled in 2-Step Verification.
    pub without_two_step: Vec<String>,
    /// Google groups: the group's address → its members' addresses. Access given to a group
    /// reaches its members.
    pub groups: BTreeMap<String, Vec<String>>,
    pub next_id: u64,
    pub codes: BTreeMap<String, Code>,
    pub access_tokens: BTreeMap<String, Token>,
    pub refresh_tokens: BTreeMap<String, Token>,
    /// What each person granted each client so far ("{email} {client_id}" → scopes), for
    /// incremental consent (`include_granted_scopes=true`).
    pub granted: BTreeMap<String, Vec<String>>,
}

impl World {
    /// The demo world: the agency's account, a tidy client (two properties, an administrator)
    /// and a colleague who may only view one property.
    pub fn demo() -> Self {
        let person = |sub: &str, name: &str, email: &str| Person {
            sub: sub.into(),
            name: name.into(),
            email: email.into(),
        };
        let property = |id: &str, name: &str, parent: &str| Property {
            name: format!("properties/{id}"),
            display_name: name.into(),
            parent: format!("accounts/{parent}"),
        };
        let mut w = Self {
            people: vec![
                person("110000000000000000001", "Casey Client", CLIENT_EMAIL),
                person("110000000000000000002", "Vic Viewer", VIEWER_EMAIL),
                person("110000000000000000003", "Agency Analytics", AGENCY_EMAIL),
            ],
            accounts: vec![Account {
                name: "accounts/3001".into(),
                display_name: "Messy Co".into(),
            }],
            properties: vec![
                property("4001", "Messy Web (GA4)", "3001"),
                property("4002", "Messy App (GA4)", "3001"),
            ],
            next_id: 9000,
            ..Default::default()
        };
        w.bind("accounts/3001", CLIENT_EMAIL, &[ADMIN]);
        w.bind("properties/4001", VIEWER_EMAIL, &[VIEWER]);
        w.add_tag_manager_demo();
        w.add_ads_demo();
        w.groups
            .insert(AGENCY_GROUP.into(), vec![AGENCY_EMAIL.into()]);
        w
    }

    /// Whether access given to `principal` (a person or a group) reaches `email`.
    pub fn reaches(&self, principal: &str, email: &str) -> bool {
        principal.eq_ignore_ascii_case(email)
            || self.groups.iter().any(|(group, members)| {
                group.eq_ignore_ascii_case(principal)
                    && members.iter().any(|m| m.eq_ignore_ascii_case(email))
            })
    }

    /// The demo's Google Ads: the agency's manager account; Casey administering Messy Co
    /// Ads (Vic may only read it); Morgan administering 40 accounts another agency's MCC
    /// manages; Noel administering an account that requires 2-Step Verification, without
    /// it. Also added to a world kept from before Ads was emulated.
    pub fn add_ads_demo(&mut self) {
        let customer = |id: &str, name: &str, manager: bool| AdsCustomer {
            id: id.into(),
            name: name.into(),
            manager,
            requires_two_step: false,
        };
        for (sub, name, email) in [
            ("110000000000000000004", "Morgan Bigbrand", BIG_CLIENT_EMAIL),
            ("110000000000000000005", "Noel Nofactor", NO_2SV_EMAIL),
        ] {
            if self.person(email).is_none() {
                self.people.push(Person {
                    sub: sub.into(),
                    name: name.into(),
                    email: email.into(),
                });
            }
        }
        self.without_two_step.push(NO_2SV_EMAIL.into());
        self.ads_customers.extend([
            customer(AGENCY_MCC, "Agency Manager (MCC)", true),
            customer(OTHER_MCC, "Other Agency MCC", true),
            customer("5550000001", "Messy Co Ads", false),
            AdsCustomer {
                requires_two_step: true,
                ..customer("5550000002", "NoFactor Ads", false)
            },
        ]);
        self.ads_grant(AGENCY_MCC, AGENCY_EMAIL, "ADMIN");
        self.ads_grant(OTHER_MCC, "ops@otheragency.example", "ADMIN");
        self.ads_grant("5550000001", CLIENT_EMAIL, "ADMIN");
        self.ads_grant("5550000001", VIEWER_EMAIL, "READ_ONLY");
        self.ads_grant("5550000002", NO_2SV_EMAIL, "ADMIN");
        for n in 1..=40 {
            let id = format!("55510000{n:02}");
            self.ads_customers
                .push(customer(&id, &format!("Big Brand Ads {n:02}"), false));
            self.ads_grant(&id, BIG_CLIENT_EMAIL, "ADMIN");
            self.ads_link(OTHER_MCC, &id, "ACTIVE");
        }
    }

    pub fn ads_grant(&mut self, customer: &str, email: &str, role: &str) {
        self.ads_access.push(AdsAccess {
            customer_id: customer.into(),
            email: email.into(),
            role: role.into(),
        });
    }

    /// Adds a manager link (as the two accounts' administrators would) and returns it.
    pub fn ads_link(&mut self, manager: &str, client: &str, status: &str) -> AdsLink {
        self.next_id += 1;
        let link = AdsLink {
            manager_id: manager.into(),
            client_id: client.into(),
            link_id: self.next_id.to_string(),
            status: status.into(),
        };
        self.ads_links.push(link.clone());
        link
    }

    /// `email`'s role on a Google Ads account, if any.
    pub fn ads_role(&self, customer: &str, email: &str) -> Option<&str> {
        self.ads_access
            .iter()
            .find(|a| a.customer_id == customer && a.email.eq_ignore_ascii_case(email))
            .map(|a| a.role.as_str())
    }

    pub fn ads_customer(&self, id: &str) -> Option<&AdsCustomer> {
        self.ads_customers.iter().find(|c| c.id == id)
    }

    /// The demo's Tag Manager: the Messy Co account with a web and an app container, Casey
    /// its administrator, Vic allowed to read the web container only. Also added to a world
    /// kept from before Tag Manager was emulated.
    pub fn add_tag_manager_demo(&mut self) {
        self.tag_accounts.push(TagAccount {
            account_id: "6001".into(),
            name: "Messy Co".into(),
        });
        for (id, name, public) in [
            ("7001", "Messy Web", "GTM-MESSY01"),
            ("7002", "Messy App", "GTM-MESSY02"),
        ] {
            self.add_container("6001", id, name, public);
        }
        self.permit(
            "6001",
            CLIENT_EMAIL,
            "admin",
            &[("7001", "publish"), ("7002", "publish")],
        );
        self.permit("6001", VIEWER_EMAIL, "user", &[("7001", "read")]);
    }

    pub fn add_container(&mut self, account: &str, id: &str, name: &str, public_id: &str) {
        self.containers.push(Container {
            account_id: account.into(),
            container_id: id.into(),
            name: name.into(),
            public_id: public_id.into(),
        });
    }

    /// Gives `email` a user permission on a Tag Manager account (as an administrator would).
    pub fn permit(
        &mut self,
        account: &str,
        email: &str,
        access: &str,
        containers: &[(&str, &str)],
    ) -> UserPermission {
        self.next_id += 1;
        let p = UserPermission {
            account_id: account.into(),
            permission_id: self.next_id.to_string(),
            email: email.into(),
            account_access: access.into(),
            containers: containers
                .iter()
                .map(|(c, p)| ContainerAccess {
                    container_id: (*c).into(),
                    permission: (*p).into(),
                })
                .collect(),
        };
        self.permissions.push(p.clone());
        p
    }

    /// The permission given to `email` itself on a Tag Manager account, if any.
    pub fn permission_of(&self, account: &str, email: &str) -> Option<&UserPermission> {
        self.permissions
            .iter()
            .find(|p| p.account_id == account && p.email.eq_ignore_ascii_case(email))
    }

    /// The permission by which `email` reaches a Tag Manager account: their own, else a
    /// group's they are a member of.
    pub fn permission_reaching(&self, account: &str, email: &str) -> Option<&UserPermission> {
        self.permission_of(account, email).or_else(|| {
            self.permissions
                .iter()
                .find(|p| p.account_id == account && self.reaches(&p.email, email))
        })
    }

    /// Whether `email` administers the Tag Manager account (who may manage its users).
    pub fn tag_admin(&self, account: &str, email: &str) -> bool {
        self.permission_reaching(account, email)
            .is_some_and(|p| p.account_access == "admin")
    }

    /// Adds a binding (as an administrator would) and returns it.
    pub fn bind(&mut self, parent: &str, user: &str, roles: &[&str]) -> Binding {
        self.next_id += 1;
        let b = Binding {
            name: format!("{parent}/accessBindings/{}", self.next_id),
            parent: parent.to_owned(),
            user: user.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        };
        self.bindings.push(b.clone());
        b
    }

    pub fn person(&self, email: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.email == email)
    }

    /// The account a resource (`accounts/…` or `properties/…`) belongs to.
    pub fn account_of(&self, resource: &str) -> Option<String> {
        if resource.starts_with("accounts/") {
            return Some(resource.to_owned());
        }
        self.properties
            .iter()
            .find(|p| p.name == resource)
            .map(|p| p.parent.clone())
    }

    pub fn exists(&self, resource: &str) -> bool {
        self.accounts.iter().any(|a| a.name == resource)
            || self.properties.iter().any(|p| p.name == resource)
    }

    /// The roles `email` holds on `resource`, its own and those inherited from its account.
    pub fn roles_on(&self, email: &str, resource: &str) -> Vec<String> {
        let account = self.account_of(resource);
        self.bindings
            .iter()
            .filter(|b| self.reaches(&b.user, email))
            .filter(|b| b.parent == resource || Some(&b.parent) == account.as_ref())
            .flat_map(|b| b.roles.iter().cloned())
            .collect()
    }

    /// Whether `email` may see `resource` at all.
    pub fn can_see(&self, email: &str, resource: &str) -> bool {
        let account = resource.starts_with("accounts/");
        !self.roles_on(email, resource).is_empty()
            || (account
                && self
                    .properties
                    .iter()
                    .any(|p| p.parent == resource && !self.roles_on(email, &p.name).is_empty()))
    }

    /// Whether `email` may manage users on `resource` (administrators only, as in Google
    /// Analytics: "Users with the Administrator role can manage users").
    pub fn is_admin(&self, email: &str, resource: &str) -> bool {
        self.roles_on(email, resource).iter().any(|r| r == ADMIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_inherited_from_the_account_and_only_administrators_manage_users() {
        let mut w = World::demo();
        assert!(
            w.is_admin(CLIENT_EMAIL, "properties/4001"),
            "from the account"
        );
        assert!(w.can_see(VIEWER_EMAIL, "properties/4001"));
        assert!(!w.can_see(VIEWER_EMAIL, "properties/4002"));
        assert!(
            w.can_see(VIEWER_EMAIL, "accounts/3001"),
            "through a property"
        );
        assert!(!w.is_admin(VIEWER_EMAIL, "properties/4001"));
        assert!(!w.can_see(AGENCY_EMAIL, "properties/4001"));
        let b = w.bind("properties/4002", AGENCY_EMAIL, &[VIEWER]);
        assert!(b.name.starts_with("properties/4002/accessBindings/"));
        assert_eq!(w.roles_on(AGENCY_EMAIL, "properties/4002"), vec![VIEWER]);
        assert!(w.roles_on(AGENCY_EMAIL, "properties/4001").is_empty());
    }

    #[test]
    fn the_schema_is_google_s() {
        use crate::schema;
        assert!(schema::ROLES.contains(&ADMIN) && schema::ROLES.contains(&VIEWER));
        assert_eq!(schema::ACCESS_BINDING_FIELDS, ["name", "roles", "user"]);
        assert!(
            schema::scopes("analyticsadmin.properties.accessBindings.create")
                .contains(&SCOPE_MANAGE_USERS)
        );
        assert!(
            !schema::scopes("analyticsadmin.properties.accessBindings.list")
                .contains(&SCOPE_ANALYTICS_READONLY)
        );
    }
}
