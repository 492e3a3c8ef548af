//! The Graph edges Latchkey calls, by what they are for: who the token is, the business
//! portfolios and their assets, partner sharing and its removal, the client relationship,
//! and assigning the agency's people. The transport (proof, retries, pacing, paging) is the
//! parent module's.

use super::*;

impl GraphClient {
    pub async fn me(&self, token: &AccessToken) -> Result<Me, GraphError> {
        self.get("me", token, &[("fields", "id,name".into())]).await
    }

    /// A business portfolio by id, as the token can see it.
    pub async fn business(&self, token: &AccessToken, id: &str) -> Result<Business, GraphError> {
        self.get(id, token, &[("fields", "id,name".into())]).await
    }

    pub async fn my_businesses(&self, token: &AccessToken) -> Result<Vec<Business>, GraphError> {
        self.get_all(
            "me/businesses",
            token,
            &[
                ("fields", "id,name,verification_status".into()),
                ("limit", "100".into()),
            ],
        )
        .await
    }

    /// Pages the person can act on, each with its Page token.
    pub async fn my_pages(&self, token: &AccessToken) -> Result<Vec<PageAccount>, GraphError> {
        self.get_all(
            "me/accounts",
            token,
            &[
                ("fields", "id,name,access_token,tasks,category".into()),
                ("limit", "100".into()),
            ],
        )
        .await
    }

    /// All assets of one kind a business owns (or that were shared with it), every page.
    pub async fn business_assets(
        &self,
        token: &AccessToken,
        business_id: &str,
        kind: AssetKind,
        edge: Edge,
    ) -> Result<Vec<AssetRow>, GraphError> {
        self.get_all(
            &format!("{business_id}/{}", edge_name(kind, edge)),
            token,
            &[
                ("fields", fields_for(kind, edge).into()),
                ("limit", "50".into()),
            ],
        )
        .await
    }

    /// The person's role in each portfolio they belong to (ADMIN, EMPLOYEE…).
    pub async fn my_roles(&self, token: &AccessToken) -> Result<Vec<MyRole>, GraphError> {
        self.get_all(
            "me/business_users",
            token,
            &[
                ("fields", "business,role,invited_user_type".into()),
                ("limit", "100".into()),
            ],
        )
        .await
    }

