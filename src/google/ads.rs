//! The Google Ads API (REST, v26): the accounts a person can reach, GAQL reads, and the
//! manager link's two sides — the agency's manager account (MCC) invites a client account,
//! the client's administrator accepts, and either side ends it. Calls through the manager
//! name it in `login-customer-id`, as Google requires for a manager acting on a client.
//! No developer token is sent: v26's own types say developer tokens "have been sunset" in
//! favour of the Cloud project's API access level.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{GoogleClient, GoogleError};

/// The API version Latchkey speaks (the Google sandbox's schema is generated from it).
pub const ADS_VERSION: &str = "v26";

/// A Google Ads account as `customer` reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomerInfo {
    pub id: String,
    pub descriptive_name: String,
    pub manager: bool,
}

/// A manager's side of a link (`customer_client_link`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AdsLink {
    pub resource_name: String,
    pub client_customer: String,
    pub manager_link_id: String,
    pub status: String,
}

/// A client's side of a link (`customer_manager_link`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagerLink {
    pub resource_name: String,
    pub manager_customer: String,
    pub manager_link_id: String,
    pub status: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Accessible {
    resource_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct UserAccess {
    email_address: String,
    access_role: String,
}

/// A customer id (digits only) from `customers/{id}`.
pub fn customer_id(resource: &str) -> &str {
    resource.strip_prefix("customers/").unwrap_or(resource)
}

impl GoogleClient {
    fn ads_url(&self, path: &str) -> String {
        format!("{}/{ADS_VERSION}/{path}", self.cfg.ads_base)
    }

    fn ads_post(&self, url: &str, token: &str, login: Option<&str>) -> reqwest::RequestBuilder {
        let req = self.http.post(url).bearer_auth(token);
        match login {
            Some(l) => req.header("login-customer-id", l),
            None => req,
        }
    }

    /// The ids of the Google Ads accounts the token's person was given directly.
    pub async fn accessible_customers(&self, token: &str) -> Result<Vec<String>, GoogleError> {
        let url = self.ads_url("customers:listAccessibleCustomers");
        let found: Accessible = self.call(|| self.http.get(&url).bearer_auth(token)).await?;
        Ok(found
            .resource_names
            .iter()
            .map(|r| customer_id(r).to_owned())
            .collect())
    }

    /// Every row of a GAQL query on `customer`, each row's `key` object (`customerClientLink`).
    async fn search<T: DeserializeOwned>(
        &self,
        token: &str,
        customer: &str,
        login: Option<&str>,
        query: &str,
        key: &str,
    ) -> Result<Vec<T>, GoogleError> {
        let url = self.ads_url(&format!("customers/{customer}/googleAds:search"));
        let mut rows = Vec::new();
        let mut page_token = String::new();
        loop {
            let mut body = json!({ "query": query });
            if !page_token.is_empty() {
                body["pageToken"] = json!(page_token);
            }
            let page: Value = self
                .call(|| self.ads_post(&url, token, login).json(&body))
                .await?;
            for row in page["results"].as_array().into_iter().flatten() {
                let item = serde_json::from_value(row[key].clone())
                    .map_err(|e| GoogleError::Network(format!("unexpected answer: {e}")))?;
                rows.push(item);
            }
            match page["nextPageToken"].as_str() {
                Some(t) if !t.is_empty() => page_token = t.to_owned(),
                _ => return Ok(rows),
            }
        }
    }

    /// An account's name and whether it is a manager account; `login` when reached
    /// through a manager.
    pub async fn customer(
        &self,
        token: &str,
        customer: &str,
        login: Option<&str>,
    ) -> Result<CustomerInfo, GoogleError> {
        let q = "SELECT customer.id, customer.descriptive_name, customer.manager FROM customer";
        let rows = self.search(token, customer, login, q, "customer").await?;
        rows.into_iter().next().ok_or_else(|| GoogleError::Api {
            code: 404,
            status: "NOT_FOUND".into(),
            message: format!("Google Ads account {customer} was not found"),
            reason: String::new(),
        })
    }

    /// The manager's links, to one client or all; `statuses` filters (`ACTIVE`, `PENDING`).
    pub async fn client_links(
        &self,
        token: &str,
        manager: &str,
        client: Option<&str>,
        statuses: &[&str],
    ) -> Result<Vec<AdsLink>, GoogleError> {
        let mut q = String::from(
            "SELECT customer_client_link.client_customer, customer_client_link.manager_link_id, \
             customer_client_link.status FROM customer_client_link",
        );
        let mut conditions = Vec::new();
        if let Some(c) = client {
            conditions.push(format!(
                "customer_client_link.client_customer = 'customers/{c}'"
            ));
        }
        if !statuses.is_empty() {
            let list: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
            conditions.push(format!(
                "customer_client_link.status IN ({})",
                list.join(", ")
            ));
        }
        if !conditions.is_empty() {
            q.push_str(" WHERE ");
            q.push_str(&conditions.join(" AND "));
        }
        self.search(token, manager, Some(manager), &q, "customerClientLink")
            .await
    }

    /// A client account's links to its managers, as its own people see them.
    pub async fn manager_links(
        &self,
        token: &str,
        client: &str,
    ) -> Result<Vec<ManagerLink>, GoogleError> {
        let q = "SELECT customer_manager_link.manager_customer, customer_manager_link.manager_link_id, \
                 customer_manager_link.status FROM customer_manager_link";
        self.search(token, client, None, q, "customerManagerLink")
            .await
    }

    /// The role (`ADMIN`, `STANDARD`, …) `email` holds on a client account.
    pub async fn access_role(
        &self,
        token: &str,
        customer: &str,
        email: &str,
    ) -> Result<Option<String>, GoogleError> {
        let q = "SELECT customer_user_access.email_address, customer_user_access.access_role \
                 FROM customer_user_access";
        let rows: Vec<UserAccess> = self
            .search(token, customer, None, q, "customerUserAccess")
            .await?;
        Ok(rows
            .into_iter()
            .find(|r| r.email_address.eq_ignore_ascii_case(email))
            .map(|r| r.access_role))
    }

    /// The manager invites a client: a `PENDING` link (Google refuses one created
    /// `ACTIVE`). Returns the link's resource name.
    pub async fn invite_client(
        &self,
        token: &str,
        manager: &str,
        client: &str,
    ) -> Result<String, GoogleError> {
        let url = self.ads_url(&format!("customers/{manager}/customerClientLinks:mutate"));
        let body = json!({"operation": {"create": {
            "clientCustomer": format!("customers/{client}"),
            "status": "PENDING",
        }}});
        let answer: Value = self
            .call(|| self.ads_post(&url, token, Some(manager)).json(&body))
            .await?;
        Ok(answer["result"]["resourceName"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// The manager withdraws its invitation (`CANCELED`).
    pub async fn cancel_invitation(
        &self,
        token: &str,
        manager: &str,
        client: &str,
        link_id: &str,
    ) -> Result<(), GoogleError> {
        let url = self.ads_url(&format!("customers/{manager}/customerClientLinks:mutate"));
        let body = json!({"operation": {
            "update": {
                "resourceName": format!("customers/{manager}/customerClientLinks/{client}~{link_id}"),
                "status": "CANCELED",
            },
            "updateMask": "status",
        }});
        self.call::<Value>(|| self.ads_post(&url, token, Some(manager)).json(&body))
            .await
            .map(|_| ())
    }

    /// Sets a link's status from the client's side: `ACTIVE` (the client's administrator
    /// accepts), `REFUSED`, or `INACTIVE` (ends it; the manager may, naming itself in
    /// `login`).
    pub async fn set_manager_link(
        &self,
        token: &str,
        client: &str,
        manager: &str,
        link_id: &str,
        status: &str,
        login: Option<&str>,
    ) -> Result<(), GoogleError> {
        let url = self.ads_url(&format!("customers/{client}/customerManagerLinks:mutate"));
        let body = json!({"operations": [{
            "update": {
                "resourceName": format!("customers/{client}/customerManagerLinks/{manager}~{link_id}"),
                "status": status,
            },
            "updateMask": "status",
        }]});
        self.call::<Value>(|| self.ads_post(&url, token, login).json(&body))
            .await
            .map(|_| ())
    }
}
