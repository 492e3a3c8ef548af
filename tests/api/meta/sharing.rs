//! Partner shares on every kind, the rules Meta enforces, and user assignments by business-scoped id.

use super::*;

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
