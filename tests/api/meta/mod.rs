//! The Graph client against the sandbox over real HTTP: every operation, pagination, each
//! error class, retries, throttling, proofs, expiry, migration, and the wire shapes.

use std::time::Duration;

use latchkey::Clock;
use latchkey::domain::access::AssetKind;
use latchkey::meta::client::{Edge, bounded};
use latchkey::meta::{AccessToken, GraphClient, GraphConfig, GraphError};
use meta_sandbox::world::{
    AGENCY_PORTFOLIO, APP_ID, APP_SECRET, BLOOM, MESSY, NORTHWIND, SYSTEM_USER,
};
use meta_sandbox::{Faults, Sandbox};
use serde_json::Value;

mod faults;
mod hosting;
mod rules;
mod sharing;
mod wire;

const CASEY: &str = "9100000000000001";
const AVA: &str = "9100000000000003";
const REDIRECT: &str = "https://latchkey.test/oauth/callback";
const ALL_SCOPES: [&str; 6] = [
    "business_management",
    "pages_show_list",
    "pages_manage_metadata",
    "ads_management",
    "instagram_basic",
    "catalog_management",
];

struct Meta {
    sandbox: Sandbox,
    graph: GraphClient,
    base: String,
    clock: Clock,
}

fn config(base: &str, secret: &str) -> GraphConfig {
    GraphConfig {
        graph_base: format!("{base}/sandbox/graph"),
        dialog_base: format!("{base}/sandbox/www"),
        version: "v27.0".into(),
        app_id: APP_ID.into(),
        app_secret: secret.into(),
        redirect_uri: REDIRECT.into(),
        config_id: None,
        timeout: Duration::from_secs(10),
        retry: latchkey::domain::retry::Retry::Doubling {
            first: Duration::from_millis(5),
            longest: std::time::Duration::from_secs(30),
            attempts: 4,
        },
        max_throttle_wait: Duration::from_secs(1),
    }
}

/// The sandbox alone on its own port, and a client pointed at it.
async fn spawn_sandbox() -> Meta {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let clock = Clock::system();
    let sandbox = Sandbox::new(clock.clone(), &base, None, vec![REDIRECT.into()]);
    tokio::spawn(axum::serve(listener, sandbox.router()).into_future());
    let graph = GraphClient::new(config(&base, APP_SECRET)).unwrap();
    Meta {
        sandbox,
        graph,
        base,
        clock,
    }
}

impl Meta {
    fn token(&self, person: &str) -> AccessToken {
        AccessToken(self.sandbox.issue_token(person, &ALL_SCOPES, 3600))
    }

    async fn page_token(&self, user: &AccessToken, page_id: &str) -> AccessToken {
        self.graph
            .my_pages(user)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.id == page_id)
            .unwrap()
            .access_token
    }

    async fn raw(&self, path_and_query: &str) -> (u16, Value) {
        let r = reqwest::get(format!(
            "{}/sandbox/graph/v27.0/{path_and_query}",
            self.base
        ))
        .await
        .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }
}

fn proof(token: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn facebook_login_code_exchange_and_debug_token() {
    let m = spawn_sandbox().await;
    let dialog = m.graph.dialog_url(
        "state123",
        &["business_management", "pages_show_list"],
        true,
    );
    assert!(dialog.contains("auth_type=rerequest") && dialog.contains("client_id=100000000000001"));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(&dialog)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Casey Client") && page.contains("business_management"));
    assert!(page.contains("asking again"));

    let confirm = format!("{}/sandbox/www/dialog/oauth/confirm", m.base);
    let form = [
        ("client_id", APP_ID),
        ("redirect_uri", REDIRECT),
        ("state", "state123"),
        ("scope", "business_management,pages_show_list"),
        ("person", CASEY),
        ("grant", "business_management"),
        ("action", "continue"),
    ];
    let r = http.post(&confirm).form(&form).send().await.unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{REDIRECT}?code="))
            && location.contains("state=state123")
            && location.ends_with("#_=_")
    );
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();

    let token = m.graph.exchange_code(&code).await.unwrap();
    assert_eq!(token.token_type, "bearer");
    assert!(token.expires_in.unwrap() > 0);
    let again = m.graph.exchange_code(&code).await.unwrap_err();
    assert!(
        matches!(&again, GraphError::InvalidParameter { message } if message.contains("has been used")),
        "{again:?}"
    );

    let info = m.graph.debug_token(&token.access_token).await.unwrap();
    assert!(info.is_valid);
    assert_eq!(info.user_id.as_deref(), Some(CASEY));
    // The person unticked pages_show_list: Meta still "succeeds", the scopes tell.
    assert_eq!(info.scopes, vec!["business_management".to_owned()]);
    let granular = &info.granular_scopes[0];
    assert!(granular.target_ids.contains(&BLOOM.to_owned()));
    let long = m.graph.long_lived(&token.access_token).await.unwrap();
    assert_ne!(long.access_token, token.access_token);
    assert_eq!(
        m.graph.me(&long.access_token).await.unwrap().name,
        "Casey Client"
    );

    // Cancel: the documented denial redirect.
    let mut cancel = form.to_vec();
    cancel.retain(|(k, _)| *k != "action");
    cancel.push(("action", "cancel"));
    let r = http.post(&confirm).form(&cancel).send().await.unwrap();
    let location = r.headers()["location"].to_str().unwrap();
    assert!(
        location.contains("error=access_denied")
            && location.contains("error_reason=user_denied")
            && location.contains("error_code=200")
            && location.contains("state=state123")
    );
    // An unregistered redirect URI is refused by the dialog.
    let evil = dialog.replace("latchkey.test", "evil.test");
    assert_eq!(http.get(&evil).send().await.unwrap().status().as_u16(), 400);
}

