//! Request templates fill in a new request; bad templates save nothing.

use super::*;

#[tokio::test]
async fn a_template_fills_in_a_new_request_and_bad_templates_save_nothing() {
    let app = spawn_app().await;
    let client_id = ready(&app).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM request_templates")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let empty = app.get("/requests/templates").await;
    assert!(empty.body.contains("No templates yet"));
    // Bad input: no name, no kind, an unknown language. Explained; nothing saved.
    let bad = app
        .post(
            "/requests/templates",
            &[
                ("name", "  "),
                ("mode", "partner"),
                ("expiry_days", "14"),
                ("single_use", "1"),
                ("message", "Hello"),
                ("language", "tlh"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    for e in [
        "The template&#39;s name is required",
        "Tick at least one kind of asset",
        "Choose the client&#39;s language from the list",
    ] {
        assert!(bad.body.contains(e), "{e}: {}", bad.body);
    }
    assert!(
        bad.body.contains(">Hello</textarea>"),
        "what was typed comes back"
    );
    assert_eq!(count().await, 0);

    let form = [
        ("name", "Ads only"),
        ("kind", "ad_account"),
        ("level_ad_account", "view"),
        ("mode", "partner"),
        ("expiry_days", "30"),
        ("single_use", "0"),
        ("message", "Read-only access for the audit."),
        ("language", "de"),
    ];
    let saved = app.post("/requests/templates", &form).await;
    assert_eq!(
        saved.location(),
        Some("/requests/templates?notice=template_saved")
    );
    let again = app.post("/requests/templates", &form).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("There is already a template called"));
    assert_eq!(count().await, 1);
    let list = app.get("/requests/templates").await;
    assert!(list.body.contains("Ad accounts (view)") && list.body.contains("Deutsch"));

    let id: i64 = sqlx::query_scalar("SELECT id FROM request_templates")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let new = app
        .get(&format!("/requests/new?client_id={client_id}"))
        .await;
    assert!(new.body.contains(&format!(
        "href=\"/requests/new?template={id}&amp;client_id={client_id}\""
    )));
    let filled = app
        .get(&format!(
            "/requests/new?template={id}&client_id={client_id}"
        ))
        .await;
    assert_eq!(filled.status, 200);
    assert!(
        filled.body.contains("value=\"ad_account\" checked"),
        "{}",
        filled.body
    );
    assert!(!filled.body.contains("value=\"page\" checked"));
    assert!(filled.body.contains("<option value=\"view\" selected>"));
    assert!(filled.body.contains("value=\"30\""));
    assert!(filled.body.contains("value=\"0\" checked"));
    assert!(
        filled
            .body
            .contains("Read-only access for the audit.</textarea>")
    );
    assert!(
        filled
            .body
            .contains("<option value=\"de\" lang=\"de\" selected>")
    );
    assert_eq!(app.get("/requests/new?template=999999").await.status, 404);

    // Deleting asks first, then removes it; nothing else changes.
    let confirm = app.get(&format!("/requests/templates/{id}/delete")).await;
    assert!(confirm.body.contains("Delete the template “Ads only”?"));
    assert_eq!(count().await, 1);
    let gone = app
        .post(&format!("/requests/templates/{id}/delete"), &[])
        .await;
    assert_eq!(
        gone.location(),
        Some("/requests/templates?notice=template_deleted")
    );
    assert_eq!(count().await, 0);
}
