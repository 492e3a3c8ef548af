//! What the picker offers: kinds Meta will not list, the person's own rights, an app Meta has not approved.

use super::*;

#[tokio::test]
async fn a_kind_meta_will_not_list_is_named_and_the_rest_stays_choosable() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    // Meta refuses to list pixels for this app (code 270), as for an app without the
    // access level that kind needs.
    app.sandbox.as_ref().unwrap().set_faults(Faults {
        refuse_edge: Some("owned_pixels".into()),
        ..Faults::default()
    });
    let picker = client.get("/approve").await;
    assert_eq!(picker.status, 200, "{}", picker.body);
    assert!(
        picker
            .body
            .contains("Pixels and datasets of Messy Co: couldn&#39;t be listed"),
        "{}",
        picker.body
    );
    assert!(
        picker
            .body
            .contains("Meta does not yet let this app work with this kind of asset")
    );
    let ids = offered(&picker.body);
    assert!(
        ids.contains(&"1800000000000031".to_owned()),
        "catalogs still offered"
    );
    assert!(
        !ids.contains(&"1900000000000031".to_owned()),
        "no pixel offered"
    );
    let r = approve(&client, &["1800000000000031"]).await;
    assert_eq!(r.location(), Some("/approve/done"));
    let g = grants(&app).await;
    assert!(g.iter().any(|g| g.0 == "1800000000000031"), "{g:?}");
}

#[tokio::test]
async fn what_the_person_may_share_comes_from_what_meta_exposes_of_their_rights() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    // Dana is an employee of Messy Co with analyst tasks on its Page.
    let cb = facebook_login(&client, &link, "9100000000000002", &ALL, "continue").await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let picker = client.get("/approve").await.body;
    // Page: her tasks from /me/accounts lack MANAGE.
    assert!(
        picker.contains("You are not an admin of this Page"),
        "{picker}"
    );
    // Catalog, pixel and Instagram carry no per-person tasks in Meta's schema: her role in
    // the portfolio (/me/business_users) decides.
    assert_eq!(
        picker
            .matches("Only an admin of Messy Co can share this")
            .count(),
        3,
        "{picker}"
    );
    assert!(
        offered(&picker).is_empty(),
        "nothing she may share is offered"
    );
}

#[tokio::test]
async fn an_app_without_meta_s_approval_for_partner_sharing_is_the_agency_s_to_fix() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let client = spawn_client_of(&app);
    login(&client, &link, &ALL, "continue").await;
    // Meta answers code 3 to `POST /{asset}/agencies` for an app it has not approved for
    // partner sharing (limited since 8 June 2021).
    app.sandbox.as_ref().unwrap().set_faults(Faults {
        no_partner_sharing: true,
        ..Faults::default()
    });
    let r = approve(&client, &["1100000000000031", "act_2200000031"]).await;
    assert_eq!(r.location(), Some("/approve/done"));
    // The client is told it is not their doing, and never what to click in a Meta app.
    let done = client.get("/approve/done").await.body;
    assert!(
        done.contains("Meta does not yet let this app work with this kind of asset"),
        "{done}"
    );
    assert!(!done.contains("App Review"), "{done}");
    // Nothing was shared, and the agency reads what to fix, on the grants and in its e-mail.
    let g = grants(&app).await;
    let made: Vec<_> = g.iter().filter(|g| g.1 == "partner").collect();
    assert!(
        made.iter().all(|g| g.3 == "failed"),
        "nothing shared: {made:?}"
    );
    let events: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM request_events WHERE kind = 'approval_failed'")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(
        events[0].contains("Not shared: Messy Co (Facebook Page), Messy Main Ads (Ad account)")
            && events[0].contains("not the client's doing"),
        "{events:?}"
    );
    let page = app.get("/requests/1").await.body;
    assert!(
        page.contains("Advanced Access for business_management"),
        "{page}"
    );
    let mail = app.wait_for_emails("ava@agency.example", 1).await;
    let told = mail
        .iter()
        .find(|m| m.subject.contains("nothing was shared"))
        .expect("the agency is told");
    assert!(told.text.contains("App Review"), "{}", told.text);
}
