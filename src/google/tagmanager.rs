//! The Tag Manager API (v2): accounts, containers and user permissions. Every call waits
//! its turn with the project's pacer (Tag Manager's quota is 0.25 requests a second).

use super::{GoogleClient, GoogleError, TagAccount, TagContainer, UserPermission};

impl GoogleClient {
    fn tagmanager_url(&self, path: &str) -> String {
        format!("{}/tagmanager/v2/{path}", self.cfg.tagmanager_base)
    }

    /// The Tag Manager accounts the token's person holds any permission on.
    pub async fn tag_accounts(&self, token: &str) -> Result<Vec<TagAccount>, GoogleError> {
        let url = self.tagmanager_url("accounts");
        self.pages(token, &url, "account", Some(&self.tagmanager_pacer))
            .await
    }

    /// The containers of `account` the token's person can see.
    pub async fn containers(
        &self,
        token: &str,
        account: &str,
    ) -> Result<Vec<TagContainer>, GoogleError> {
        let url = self.tagmanager_url(&format!("accounts/{account}/containers"));
        self.pages(token, &url, "container", Some(&self.tagmanager_pacer))
            .await
    }

    /// Everyone's permissions on `account`: administrators only.
    pub async fn user_permissions(
        &self,
        token: &str,
        account: &str,
    ) -> Result<Vec<UserPermission>, GoogleError> {
        let url = self.tagmanager_url(&format!("accounts/{account}/user_permissions"));
        self.pages(token, &url, "userPermission", Some(&self.tagmanager_pacer))
            .await
    }

    /// Gives a person a permission on `account` (and the containers it names).
    pub async fn create_permission(
        &self,
        token: &str,
        account: &str,
        permission: &UserPermission,
    ) -> Result<UserPermission, GoogleError> {
        let url = self.tagmanager_url(&format!("accounts/{account}/user_permissions"));
        self.call_paced(Some(&self.tagmanager_pacer), || {
            self.http.post(&url).bearer_auth(token).json(permission)
        })
        .await
    }

    /// Replaces a permission (`path`: `accounts/{a}/user_permissions/{p}`).
    pub async fn update_permission(
        &self,
        token: &str,
        path: &str,
        permission: &UserPermission,
    ) -> Result<UserPermission, GoogleError> {
        let url = self.tagmanager_url(path);
        self.call_paced(Some(&self.tagmanager_pacer), || {
            self.http.put(&url).bearer_auth(token).json(permission)
        })
        .await
    }

    /// Removes a permission by its path.
    pub async fn delete_permission(&self, token: &str, path: &str) -> Result<(), GoogleError> {
        let url = self.tagmanager_url(path);
        self.call_paced::<serde_json::Value>(Some(&self.tagmanager_pacer), || {
            self.http.delete(&url).bearer_auth(token)
        })
        .await
        .map(|_| ())
    }
}
