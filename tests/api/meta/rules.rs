//! Fields, roles, partner assignments, Page tokens, versions and leaving a shared Page, as Meta specifies.

use super::*;

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
