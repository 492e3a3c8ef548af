//! What Meta asks of an app: Facebook Login for Business, the deauthorize and data-deletion
//! callbacks (authenticated by its signed_request), and the privacy page they point to.

use latchkey::meta::signed_request::sign;
use meta_sandbox::world::APP_SECRET;
use serde_json::Value;

use crate::helpers::{TestApp, approve_as, link_request, spawn_app, spawn_client_of};

const CASEY: &str = "9100000000000001";

async fn approved(app: &TestApp) -> i64 {
    approved_with(app, |_| {}).await
}

/// An agency, a client, and Casey's approval of one pixel; `dialog` sees the login URL.
async fn approved_with(app: &TestApp, dialog: impl Fn(&str)) -> i64 {
    app.setup_demo_agency().await;
    let client = app.create_client("Messy Co", "casey@messy.test").await;
    let link = link_request(app, client, "pixel", true).await;
    let start = spawn_client_of(app).get(&format!("{link}/start")).await;
    dialog(start.location().unwrap());
    approve_as(app, &link, CASEY, &["1900000000000031"]).await;
    client
}

fn signed(user_id: &str, secret: &str) -> String {
    sign(
        &format!(r#"{{"algorithm":"HMAC-SHA256","issued_at":1700000000,"user_id":"{user_id}"}}"#),
        secret,
    )
}

/// Everything that names the person: their id or name.
async fn traces(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM approval_flows WHERE person_id = $1 OR person_name LIKE '%Casey%')
              + (SELECT COUNT(*) FROM grants WHERE approved_by_id = $1 OR approved_by_name LIKE '%Casey%')
              + (SELECT COUNT(*) FROM request_events WHERE detail LIKE '%Casey%')
              + (SELECT COUNT(*) FROM audit_log WHERE actor LIKE '%' || $1 || '%' OR actor LIKE '%Casey%')",
    )
    .bind(CASEY)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_data_deletion_signed_by_meta_forgets_the_person_and_can_be_checked() {
    let app = spawn_app().await;
    approved(&app).await;
    assert!(
        traces(&app).await > 0,
        "the approval left the person's name and id"
    );
    let meta = spawn_client_of(&app);
    // A forged or foreign-signed request changes nothing.
    for forged in [signed(CASEY, "not the app secret"), "x.y".to_owned()] {
        let r = meta
            .post_raw("/meta/data-deletion", &[("signed_request", &forged)])
            .await;
        assert_eq!(r.status, 400);
    }
    assert!(traces(&app).await > 0);

    let r = meta
        .post_raw(
            "/meta/data-deletion",
            &[("signed_request", &signed(CASEY, APP_SECRET))],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let answer: Value = serde_json::from_str(&r.body).unwrap();
    let code = answer["confirmation_code"].as_str().unwrap();
    let url = answer["url"].as_str().unwrap();
    assert!(url.ends_with(&format!("/meta/data-deletion/{code}")));
    assert_eq!(traces(&app).await, 0, "no id or name of the person is left");
    // The grant itself stays: the agency's access is the client's business decision.
    let grants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(grants, 1);
    let status = meta.get(&format!("/meta/data-deletion/{code}")).await;
    assert_eq!(status.status, 200);
    assert!(
        status
            .body
            .contains("deletion with this confirmation code was done")
    );
    let last = if code.ends_with('0') { "1" } else { "0" };
    let tampered = format!("{}{last}", &code[..code.len() - 1]);
    assert_eq!(
        meta.get(&format!("/meta/data-deletion/{tampered}"))
            .await
            .status,
        404
    );
    let privacy = meta.get("/privacy").await;
    assert!(
        privacy
            .body
            .contains("Removing access and deleting your data")
    );
}

#[tokio::test]
async fn facebook_login_for_business_asks_through_the_configuration() {
    let mut settings = crate::helpers::test_settings().await;
    settings.meta_config_id = Some("300000000000001".into());
    let app = crate::helpers::spawn_with(settings).await;
    let client = approved_with(&app, |dialog| {
        assert!(dialog.contains("config_id=300000000000001"), "{dialog}");
        assert!(
            !dialog.contains("scope="),
            "a configuration replaces the scope list"
        );
    })
    .await;
    let grants: Vec<(i64, String)> =
        sqlx::query_as("SELECT client_id, status FROM grants WHERE asset_id = '1900000000000031'")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(grants, vec![(client, "active".to_owned())]);
}

#[tokio::test]
async fn a_deauthorize_signed_by_meta_forgets_the_persons_tokens() {
    let app = spawn_app().await;
    approved(&app).await;
    // An approval session still holding its token, as during the hour a flow lives.
    sqlx::query("UPDATE approval_flows SET token_sealed = 'v1:sealed' WHERE person_id = $1")
        .bind(CASEY)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let held = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM approval_flows WHERE token_sealed IS NOT NULL",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
    };
    assert_eq!(held().await, 1);
    let meta = spawn_client_of(&app);
    let r = meta
        .post_raw(
            "/meta/deauthorize",
            &[("signed_request", &signed(CASEY, "wrong"))],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(held().await, 1);
    let r = meta
        .post_raw(
            "/meta/deauthorize",
            &[("signed_request", &signed(CASEY, APP_SECRET))],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(held().await, 0);
}