    /// Ids of the assets of `kind` whose share with `business_id` still waits for the
    /// owner's answer; empty for kinds Meta has no such edge for.
    pub async fn pending_client_assets(
        &self,
        token: &AccessToken,
        business_id: &str,
        kind: AssetKind,
    ) -> Result<Vec<String>, GraphError> {
        let Some((edge, field)) = pending_edge(kind) else {
            return Ok(Vec::new());
        };
        let rows: Vec<PendingRequest> = self
            .get_all(
                &format!("{business_id}/{edge}"),
                token,
                &[("fields", format!("id,{field}")), ("limit", "100".into())],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.page.or(r.ad_account).map(|b| b.id))
            .collect())
    }

    /// Shares an asset with a partner business (`POST /{asset}/agencies`).
    pub async fn share_partner(
        &self,
        token: &AccessToken,
        asset_id: &str,
        partner_business: &str,
        tasks: &[&str],
    ) -> Result<(), GraphError> {
        self.write(
            Method::Post,
            &format!("{asset_id}/agencies"),
            token,
            &[
                ("business", partner_business.to_owned()),
                ("permitted_tasks", graph_list(tasks)),
            ],
        )
        .await
    }

    /// Businesses with access to an asset.
    pub async fn partners(
        &self,
        token: &AccessToken,
        asset_id: &str,
    ) -> Result<Vec<PartnerRow>, GraphError> {
        self.get_all(
            &format!("{asset_id}/agencies"),
            token,
            &[(
                "fields",
                "id,name,permitted_tasks,access_status,access_requested_time,access_updated_time"
                    .into(),
            )],
        )
        .await
    }

    pub async fn remove_partner(
        &self,
        token: &AccessToken,
        asset_id: &str,
        partner_business: &str,
    ) -> Result<(), GraphError> {
        self.write(
            Method::Delete,
            &format!("{asset_id}/agencies"),
            token,
            &[("business", partner_business.to_owned())],
        )
        .await
    }

    /// The agency's business gives up a client's Page or ad account shared with it
    /// (`DELETE /{business}/pages?page_id=…`, `…/ad_accounts?adaccount_id=…`), with its own
    /// admin system user's token. `None` for kinds Meta has no such edge for.
    pub async fn leave_client_asset(
        &self,
        token: &AccessToken,
        business: &str,
        kind: AssetKind,
        asset_id: &str,
    ) -> Option<Result<(), GraphError>> {
        let (edge, param, id) = match kind {
            AssetKind::Page => ("pages", "page_id", asset_id),
            AssetKind::AdAccount => (
                "ad_accounts",
                "adaccount_id",
                asset_id.trim_start_matches("act_"),
            ),
            _ => return None,
        };
        Some(
            self.write(
                Method::Delete,
                &format!("{business}/{edge}"),
                token,
                &[(param, id.to_owned())],
            )
            .await,
        )
    }

    /// The client businesses that have shared assets with `business` (its Partners list).
    pub async fn client_businesses(
        &self,
        token: &AccessToken,
        business: &str,
    ) -> Result<Vec<NodeRef>, GraphError> {
        self.get_all(
            &format!("{business}/clients"),
            token,
            &[("fields", "id,name".into()), ("limit", "100".into())],
        )
        .await
    }

    /// The agency's business ends its relationship with a client business
    /// (`DELETE /{business}/clients?business=…`): every asset of the client shared with it
    /// goes, whatever its kind, without a token of the client's.
    pub async fn end_client_relationship(
        &self,
        token: &AccessToken,
        business: &str,
        client_business: &str,
    ) -> Result<(), GraphError> {
        self.write(
            Method::Delete,
            &format!("{business}/clients"),
            token,
            &[("business", client_business.to_owned())],
        )
        .await
    }

    /// Gives a business-scoped user tasks on an asset (`POST /{asset}/assigned_users`).
    pub async fn assign_user(
        &self,
        token: &AccessToken,
        asset_id: &str,
        business_user_id: &str,
        tasks: &[&str],
    ) -> Result<(), GraphError> {
        self.write(
            Method::Post,
            &format!("{asset_id}/assigned_users"),
            token,
            &[
                ("user", business_user_id.to_owned()),
                ("tasks", graph_list(tasks)),
            ],
        )
        .await
    }

    /// People assigned to an asset, as seen by `business_id` (required by Meta).
    pub async fn assigned_users(
        &self,
        token: &AccessToken,
        asset_id: &str,
        business_id: &str,
    ) -> Result<Vec<AssignedUser>, GraphError> {
        self.get_all(
            &format!("{asset_id}/assigned_users"),
            token,
            &[
                ("business", business_id.to_owned()),
                ("fields", "id,name,user_type,tasks".into()),
            ],
        )
        .await
    }

    pub async fn remove_user(
        &self,
        token: &AccessToken,
        asset_id: &str,
        business_user_id: &str,
    ) -> Result<(), GraphError> {
        self.write(
            Method::Delete,
            &format!("{asset_id}/assigned_users"),
            token,
            &[("user", business_user_id.to_owned())],
        )
        .await
    }

    /// The system users of a business portfolio (business-scoped ids; needs an admin).
    pub async fn system_users(
        &self,
        token: &AccessToken,
        business_id: &str,
    ) -> Result<Vec<BusinessUser>, GraphError> {
        self.get_all(
            &format!("{business_id}/system_users"),
            token,
            &[("fields", "id,name,role".into())],
        )
        .await
    }

    /// The people of a business portfolio (business-scoped ids).
    pub async fn business_users(
        &self,
        token: &AccessToken,
        business_id: &str,
    ) -> Result<Vec<BusinessUser>, GraphError> {
        self.get_all(
            &format!("{business_id}/business_users"),
            token,
            &[("fields", "id,name,email,role,invited_user_type".into())],
        )
        .await
    }
}
