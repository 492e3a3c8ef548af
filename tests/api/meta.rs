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

#[tokio::test]
async fn partner_shares_on_all_five_kinds() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    let page = "1100000000000031";
    let page_token = m.page_token(&t, page).await;
    m.graph
        .share_partner(&page_token, page, AGENCY_PORTFOLIO, &["MANAGE", "ANALYZE"])
        .await
        .unwrap();
    // Reading a Page's partners needs the Page's token too, as Meta requires.
    assert!(matches!(
        m.graph.partners(&t, page).await.unwrap_err(),
        GraphError::Permission { code: 210, .. }
    ));
    let partners = m.graph.partners(&page_token, page).await.unwrap();
    assert_eq!(partners.len(), 1);
    assert_eq!(partners[0].id, AGENCY_PORTFOLIO);
    assert_eq!(partners[0].access_status.as_deref(), Some("CONFIRMED"));
    assert_eq!(partners[0].permitted_tasks, vec!["MANAGE", "ANALYZE"]);
    assert!(
        partners[0]
            .access_requested_time
            .as_deref()
            .unwrap()
            .contains('T')
    );
    assert_eq!(
        m.graph
            .share_partner(&page_token, page, AGENCY_PORTFOLIO, &["MANAGE"])
            .await
            .unwrap_err(),
        GraphError::AlreadyShared
    );

    m.graph
        .share_partner(
            &t,
            "act_2200000031",
            AGENCY_PORTFOLIO,
            &["MANAGE", "ADVERTISE", "ANALYZE"],
        )
        .await
        .unwrap();
    m.graph
        .share_partner(&t, "1800000000000031", AGENCY_PORTFOLIO, &["ADVERTISE"])
        .await
        .unwrap();
    m.graph
        .share_partner(
            &t,
            "1900000000000031",
            AGENCY_PORTFOLIO,
            &["ADVERTISE", "ANALYZE"],
        )
        .await
        .unwrap();
    m.graph
        .share_partner(
            &t,
            "1700000000000031",
            AGENCY_PORTFOLIO,
            &["ADVERTISE", "ANALYZE"],
        )
        .await
        .unwrap();
    let ig = m.graph.partners(&t, "1700000000000031").await.unwrap();
    assert_eq!(ig[0].access_status.as_deref(), Some("PENDING"));

    // The agency sees them on its client_* edges.
    let ava = m.token(AVA);
    let shared_pages = m
        .graph
        .business_assets(&ava, AGENCY_PORTFOLIO, AssetKind::Page, Edge::Client)
        .await
        .unwrap();
    assert!(
        shared_pages
            .iter()
            .any(|p| p.id == page && p.permitted_tasks.contains(&"MANAGE".to_owned()))
    );
    // The Instagram share still waits for the partner: `client_*` lists only what the
    // agency holds.
    assert!(
        m.graph
            .business_assets(&ava, AGENCY_PORTFOLIO, AssetKind::Instagram, Edge::Client)
            .await
            .unwrap()
            .is_empty()
    );
    for kind in [AssetKind::AdAccount, AssetKind::Catalog, AssetKind::Pixel] {
        assert_eq!(
            m.graph
                .business_assets(&ava, AGENCY_PORTFOLIO, kind, Edge::Client)
                .await
                .unwrap()
                .len(),
            1,
            "{kind:?}"
        );
    }

    m.graph
        .remove_partner(&t, "act_2200000031", AGENCY_PORTFOLIO)
        .await
        .unwrap();
    assert!(
        m.graph
            .partners(&t, "act_2200000031")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_sandbox_enforces_what_meta_enforces() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    // A Page needs a Page token.
    let e = m
        .graph
        .share_partner(&t, "1100000000000011", AGENCY_PORTFOLIO, &["ANALYZE"])
        .await
        .unwrap_err();
    assert!(
        matches!(e, GraphError::Permission { code: 210, .. }),
        "{e:?}"
    );
    // Full control is needed: an analyst cannot share.
    let e = m
        .graph
        .share_partner(&t, "act_2200000032", AGENCY_PORTFOLIO, &["ANALYZE"])
        .await
        .unwrap_err();
    assert!(
        matches!(e, GraphError::Permission { code: 200, .. }),
        "{e:?}"
    );
    assert!(e.plain().contains("full control"));
    // A Page outside any portfolio cannot be shared with a partner.
    let old = m.page_token(&t, "1100000000000032").await;
    let e = m
        .graph
        .share_partner(&old, "1100000000000032", AGENCY_PORTFOLIO, &["ANALYZE"])
        .await
        .unwrap_err();
    assert_eq!(e, GraphError::NotInPortfolio { code: 3996 });
    // Unknown tasks and unknown businesses are invalid parameters.
    let e = m
        .graph
        .share_partner(&t, "act_2200000031", AGENCY_PORTFOLIO, &["OWN_EVERYTHING"])
        .await
        .unwrap_err();
    assert!(matches!(e, GraphError::InvalidParameter { .. }));
    let e = m
        .graph
        .share_partner(&t, "act_2200000031", "999", &["ANALYZE"])
        .await
        .unwrap_err();
    assert!(matches!(e, GraphError::InvalidParameter { .. }));
    // Missing scope.
    let narrow = AccessToken(m.sandbox.issue_token(CASEY, &["pages_show_list"], 3600));
    let e = m.graph.my_businesses(&narrow).await.unwrap_err();
    assert!(
        matches!(e, GraphError::Permission { code: 200, .. }),
        "{e:?}"
    );
    // Someone else's business.
    let e = m
        .graph
        .business_assets(&m.token(AVA), BLOOM, AssetKind::Page, Edge::Owned)
        .await
        .unwrap_err();
    assert!(matches!(e, GraphError::Permission { .. }));
}

