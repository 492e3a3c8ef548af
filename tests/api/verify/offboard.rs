//! Offboarding a Page shared at advertise level, and ending (or keeping) client relationships.

use super::*;

#[tokio::test]
async fn offboarding_removes_a_page_shared_at_advertise_level() {
    let app = spawn_app().await;
    let client = crate::approve::agency(&app).await;
    // Advertise: the agency never holds the Page's MANAGE task, so never a Page token that
    // could change the Page's partners from the owner's side.
    let link = crate::approve::request(&app, client, &[("level_page", "advertise")]).await;
    approve_as(&app, &link, crate::approve::CASEY, &["1100000000000031"]).await;
    let world = app.sandbox.as_ref().unwrap().world();
    let share = world
        .shares
        .iter()
        .find(|s| s.asset_id == "1100000000000031" && s.business_id == AGENCY_PORTFOLIO)
        .expect("shared");
    assert!(
        !share.tasks.iter().any(|t| t == "MANAGE"),
        "{:?}",
        share.tasks
    );
    app.post("/settings/meta/sandbox", &[]).await;
    let r = app
        .post_shown(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "Messy Co")],
        )
        .await;
    assert!(
        r.body.contains("Removed") && !r.body.contains("Not removed"),
        "{}",
        r.body
    );
    assert_eq!(
        status_of(&app, "1100000000000031", "partner").await.0,
        "revoked"
    );
    let world = app.sandbox.as_ref().unwrap().world();
    assert!(
        !world
            .shares
            .iter()
            .any(|s| s.asset_id == "1100000000000031" && s.business_id == AGENCY_PORTFOLIO),
        "gone at Meta"
    );
}

#[tokio::test]
async fn offboarding_ends_the_client_relationship_which_takes_what_no_edge_could() {
    let app = spawn_app().await;
    let client = approved(&app, "partner", &["1900000000000031", "1800000000000031"]).await;
    let sandbox = app.sandbox.as_ref().unwrap().clone();
    let messy = (AGENCY_PORTFOLIO.to_owned(), MESSY.to_owned());
    assert!(sandbox.world().partnerships.contains(&messy));
    app.post("/settings/meta/sandbox", &[]).await;
    // Meta refuses every `/{asset}/agencies` call for this app, and a pixel and a catalog
    // have no agency-side edge: only ending the relationship can remove them, and the
    // read-back must confirm it.
    sandbox.set_faults(meta_sandbox::Faults {
        refuse_edge: Some("agencies".into()),
        ..Default::default()
    });
    let r = app
        .post_shown(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "Messy Co")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("Not removed"), "{}", r.body);
    assert!(
        r.body.contains(&format!(
            "The client relationship with Meta business {MESSY}"
        )),
        "{}",
        r.body
    );
    sandbox.set_faults(Default::default());
    let world = sandbox.world();
    assert!(!world.partnerships.contains(&messy), "ended at Meta");
    assert!(
        !world
            .shares
            .iter()
            .any(|s| s.business_id == AGENCY_PORTFOLIO
                && ["1900000000000031", "1800000000000031"].contains(&s.asset_id.as_str())),
        "every asset gone at Meta"
    );
    for asset in ["1900000000000031", "1800000000000031"] {
        assert_eq!(status_of(&app, asset, "partner").await.0, "revoked");
    }
}

#[tokio::test]
async fn the_relationship_stays_when_another_client_holds_assets_of_that_business() {
    let app = spawn_app().await;
    let client = approved(&app, "partner", &["1100000000000031", "1800000000000031"]).await;
    // The catalog is recorded under a second client (the same Meta business).
    let other = app
        .create_client("Messy Outlet", "outlet@bloom.example")
        .await;
    sqlx::query("UPDATE grants SET client_id = $1 WHERE asset_id = '1800000000000031'")
        .bind(other)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    app.post("/settings/meta/sandbox", &[]).await;
    let r = app
        .post_shown(
            &format!("/clients/{client}/offboard"),
            &[("confirm_name", "Messy Co")],
        )
        .await;
    assert!(
        r.body
            .contains("Another of your clients in Latchkey holds assets of this Meta business")
            && r.body.contains("Users → Partners"),
        "{}",
        r.body
    );
    let world = app.sandbox.as_ref().unwrap().world();
    assert!(
        world
            .partnerships
            .contains(&(AGENCY_PORTFOLIO.to_owned(), MESSY.to_owned()))
    );
    assert!(
        world
            .shares
            .iter()
            .any(|s| s.asset_id == "1800000000000031" && s.business_id == AGENCY_PORTFOLIO),
        "the other client's catalog stays shared"
    );
    assert_eq!(
        status_of(&app, "1100000000000031", "partner").await.0,
        "revoked"
    );
    assert_eq!(
        status_of(&app, "1800000000000031", "partner").await.0,
        "active"
    );
}
