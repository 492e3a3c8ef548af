//! Hand-recorded grants, CSV import with a per-row report, and the audit log's filters.

use crate::helpers::{PASSWORD, spawn_app, spawn_client_of};

#[tokio::test]
async fn existing_access_can_be_recorded_by_hand_and_imported() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let client = app.create_client("Messy Co", "casey@messy.example").await;
    let r = app
        .post(
            &format!("/clients/{client}/grants"),
            &[
                ("kind", "page"),
                ("asset_id", "1100000000000031"),
                ("asset_name", "Messy Co"),
                ("mode", "user"),
                ("person", "ava@agency.example"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let bad = app
        .post(
            &format!("/clients/{client}/grants"),
            &[
                ("kind", "page"),
                ("asset_id", "not-an-id"),
                ("asset_name", "X"),
                ("mode", "user"),
                ("person", "ava@agency.example"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("asset id must be") && bad.body.contains("value=\"not-an-id\""));

    let csv = "kind,asset_id,asset_name,mode,person\n\
               ad_account,act_2200000031,\"Messy Ads, main\",user,ava@agency.example\n\
               spaceship,1,Rocket,user,ava@agency.example\n\
               pixel,1900000000000031,Messy Pixel,user,not-an-email\n\
               catalog,1800000000000031,Messy Catalog,user\n\
               pixel,1900000000000031,Messy Pixel,user,ava@agency.example\n";
    let (status, body) = app.upload_grants_csv(client, csv).await;
    assert_eq!(status, 422);
    assert!(body.contains("Imported 2 records."));
    assert!(body.contains("Line 3: kind must be"));
    assert!(body.contains("Line 4: person:"));
    assert!(body.contains("Line 5: expected 5 columns, found 4"));
    let names: Vec<String> =
        sqlx::query_scalar("SELECT asset_name FROM grants ORDER BY asset_name")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(names, vec!["Messy Ads, main", "Messy Co", "Messy Pixel"]);
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(page.body.contains("3</strong> user-based grants"));
    assert!(page.body.contains("History"));
    // Another agency cannot record on this client.
    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(&app);
    beta.login("boss@beta.test", PASSWORD).await;
    assert_eq!(
        beta.post(
            &format!("/clients/{client}/grants"),
            &[
                ("kind", "page"),
                ("asset_id", "1"),
                ("asset_name", "X"),
                ("mode", "user"),
                ("person", "a@b.test")
            ]
        )
        .await
        .status,
        404
    );
    assert_eq!(
        beta.get(&format!("/clients/{client}/grants/new"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_spreadsheet_export_with_bom_crlf_and_quoted_line_breaks_imports() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let client = app.create_client("Messy Co", "casey@messy.example").await;
    // What a spreadsheet saves: a byte-order mark, CRLF line ends, a name with a comma, one
    // with a quoted line break and doubled quotes, and a blank line.
    let csv = "\u{feff}kind,asset_id,asset_name,mode,person\r\n\
               page,1100000000000041,\"Bloom, Main\",user,ava@agency.example\r\n\
               page,1100000000000042,\"Bloom\r\nShop \"\"EU\"\"\",user,ava@agency.example\r\n\
               \r\n\
               page,x42,Broken,user,ava@agency.example\r\n";
    let (status, body) = app.upload_grants_csv(client, csv).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Imported 2 records."), "{body}");
    assert!(body.contains("Line 6: asset id must be"), "{body}");
    let names: Vec<String> =
        sqlx::query_scalar("SELECT asset_name FROM grants ORDER BY asset_name")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(names, vec!["Bloom Shop \"EU\"", "Bloom, Main"]);
}

#[tokio::test]
async fn the_audit_log_filters_and_exports() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.create_client("Bloom Bakery", "a@bloom.test").await;
    app.create_client("Northwind", "b@northwind.test").await;
    app.post("/logout", &[]).await;
    app.login("owner@acme.test", "wrong password here").await;
    app.login("owner@acme.test", PASSWORD).await;
    let by_client = app.get("/audit?client=bloom").await;
    assert!(by_client.body.contains("Bloom Bakery") && !by_client.body.contains("Northwind"));
    let logins = app.get("/audit?action=login.").await;
    assert!(
        logins.body.contains("login.failed")
            && logins.body.contains("login.succeeded")
            && !logins.body.contains("client.created")
    );
    let by_actor = app.get("/audit?actor=OLIVIA").await;
    assert!(by_actor.body.contains("client.created"));
    let future = app.get("/audit?from=2999-01-01").await;
    assert!(future.body.contains("Nothing recorded matches"));
    let wildcard = app.get("/audit?action=%25").await;
    assert!(
        wildcard.body.contains("Nothing recorded matches"),
        "a % is not a wildcard"
    );
    let csv = app.get("/audit.csv?action=client.").await;
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "when_utc,actor,action,target,ip");
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines.iter().skip(1).all(|l| l.contains(",client.created,")));
}