#[tokio::test]
async fn user_assignments_use_business_scoped_ids() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    let people = m.graph.business_users(&t, MESSY).await.unwrap();
    let ava = people.iter().find(|p| p.name == "Ava Agency").unwrap();
    assert_eq!(ava.role.as_deref(), Some("EMPLOYEE"));
    assert_ne!(ava.id, AVA, "a business-scoped id, not the app-scoped one");
    let existing = m
        .graph
        .assigned_users(&t, "act_2200000031", MESSY)
        .await
        .unwrap();
    assert_eq!(existing.len(), 1, "the seeded user-based access");
    assert_eq!(existing[0].id, ava.id);

    let dana = people.iter().find(|p| p.name == "Dana Analyst").unwrap();
    m.graph
        .assign_user(&t, "1900000000000031", &dana.id, &["ANALYZE"])
        .await
        .unwrap();
    let now = m
        .graph
        .assigned_users(&t, "1900000000000031", MESSY)
        .await
        .unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].tasks, vec!["ANALYZE"]);
    // The app-scoped id is not accepted.
    let e = m
        .graph
        .assign_user(&t, "1900000000000031", "9100000000000002", &["ANALYZE"])
        .await
        .unwrap_err();
    assert!(matches!(e, GraphError::InvalidParameter { .. }));
    m.graph
        .remove_user(&t, "1900000000000031", &dana.id)
        .await
        .unwrap();
    assert!(
        m.graph
            .assigned_users(&t, "1900000000000031", MESSY)
            .await
            .unwrap()
            .is_empty()
    );
    // `business` is required when reading.
    let tok = t.expose();
    let (status, body) = m
        .raw(&format!(
            "1900000000000031/assigned_users?access_token={tok}&appsecret_proof={}",
            proof(tok)
        ))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], 100);
}

#[tokio::test]
async fn transient_errors_are_retried_until_they_pass_or_retries_run_out() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    m.sandbox.set_faults(Faults {
        fail_next: 2,
        ..Faults::default()
    });
    let before = m.sandbox.calls();
    assert_eq!(m.graph.me(&t).await.unwrap().id, CASEY);
    assert_eq!(m.sandbox.calls() - before, 3, "two failures, then success");

    m.sandbox.set_faults(Faults {
        fail_next: 10,
        ..Faults::default()
    });
    let e = m.graph.me(&t).await.unwrap_err();
    assert_eq!(e, GraphError::Transient { code: 2 });
    assert!(e.plain().contains("try again"));
    m.sandbox.set_faults(Faults::default());

    // Non-retryable errors are not retried.
    let before = m.sandbox.calls();
    let _ = m
        .graph
        .share_partner(&t, "act_2200000032", AGENCY_PORTFOLIO, &["ANALYZE"])
        .await;
    assert_eq!(m.sandbox.calls() - before, 1);
}

