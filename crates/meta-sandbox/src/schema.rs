//! Meta's published schema, as the sandbox enforces it: the task enums of each node type,
//! copied from the official Python SDK (`facebook-business`, version below) by
//! `scripts/sandbox-schema`. Nothing here comes from Latchkey's own tables: the sandbox is a
//! stand-in for Meta and judges what Latchkey sends by what Meta publishes.

use super::nodes;

pub const SDK_VERSION: &str = "26.0.3";

/// A Graph node type: its name as Meta's errors spell it and its fields (`nodes.rs`).
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub name: &'static str,
    pub fields: &'static [&'static str],
}

/// The node type of each sandbox asset kind.
pub fn asset_node(kind: &str) -> Node {
    match kind {
        "page" => nodes::PAGE,
        "ad_account" => nodes::AD_ACCOUNT,
        "instagram" => nodes::INSTAGRAM,
        "catalog" => nodes::CATALOG,
        _ => nodes::PIXEL,
    }
}

/// Fields an edge adds to the nodes it returns, as each edge's reference page lists them
/// under "The following fields will be added to each node that is returned"
/// (developers.facebook.com/docs/graph-api/reference and …/marketing-api/reference):
/// `/{asset}/agencies` (Page, Ad Account, … Agencies), `/{asset}/assigned_users`,
/// `/{business}/client_*` and `pending_client_*`, and `/{user}/accounts`.
pub mod added {
    pub const AGENCIES: &[&str] = &[
        "access_requested_time",
        "access_status",
        "access_updated_time",
        "permitted_tasks",
    ];
    pub const ASSIGNED_USERS: &[&str] = &["permitted_tasks", "tasks"];
    pub const CLIENT_ASSETS: &[&str] = &["permitted_tasks"];
    pub const USER_ACCOUNTS: &[&str] = &["tasks"];
    pub const NONE: &[&str] = &[];
}

/// The first field of `fields=` that neither the node type nor the edge has, if any.
/// Nested selections (`page{id,name}`) and modifiers (`picture.type(large)`) are judged
/// by their top-level name, as Meta does.
pub fn unknown_field<'a>(requested: &'a str, node: Node, added: &[&str]) -> Option<&'a str> {
    top_level(requested)
        .into_iter()
        .map(|f| f.split(['{', '.']).next().unwrap_or("").trim())
        .filter(|f| !f.is_empty())
        .find(|f| !node.fields.contains(f) && !added.contains(f))
}

/// Splits `a,b{c,d},e` at its top-level commas.
fn top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' | '(' => depth += 1,
            '}' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `page.Page.PermittedTasks`.
const PAGE_PERMITTED: &[&str] = &[
    "ADVERTISE",
    "ANALYZE",
    "CREATE_CONTENT",
    "GLOBAL_STRUCTURE_MANAGEMENT",
    "MANAGE",
    "MANAGE_LEADS",
    "MESSAGING",
    "MODERATE",
    "MODERATE_COMMUNITY",
    "PAGES_MESSAGING",
    "PAGES_MESSAGING_SUBSCRIPTIONS",
    "PROFILE_PLUS_ADVERTISE",
    "PROFILE_PLUS_ANALYZE",
    "PROFILE_PLUS_CREATE_CONTENT",
    "PROFILE_PLUS_CREATIVE_MANAGEMENT",
    "PROFILE_PLUS_CREATOR_MANAGEMENT",
    "PROFILE_PLUS_FACEBOOK_ACCESS",
    "PROFILE_PLUS_FULL_CONTROL",
    "PROFILE_PLUS_GLOBAL_STRUCTURE_MANAGEMENT",
    "PROFILE_PLUS_MANAGE",
    "PROFILE_PLUS_MANAGE_LEADS",
    "PROFILE_PLUS_MESSAGING",
    "PROFILE_PLUS_MODERATE",
    "PROFILE_PLUS_MODERATE_DELEGATE_COMMUNITY",
    "PROFILE_PLUS_REVENUE",
    "READ_PAGE_MAILBOXES",
    "VIEW_MONETIZATION_INSIGHTS",
];
/// `page.Page.Tasks`.
const PAGE_TASKS: &[&str] = PAGE_PERMITTED;

/// `adaccount.AdAccount.PermittedTasks`.
const AD_ACCOUNT_PERMITTED: &[&str] = &["AA_ANALYZE", "ADVERTISE", "ANALYZE", "DRAFT", "MANAGE"];
/// `adaccount.AdAccount.Tasks`.
const AD_ACCOUNT_TASKS: &[&str] = AD_ACCOUNT_PERMITTED;

/// `instagrambusinessasset.InstagramBusinessAsset.PermittedTasks`.
const INSTAGRAM_PERMITTED: &[&str] = &[
    "ADVERTISE",
    "ANALYZE",
    "COMMUNITY_ACTIVITY",
    "CONTENT",
    "MESSAGES",
];
/// `instagrambusinessasset.InstagramBusinessAsset.Tasks`.
const INSTAGRAM_TASKS: &[&str] = INSTAGRAM_PERMITTED;

/// `productcatalog.ProductCatalog.PermittedTasks`.
const CATALOG_PERMITTED: &[&str] = &["AA_ANALYZE", "ADVERTISE", "MANAGE", "MANAGE_AR"];
/// `productcatalog.ProductCatalog.Tasks`.
const CATALOG_TASKS: &[&str] = CATALOG_PERMITTED;

/// `adspixel.AdsPixel.PermittedTasks`.
const PIXEL_PERMITTED: &[&str] = &["ADVERTISE", "ANALYZE", "EDIT", "UPLOAD"];
/// `adspixel.AdsPixel.Tasks`.
const PIXEL_TASKS: &[&str] = &["AA_ANALYZE", "ADVERTISE", "ANALYZE", "EDIT", "UPLOAD"];

/// `PermittedTasks` of each node type's SDK class.
pub fn permitted_tasks(kind: &str) -> &'static [&'static str] {
    match kind {
        "page" => PAGE_PERMITTED,
        "ad_account" => AD_ACCOUNT_PERMITTED,
        "instagram" => INSTAGRAM_PERMITTED,
        "catalog" => CATALOG_PERMITTED,
        "pixel" => PIXEL_PERMITTED,
        _ => &[],
    }
}

