//! Retries, throttling, refused tokens, and personal access ending after a migration.

use super::*;

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
