//! Wire shapes as META_GRAPH.md gives them, any version, bearer tokens, list parameters and bounded batches.

use super::*;

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