/// `Tasks` of each node type's SDK class.
pub fn user_tasks(kind: &str) -> &'static [&'static str] {
    match kind {
        "page" => PAGE_TASKS,
        "ad_account" => AD_ACCOUNT_TASKS,
        "instagram" => INSTAGRAM_TASKS,
        "catalog" => CATALOG_TASKS,
        "pixel" => PIXEL_TASKS,
        _ => &[],
    }
}

/// The sandbox world's asset kind behind a business edge (`owned_pages`, `client_pixels`),
/// and whether it is a `client_*` edge.
pub fn edge_kind(edge: &str) -> Option<(&'static str, bool)> {
    let (client, rest) = if let Some(r) = edge.strip_prefix("owned_") {
        (false, r)
    } else if let Some(r) = edge.strip_prefix("client_") {
        (true, r)
    } else {
        return None;
    };
    let kind = match rest {
        "pages" => "page",
        "ad_accounts" => "ad_account",
        "instagram_assets" => "instagram",
        "product_catalogs" => "catalog",
        "pixels" => "pixel",
        _ => return None,
    };
    Some((kind, client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_sdk_enums() {
        for kind in ["page", "ad_account", "instagram", "catalog", "pixel"] {
            assert!(permitted_tasks(kind).contains(&"ADVERTISE"), "{kind}");
            assert!(!user_tasks(kind).is_empty(), "{kind}");
        }
        assert!(!permitted_tasks("pixel").contains(&"AA_ANALYZE"));
        assert!(user_tasks("pixel").contains(&"AA_ANALYZE"));
        assert_eq!(edge_kind("client_pixels"), Some(("pixel", true)));
        assert_eq!(edge_kind("owned_pages"), Some(("page", false)));
        assert_eq!(edge_kind("pages"), None);
    }

    #[test]
    fn fields_are_judged_by_the_node_type_and_the_edge() {
        let page = asset_node("page");
        assert_eq!(unknown_field("id,name,category", page, added::NONE), None);
        assert_eq!(
            unknown_field("id,name,user_tasks", page, added::NONE),
            Some("user_tasks")
        );
        assert_eq!(unknown_field("id,tasks", page, added::USER_ACCOUNTS), None);
        assert_eq!(
            unknown_field(
                "id,account_id,account_status,user_tasks",
                asset_node("ad_account"),
                added::NONE
            ),
            None
        );
        assert_eq!(
            unknown_field(
                "ad_account{id,name},nope",
                nodes::AD_ACCOUNT_REQUEST,
                added::CLIENT_ASSETS
            ),
            Some("nope")
        );
        assert_eq!(
            unknown_field("id,ig_username", asset_node("instagram"), added::NONE),
            None
        );
        assert_eq!(
            unknown_field("id,permitted_tasks", asset_node("pixel"), added::NONE),
            Some("permitted_tasks")
        );
    }
}