#[tokio::test]
async fn throttling_waits_as_the_headers_say() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    // Business use case throttling carries its wait in the headers of the business called.
    let list = || {
        m.graph
            .business_assets(&t, NORTHWIND, AssetKind::Catalog, Edge::Owned)
    };
    // Headers say "regain access now": retried after back-off, then succeeds.
    m.sandbox.set_faults(Faults {
        throttle_next: 1,
        throttle_regain_minutes: 0,
        ..Faults::default()
    });
    assert!(list().await.is_ok());
    // Headers say five minutes: longer than the client may wait in place, so it reports it.
    m.sandbox.set_faults(Faults {
        throttle_next: 1,
        throttle_regain_minutes: 5,
        ..Faults::default()
    });
    let before = m.sandbox.calls();
    let e = list().await.unwrap_err();
    assert_eq!(
        e,
        GraphError::Throttled {
            code: 80001,
            wait: Duration::from_secs(300)
        }
    );
    assert_eq!(m.sandbox.calls() - before, 1, "no retry into a known wall");
    // Paced from then on: the next call on that business is not even sent before the
    // stated time, while another business's calls go through.
    let before = m.sandbox.calls();
    match list().await.unwrap_err() {
        GraphError::Throttled { wait, .. } => {
            assert!(wait > Duration::from_secs(290) && wait <= Duration::from_secs(300))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.sandbox.calls(), before, "held without calling Meta");
    m.graph
        .business_assets(&t, BLOOM, AssetKind::Catalog, Edge::Owned)
        .await
        .unwrap();
    assert_eq!(m.sandbox.calls(), before + 1);
    // The headers on the wire.
    m.sandbox.set_faults(Faults {
        throttle_next: 1,
        throttle_regain_minutes: 2,
        ..Faults::default()
    });
    let tok = t.expose();
    let r = reqwest::get(format!(
        "{}/sandbox/graph/v27.0/{NORTHWIND}/owned_pages?access_token={tok}&appsecret_proof={}",
        m.base,
        proof(tok)
    ))
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 400, "throttling is not HTTP 429");
    // The app as a whole is below its limit: it is the business that is throttled.
    let app: Value = serde_json::from_str(r.headers()["x-app-usage"].to_str().unwrap()).unwrap();
    assert!(app["call_count"].as_i64().unwrap() < 100);
    // Business use case usage is keyed by the business that was called.
    let usage: Value =
        serde_json::from_str(r.headers()["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    assert_eq!(keys(&usage), vec![NORTHWIND.to_owned()]);
    assert_eq!(usage[NORTHWIND][0]["estimated_time_to_regain_access"], 2);
    // Only the types Meta documents for this header, and the access tier on ads_* only.
    assert_eq!(usage[NORTHWIND][0]["type"], "ads_management");
    assert_eq!(
        usage[NORTHWIND][0]["ads_api_access_tier"],
        "standard_access"
    );
    assert_eq!(usage[NORTHWIND][0]["call_count"], 100);
    let page = m
        .sandbox
        .world()
        .assets
        .iter()
        .find(|a| a.kind == "page" && a.owner.as_deref() == Some(NORTHWIND))
        .unwrap()
        .id
        .clone();
    let r = reqwest::get(format!(
        "{}/sandbox/graph/v27.0/{page}?fields=id&access_token={tok}&appsecret_proof={}",
        m.base,
        proof(tok)
    ))
    .await
    .unwrap();
    let usage: Value =
        serde_json::from_str(r.headers()["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    let row = &usage[NORTHWIND][0];
    assert_eq!(row["type"], "pages");
    assert!(row.get("ads_api_access_tier").is_none(), "{row}");
    // A call on a person counts against the app only.
    m.sandbox.set_faults(Faults {
        throttle_next: 1,
        ..Faults::default()
    });
    let r = reqwest::get(format!(
        "{}/sandbox/graph/v27.0/me?access_token={tok}&appsecret_proof={}",
        m.base,
        proof(tok)
    ))
    .await
    .unwrap();
    assert!(r.headers().get("x-business-use-case-usage").is_none());
}

#[tokio::test]
async fn wrong_proof_unknown_and_expired_tokens_are_refused() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    let wrong = GraphClient::new(config(&m.base, "not-the-secret")).unwrap();
    let e = wrong.me(&t).await.unwrap_err();
    assert!(
        matches!(&e, GraphError::InvalidParameter { message } if message.contains("appsecret_proof")),
        "{e:?}"
    );
    let (status, body) = m.raw(&format!("me?access_token={}", t.expose())).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("require an appsecret_proof")
    );

    let e = m
        .graph
        .me(&AccessToken("EAASmadeup".into()))
        .await
        .unwrap_err();
    assert_eq!(e, GraphError::TokenInvalid { subcode: None });

    m.clock.advance(3601);
    let e = m.graph.me(&t).await.unwrap_err();
    assert_eq!(e, GraphError::TokenInvalid { subcode: Some(463) });
    assert!(!m.graph.debug_token(&t).await.unwrap().is_valid);
    let fresh = m.token(CASEY);
    m.sandbox.expire_tokens();
    assert_eq!(
        m.graph.me(&fresh).await.unwrap_err(),
        GraphError::TokenInvalid { subcode: Some(463) }
    );
}

#[tokio::test]
async fn after_migration_personal_access_stops_but_partner_shares_keep_working() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    m.graph
        .share_partner(
            &t,
            "act_2200000031",
            AGENCY_PORTFOLIO,
            &["ADVERTISE", "ANALYZE"],
        )
        .await
        .unwrap();
    let today = m.clock.now();
    m.sandbox.set_migration(MESSY, Some(today));
    // Inside the grace period nothing changes.
    assert_eq!(
        m.graph
            .assigned_users(&t, "act_2200000031", MESSY)
            .await
            .unwrap()
            .len(),
        1
    );
    m.clock.advance(31 * 86_400);
    let t = m.token(CASEY);
    let e = m
        .graph
        .business_assets(&t, MESSY, AssetKind::AdAccount, Edge::Owned)
        .await
        .unwrap_err();
    assert_eq!(e, GraphError::TokenInvalid { subcode: Some(460) });
    let e = m.graph.partners(&t, "act_2200000031").await.unwrap_err();
    assert_eq!(e, GraphError::TokenInvalid { subcode: Some(460) });
    // Other organisations are unaffected.
    assert_eq!(
        m.graph
            .business_assets(&t, BLOOM, AssetKind::Page, Edge::Owned)
            .await
            .unwrap()
            .len(),
        2
    );
    // The agency's partner access is still there.
    let shared = m
        .graph
        .business_assets(
            &m.token(AVA),
            AGENCY_PORTFOLIO,
            AssetKind::AdAccount,
            Edge::Client,
        )
        .await
        .unwrap();
    assert!(shared.iter().any(|a| a.id == "act_2200000031"));
    // Clearing the migration restores personal access.
    m.sandbox.set_migration(MESSY, None);
    assert_eq!(
        m.graph
            .assigned_users(&t, "act_2200000031", MESSY)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn wire_shapes_match_meta_graph_md() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    let tok = t.expose();
    let auth = format!("access_token={tok}&appsecret_proof={}", proof(tok));
    let (_, err) = m.raw(&format!("999999/agencies?{auth}")).await;
    assert_eq!(keys(&err), vec!["error"]);
    assert_eq!(
        keys(&err["error"]),
        vec![
            "code",
            "error_subcode",
            "fbtrace_id",
            "is_transient",
            "message",
            "type"
        ]
    );
    // Meta's own type for a missing object.
    assert_eq!(err["error"]["type"], "GraphMethodException");
    // An edge Graph does not have, in Meta's words.
    let (status, unknown) = m.raw(&format!("me/no_such_edge?{auth}")).await;
    assert_eq!(status, 400);
    assert_eq!(
        (
            unknown["error"]["code"].as_i64(),
            unknown["error"]["message"].as_str()
        ),
        (Some(2500), Some("Unknown path components: /no_such_edge"))
    );
    // A cursor Graph did not hand out is an error, not page 1.
    let (status, garbage) = m
        .raw(&format!("me/businesses?{auth}&after=not-a-cursor"))
        .await;
    assert_eq!(status, 400);
    assert_eq!(garbage["error"]["code"], 100);
    // A bad token comes with its challenge header, as Meta's does.
    let r = reqwest::get(format!(
        "{}/sandbox/graph/v27.0/me?access_token=EAAbad&appsecret_proof={}",
        m.base,
        proof("EAAbad")
    ))
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    // Throttling is an OAuthException, with the business use case's documented fields.
    m.sandbox.set_faults(Faults {
        throttle_next: 1,
        ..Default::default()
    });
    let r = reqwest::get(format!(
        "{}/sandbox/graph/v27.0/{MESSY}/owned_ad_accounts?{auth}",
        m.base
    ))
    .await
    .unwrap();
    let usage = r.headers()["x-business-use-case-usage"]
        .to_str()
        .unwrap()
        .to_owned();
    let throttled: Value = r.json().await.unwrap();
    assert_eq!(throttled["error"]["code"], 80001);
    assert_eq!(throttled["error"]["type"], "OAuthException");
    let usage: Value = serde_json::from_str(&usage).unwrap();
    let entry = &usage[MESSY][0];
    assert!(entry["ads_api_access_tier"].is_string(), "{usage}");
    m.sandbox.set_faults(Faults::default());

    let (_, accounts) = m.raw(&format!("me/accounts?{auth}&limit=2")).await;
    assert_eq!(keys(&accounts), vec!["data", "paging"]);
    assert_eq!(
        keys(&accounts["data"][0]),
        vec!["access_token", "category", "id", "name", "tasks"]
    );
    assert_eq!(keys(&accounts["paging"]), vec!["cursors", "next"]);

    let (_, dbg) = reqwest::get(format!(
        "{}/sandbox/graph/v27.0/debug_token?input_token={tok}&access_token={APP_ID}|{APP_SECRET}",
        m.base
    ))
    .await
    .map(|r| (0, r))
    .unwrap();
    let dbg: Value = dbg.json().await.unwrap();
    for key in [
        "app_id",
        "type",
        "is_valid",
        "expires_at",
        "data_access_expires_at",
        "scopes",
        "granular_scopes",
        "user_id",
    ] {
        assert!(dbg["data"].get(key).is_some(), "debug_token lacks {key}");
    }
    assert_eq!(
        keys(&dbg["data"]["granular_scopes"][0]),
        vec!["scope", "target_ids"]
    );

    m.graph
        .share_partner(&t, "act_2200000031", AGENCY_PORTFOLIO, &["ANALYZE"])
        .await
        .unwrap();
    let (_, partners) = m.raw(&format!("act_2200000031/agencies?{auth}")).await;
    assert_eq!(
        keys(&partners["data"][0]),
        vec![
            "access_requested_time",
            "access_status",
            "access_updated_time",
            "id",
            "name",
            "permitted_tasks"
        ]
    );

    let (_, ad) = m
        .raw(&format!(
            "{NORTHWIND}/owned_ad_accounts?{auth}&limit=1&fields=id,name,account_id,account_status"
        ))
        .await;
    assert_eq!(
        keys(&ad["data"][0]),
        vec!["account_id", "account_status", "id", "name"]
    );
    let (_, ig) = m
        .raw(&format!(
            "{MESSY}/owned_instagram_assets?{auth}&fields=id,ig_username,ig_user_id"
        ))
        .await;
    assert_eq!(
        keys(&ig["data"][0]),
        vec!["id", "ig_user_id", "ig_username"]
    );

    let r = reqwest::get(format!("{}/sandbox/graph/vnext/me?{auth}", m.base))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "unknown version prefix");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], 2500);
}