#[tokio::test]
async fn me_businesses_pages_and_full_pagination() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    assert_eq!(m.graph.me(&t).await.unwrap().id, CASEY);
    let mut businesses: Vec<String> = m
        .graph
        .my_businesses(&t)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .collect();
    businesses.sort();
    assert_eq!(businesses, vec![BLOOM, NORTHWIND, MESSY]);
    let pages = m.graph.my_pages(&t).await.unwrap();
    assert!(
        pages.len() > 120,
        "all pages across portfolios, every page of results: {}",
        pages.len()
    );
    assert!(
        pages
            .iter()
            .all(|p| p.access_token.expose().starts_with("EAAP")
                && p.tasks.contains(&"MANAGE".to_owned()))
    );

    let northwind_pages = m
        .graph
        .business_assets(&t, NORTHWIND, AssetKind::Page, Edge::Owned)
        .await
        .unwrap();
    assert_eq!(northwind_pages.len(), 120);
    let mut ids: Vec<&str> = northwind_pages.iter().map(|p| p.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 120, "no page repeated");
    let ads = m
        .graph
        .business_assets(&t, NORTHWIND, AssetKind::AdAccount, Edge::Owned)
        .await
        .unwrap();
    assert_eq!(ads.len(), 65);
    assert!(ads.iter().all(|a| a.id.starts_with("act_")
        && a.account_id.as_deref() == Some(a.id.trim_start_matches("act_"))));
    for kind in [AssetKind::Instagram, AssetKind::Catalog, AssetKind::Pixel] {
        assert_eq!(
            m.graph
                .business_assets(&t, MESSY, kind, Edge::Owned)
                .await
                .unwrap()
                .len(),
            1,
            "{kind:?}"
        );
    }

    // The envelope itself: opaque cursors, absolute next and previous URLs.
    let tok = t.expose();
    let (status, first) = m
        .raw(&format!(
            "{NORTHWIND}/owned_pages?limit=50&fields=id,name&access_token={tok}&appsecret_proof={}",
            proof(tok)
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(first["data"].as_array().unwrap().len(), 50);
    assert_eq!(
        keys(&first["data"][0]),
        vec!["id", "name"],
        "fields honoured"
    );
    let next = first["paging"]["next"].as_str().unwrap();
    assert!(next.starts_with(&format!(
        "{}/sandbox/graph/v27.0/{NORTHWIND}/owned_pages?",
        m.base
    )));
    assert!(first["paging"].get("previous").is_none());
    let mut names: Vec<String> = url::Url::parse(next)
        .unwrap()
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "each parameter once in next: {next}");
    let cursors = &first["paging"]["cursors"];
    assert!(cursors["after"].is_string() && cursors["before"].is_string());
    assert!(
        !cursors["after"].as_str().unwrap().contains("50"),
        "cursors are opaque"
    );
    let second: Value = reqwest::get(format!("{next}&appsecret_proof={}", proof(tok)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(second["paging"]["previous"].is_string());
    assert_eq!(second["data"][0]["name"], "Northwind Store #051");
}