#[tokio::test]
async fn any_version_bearer_tokens_and_json_list_parameters_work() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    let tok = t.expose();
    let http = reqwest::Client::new();
    // What another Graph client would send: a different version, a Bearer header, a JSON array.
    let r = http
        .post(format!(
            "{}/sandbox/graph/v27.0/act_2200000031/agencies",
            m.base
        ))
        .bearer_auth(tok)
        .form(&[
            ("business", AGENCY_PORTFOLIO),
            ("permitted_tasks", r#"["ADVERTISE","ANALYZE"]"#),
            ("appsecret_proof", &proof(tok)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["facebook-api-version"], "v27.0");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"success": true}));
    let r = http.delete(format!("{}/sandbox/graph/v27.0/act_2200000031/agencies?business={AGENCY_PORTFOLIO}&appsecret_proof={}", m.base, proof(tok))).bearer_auth(tok).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn bounded_batches_share_many_assets_in_parallel() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    let pages = m.graph.my_pages(&t).await.unwrap();
    let northwind: Vec<_> = pages
        .into_iter()
        .filter(|p| p.name.starts_with("Northwind"))
        .take(20)
        .collect();
    m.sandbox.set_faults(Faults {
        latency_ms: 50,
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    let graph = m.graph.clone();
    let results = bounded(northwind.clone(), 10, |p| {
        let graph = graph.clone();
        async move {
            graph
                .share_partner(
                    &p.access_token,
                    &p.id,
                    AGENCY_PORTFOLIO,
                    &["ADVERTISE", "ANALYZE"],
                )
                .await
        }
    })
    .await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(results.len(), 20);
    // 20 calls of 50 ms, 10 at a time: about 100 ms, far below the 1 s a queue would take.
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn sandbox_state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!(
        "lk-sandbox-{}",
        latchkey::domain::token::random_hex(4)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sandbox.json");
    let clock = Clock::system();
    let first = Sandbox::new(
        clock.clone(),
        "http://127.0.0.1:1",
        Some(file.clone()),
        vec![],
    );
    first.set_migration(MESSY, Some(1_800_000_000));
    let token = first.issue_token(CASEY, &ALL_SCOPES, 3600);
    drop(first);
    let second = Sandbox::new(clock, "http://127.0.0.1:1", Some(file), vec![]);
    let world = second.world();
    assert_eq!(world.migrations.get(MESSY), Some(&1_800_000_000));
    assert!(world.tokens.contains_key(&token));
}

#[tokio::test]
async fn the_embedded_sandbox_is_mounted_with_its_admin_page() {
    let app = crate::helpers::spawn_app().await;
    // Setup offers the demo agency portfolio.
    assert!(
        app.get("/setup")
            .await
            .body
            .contains(&format!("value=\"{AGENCY_PORTFOLIO}\""))
    );
    // The controls answer only the installation's owner.
    assert_eq!(app.get("/sandbox").await.status, 303);
    app.setup_and_login().await;
    let admin = app.get("/sandbox").await;
    assert!(admin.body.contains(APP_ID) && admin.body.contains("Northwind Retail"));
    assert!(admin.body.contains("Move the clock"));
    // The app reaches its sandbox over HTTP through the same client.
    let token = AccessToken(
        app.sandbox
            .as_ref()
            .unwrap()
            .issue_token(CASEY, &ALL_SCOPES, 3600),
    );
    assert_eq!(
        app.state.graph.me(&token).await.unwrap().name,
        "Casey Client"
    );
    assert!(
        app.state
            .graph
            .config()
            .graph_base
            .ends_with("/sandbox/graph")
    );
    // Migration switch.
    assert_eq!(
        app.sandbox_post(
            "/sandbox/admin/migration",
            &[("business_id", MESSY), ("date", "2026-12-01")]
        )
        .await
        .status,
        303
    );
    assert!(
        app.sandbox
            .as_ref()
            .unwrap()
            .world()
            .migrations
            .contains_key(MESSY)
    );
    assert_eq!(
        app.sandbox_post(
            "/sandbox/admin/migration",
            &[("business_id", MESSY), ("date", "tomorrow")]
        )
        .await
        .status,
        400
    );
    // The clock can be moved from the admin page.
    let before = app.clock.now();
    let r = app
        .sandbox_post("/sandbox/admin/clock", &[("days", "2")])
        .await;
    assert_eq!(r.status, 303);
    assert!(app.clock.now() >= before + 2 * 86_400);
}

/// The login dialog's status for a redirect URI.
async fn dialog_status(base: &str, redirect: &str) -> u16 {
    let redirect: String = url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect();
    let url = format!(
        "{base}/sandbox/www/v27.0/dialog/oauth?client_id={APP_ID}&redirect_uri={redirect}&state=s&scope=business_management"
    );
    reqwest::get(url).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn the_standalone_sandbox_takes_registered_and_loopback_redirects_like_a_dev_mode_app() {
    // An app in live mode (the embedded sandbox): registered redirects only.
    let m = spawn_sandbox().await;
    assert_eq!(dialog_status(&m.base, REDIRECT).await, 200);
    assert_eq!(
        dialog_status(&m.base, "http://localhost:5173/cb").await,
        400
    );
    // `latchkey sandbox` runs as a development-mode app: loopback redirects are accepted,
    // anything else still has to be registered.
    let mut dev = m.sandbox.clone();
    dev.development_mode = true;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, dev.router()).into_future());
    assert_eq!(dialog_status(&base, "http://localhost:5173/cb").await, 200);
    assert_eq!(dialog_status(&base, "http://127.0.0.1:9/oauth").await, 200);
    assert_eq!(dialog_status(&base, "https://evil.example/cb").await, 400);
    assert_eq!(
        dialog_status(&base, "http://localhost.evil.example/cb").await,
        400
    );
}

#[tokio::test]
async fn fields_the_sdk_lists_are_served_and_any_other_is_refused_in_metas_words() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    let tok = t.expose();
    let auth = format!("access_token={tok}&appsecret_proof={}", proof(tok));
    let bloom = "2000000001";
    // `AdAccount` has `user_tasks` in the SDK; `Page` has not, whatever Latchkey would like.
    let (status, ok) = m
        .raw(&format!(
            "{bloom}/owned_ad_accounts?fields=id,account_id,account_status,user_tasks&{auth}"
        ))
        .await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(
        keys(&ok["data"][0]),
        vec!["account_id", "account_status", "id", "user_tasks"]
    );
    let (status, refused) = m
        .raw(&format!(
            "{bloom}/owned_pages?fields=id,name,user_tasks&{auth}"
        ))
        .await;
    assert_eq!(status, 400);
    assert_eq!(refused["error"]["code"], 100);
    assert_eq!(
        refused["error"]["message"],
        "(#100) Tried accessing nonexisting field (user_tasks) on node type (Page)"
    );
    // What an edge adds is a field there and only there.
    let (status, _) = m
        .raw(&format!(
            "{bloom}/owned_pixels?fields=id,permitted_tasks&{auth}"
        ))
        .await;
    assert_eq!(status, 400);
    let ava = m.token(AVA);
    let ava = ava.expose();
    let (status, v) = m
        .raw(&format!(
            "{AGENCY_PORTFOLIO}/client_pages?fields=id,name,permitted_tasks&access_token={ava}&appsecret_proof={}",
            proof(ava)
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    // Nothing nobody asked for: a named field list is answered with those fields and id.
    let (_, me) = m.raw(&format!("me?fields=name&{auth}")).await;
    assert_eq!(keys(&me), vec!["id", "name"]);
    let (status, e) = m.raw(&format!("me?fields=name,tasks&{auth}")).await;
    assert_eq!(
        (status, e["error"]["message"].as_str().unwrap()),
        (
            400,
            "(#100) Tried accessing nonexisting field (tasks) on node type (User)"
        )
    );
}

#[tokio::test]
async fn the_person_s_role_per_portfolio_comes_from_me_business_users() {
    let m = spawn_sandbox().await;
    let roles = m.graph.my_roles(&m.token(AVA)).await.unwrap();
    let of = |b: &str| {
        roles
            .iter()
            .find(|r| r.business.id == b)
            .and_then(|r| r.role.clone())
    };
    assert_eq!(of(AGENCY_PORTFOLIO).as_deref(), Some("ADMIN"));
    assert_eq!(of("2000000003").as_deref(), Some("EMPLOYEE"));
    // No waiting share requests in the seeded world; the edge answers, Instagram has none.
    let ava = m.token(AVA);
    assert!(
        m.graph
            .pending_client_assets(&ava, AGENCY_PORTFOLIO, AssetKind::AdAccount)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_partner_assigns_its_own_people_only_within_what_the_owner_permitted() {
    let m = spawn_sandbox().await;
    let casey = m.token(CASEY);
    m.graph
        .share_partner(&casey, "act_2200000031", AGENCY_PORTFOLIO, &["ANALYZE"])
        .await
        .unwrap();
    let ava = m.token(AVA);
    let ava_at_agency = m
        .graph
        .business_users(&ava, AGENCY_PORTFOLIO)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email.as_deref() == Some("ava@agency.example"))
        .unwrap()
        .id;
    let e = m
        .graph
        .assign_user(&ava, "act_2200000031", &ava_at_agency, &["MANAGE"])
        .await
        .unwrap_err();
    assert!(matches!(e, GraphError::InvalidParameter { .. }), "{e:?}");
    m.graph
        .assign_user(&ava, "act_2200000031", &ava_at_agency, &["ANALYZE"])
        .await
        .unwrap();
    let seen = m
        .graph
        .assigned_users(&ava, "act_2200000031", AGENCY_PORTFOLIO)
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].tasks, vec!["ANALYZE".to_owned()]);
    // The client's people stay out of the partner's sight.
    assert!(
        m.graph
            .assigned_users(&ava, "act_2200000031", MESSY)
            .await
            .is_err()
    );
    let systems = m.graph.system_users(&ava, AGENCY_PORTFOLIO).await.unwrap();
    assert_eq!(systems.len(), 1);
}

#[tokio::test]
async fn a_page_s_people_need_its_token_and_pages_manage_metadata() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    // The person's own token: a Page token is required (#210).
    let e = m
        .graph
        .assigned_users(&t, "1100000000000011", BLOOM)
        .await
        .unwrap_err();
    assert!(
        matches!(e, GraphError::Permission { code: 210, .. }),
        "{e:?}"
    );
    // The Page's token, from a login without pages_manage_metadata: refused in Meta's words
    // (#10), never an empty list that would read as "nobody has access".
    let narrow = AccessToken(m.sandbox.issue_token(
        CASEY,
        &["business_management", "pages_show_list"],
        3600,
    ));
    let page = m.page_token(&narrow, "1100000000000011").await;
    let e = m
        .graph
        .assigned_users(&page, "1100000000000011", BLOOM)
        .await
        .unwrap_err();
    assert!(
        matches!(e, GraphError::Permission { code: 10, .. }),
        "{e:?}"
    );
    // Both: the Page's people are read.
    let page = m.page_token(&t, "1100000000000011").await;
    let read = m
        .graph
        .assigned_users(&page, "1100000000000011", BLOOM)
        .await;
    assert!(read.is_ok(), "{read:?}");
}

#[tokio::test]
async fn a_version_past_its_date_is_refused_as_meta_does_and_named_plainly() {
    let m = spawn_sandbox().await;
    let t = m.token(CASEY);
    // A client still on v25.0, which Meta stops serving on 23 February 2027
    // (shared/META_GRAPH.md): served until then.
    let mut old = config(&m.base, APP_SECRET);
    old.version = "v25.0".into();
    let graph = GraphClient::new(old).unwrap();
    let expiry = latchkey::meta::versions::expires_at("v25.0").unwrap();
    if m.clock.now() < expiry {
        assert!(graph.me(&t).await.is_ok());
    }
    m.clock.advance((expiry - m.clock.now()).max(0));
    let e = graph.me(&t).await.unwrap_err();
    assert_eq!(e, GraphError::VersionGone);
    assert!(e.plain().contains("Meta no longer serves"), "{}", e.plain());
    let r = reqwest::get(format!("{}/sandbox/graph/v25.0/me", m.base))
        .await
        .unwrap();
    let (status, body): (u16, Value) = (r.status().as_u16(), r.json().await.unwrap());
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], 2635);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Please update to the latest version: v27.0")
    );
}

#[tokio::test]
async fn an_agency_gives_up_a_shared_page_from_its_own_side_as_meta_specifies() {
    let m = spawn_sandbox().await;
    let casey = m.token(CASEY);
    let page = m.page_token(&casey, "1100000000000031").await;
    m.graph
        .share_partner(&page, "1100000000000031", AGENCY_PORTFOLIO, &["ADVERTISE"])
        .await
        .unwrap();
    // Someone who is not an admin of the agency's business cannot give it up for it.
    let refused = m
        .graph
        .leave_client_asset(
            &casey,
            AGENCY_PORTFOLIO,
            AssetKind::Page,
            "1100000000000031",
        )
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(refused, GraphError::Permission { code: 200, .. }),
        "{refused:?}"
    );
    // The agency's admin system user can, with no Page token: gone from both sides.
    let system = AccessToken(m.sandbox.issue_token(SYSTEM_USER, &ALL_SCOPES, 3600));
    m.graph
        .leave_client_asset(
            &system,
            AGENCY_PORTFOLIO,
            AssetKind::Page,
            "1100000000000031",
        )
        .await
        .unwrap()
        .unwrap();
    let listed = m
        .graph
        .business_assets(&system, AGENCY_PORTFOLIO, AssetKind::Page, Edge::Client)
        .await
        .unwrap();
    assert!(!listed.iter().any(|a| a.id == "1100000000000031"));
    assert!(
        !m.graph
            .partners(&page, "1100000000000031")
            .await
            .unwrap()
            .iter()
            .any(|p| p.id == AGENCY_PORTFOLIO)
    );
    // Twice: nothing left to give up, said in Meta's words.
    let again = m
        .graph
        .leave_client_asset(
            &system,
            AGENCY_PORTFOLIO,
            AssetKind::Page,
            "1100000000000031",
        )
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(again, GraphError::InvalidParameter { .. }),
        "{again:?}"
    );
    // Kinds Meta has no agency-side edge for are the owner's side only.
    assert!(
        m.graph
            .leave_client_asset(
                &system,
                AGENCY_PORTFOLIO,
                AssetKind::Pixel,
                "1900000000000031"
            )
            .await
            .is_none()
    );
}
