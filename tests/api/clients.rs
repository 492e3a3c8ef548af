//! Clients: create, validate, search, paginate, edit, archive, and tenancy.

use crate::helpers::{PASSWORD, spawn_app, spawn_client_of};

#[tokio::test]
async fn empty_state_then_create_show_and_edit() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let empty = app.get("/clients").await;
    assert!(empty.body.contains("Add your first client"));

    let id = app.create_client("Bloom Bakery", "ana@bloom.test").await;
    let show = app
        .get(&format!("/clients/{id}?notice=client_created"))
        .await;
    assert!(show.body.contains("Bloom Bakery") && show.body.contains("ana@bloom.test"));
    assert!(show.body.contains("Client added."));

    let r = app
        .post(
            &format!("/clients/{id}"),
            &[
                ("name", "Bloom Bakery Ltd"),
                ("contact_name", "Ana"),
                ("contact_email", "ANA@bloom.test"),
                ("notes", "Owns two Pages.\nPrefers e-mail."),
            ],
        )
        .await;
    assert_eq!(
        r.location(),
        Some(format!("/clients/{id}?notice=saved").as_str())
    );
    let show = app.get(&format!("/clients/{id}")).await;
    assert!(show.body.contains("Bloom Bakery Ltd"));
    assert!(
        show.body.contains("ana@bloom.test"),
        "e-mail stored lower-cased"
    );
    assert!(show.body.contains("Owns two Pages."));
}

#[tokio::test]
async fn bad_client_input_is_explained_and_nothing_is_lost() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let long_notes = "n".repeat(5000);
    let r = app
        .post(
            "/clients",
            &[
                ("name", "<script>alert(1)</script> Co"),
                ("contact_name", "Line\r\nBreak"),
                ("contact_email", "not-an-email"),
                ("notes", &long_notes),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Contact e-mail: Enter an e-mail address"));
    assert!(r.body.contains("Contact name must be a single line"));
    assert!(r.body.contains("Notes must be at most 4000 characters"));
    // What was typed comes back, escaped.
    assert!(
        r.body
            .contains("value=\"&#60;script&#62;alert(1)&#60;/script&#62; Co\"")
            || r.body.contains("&lt;script&gt;"),
        "{}",
        &r.body[..2000.min(r.body.len())]
    );
    assert!(!r.body.contains("<script>alert(1)</script>"));
    assert!(r.body.contains("value=\"not-an-email\""));
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn search_and_pagination() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    for i in 0..30 {
        app.create_client(&format!("Client {i:02}"), &format!("c{i}@shop.test"))
            .await;
    }
    app.create_client("Zebra 100% Organic", "hello@zebra.test")
        .await;
    let p1 = app.get("/clients").await;
    assert!(p1.body.contains("Client 00") && p1.body.contains("Client 24"));
    assert!(!p1.body.contains("Client 25"));
    assert!(p1.body.contains("rel=\"next\""));
    let p2 = app.get("/clients?page=2").await;
    assert!(p2.body.contains("Client 25") && p2.body.contains("Zebra"));
    assert!(!p2.body.contains("rel=\"next\""));
    assert!(p2.body.contains("rel=\"prev\""));

    let s = app.get("/clients?q=ZEBRA").await;
    assert!(s.body.contains("Zebra 100% Organic") && !s.body.contains("Client 01"));
    let s = app.get("/clients?q=c7%40shop").await;
    assert!(s.body.contains("Client 07") && !s.body.contains("Client 17"));
    // A LIKE wildcard is matched literally.
    let s = app.get("/clients?q=100%25").await;
    assert!(s.body.contains("Zebra") && !s.body.contains("Client 10"));
    let none = app.get("/clients?q=nothing-like-this").await;
    assert!(none.body.contains("No clients match"));
}

#[tokio::test]
async fn archive_asks_first_and_can_be_undone() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let id = app.create_client("Old Client", "old@client.test").await;
    let confirm = app.get(&format!("/clients/{id}/archive")).await;
    assert!(confirm.body.contains("Archive Old Client?"));
    assert!(confirm.body.contains("Cancel"));
    let r = app.post(&format!("/clients/{id}/archive"), &[]).await;
    assert_eq!(
        r.location(),
        Some(format!("/clients/{id}?notice=client_archived").as_str())
    );
    assert!(!app.get("/clients").await.body.contains("Old Client"));
    assert!(
        app.get("/clients?archived=1")
            .await
            .body
            .contains("Old Client")
    );
    app.post(&format!("/clients/{id}/restore"), &[]).await;
    assert!(app.get("/clients").await.body.contains("Old Client"));
}

#[tokio::test]
async fn another_agency_cannot_see_or_change_a_client() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let id = app
        .create_client("Secret Client", "secret@client.test")
        .await;

    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(&app);
    assert_eq!(beta.login("boss@beta.test", PASSWORD).await.status, 303);
    for path in [
        format!("/clients/{id}"),
        format!("/clients/{id}/edit"),
        format!("/clients/{id}/archive"),
    ] {
        let r = beta.get(&path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("Secret Client"));
    }
    let r = beta
        .post(
            &format!("/clients/{id}"),
            &[
                ("name", "Stolen"),
                ("contact_name", ""),
                ("contact_email", "x@y.test"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        beta.post(&format!("/clients/{id}/archive"), &[])
            .await
            .status,
        404
    );
    assert!(!beta.get("/clients").await.body.contains("Secret Client"));
    assert!(
        !beta
            .get("/clients?q=secret")
            .await
            .body
            .contains("Secret Client")
    );
    let name: String = sqlx::query_scalar("SELECT name FROM clients WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(name, "Secret Client");
    let archived: Option<i64> = sqlx::query_scalar("SELECT archived_at FROM clients WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(archived, None);
}

#[tokio::test]
async fn a_client_that_looks_like_one_already_there_is_flagged_with_a_link() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let first = app.create_client("Bloom Bakery", "casey@bloom.test").await;
    // Same name in other letters, another address: staff are shown the existing one.
    let form = [
        ("name", "bloom bakery"),
        ("contact_name", ""),
        ("contact_email", "orders@bloom.test"),
        ("notes", "typed twice"),
    ];
    let r = app.post("/clients", &form).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("You may have this client already"));
    assert!(r.body.contains(&format!("href=\"/clients/{first}\"")));
    assert!(r.body.contains("value=\"orders@bloom.test\"") && r.body.contains("typed twice"));
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM clients")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 1, "nothing added yet");
    // Confirmed: added.
    let mut anyway = form.to_vec();
    anyway.push(("allow_duplicate", "1"));
    let r = app.post("/clients", &anyway).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count().await, 2);
    // The same e-mail under another name is flagged too.
    let r = app
        .post(
            "/clients",
            &[
                ("name", "Casey's Other Shop"),
                ("contact_email", "CASEY@bloom.test"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains(&format!("href=\"/clients/{first}\"")));
}

#[tokio::test]
async fn each_error_stands_beside_its_field() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let r = app
        .post(
            "/clients",
            &[
                ("name", ""),
                ("contact_name", "Casey"),
                ("contact_email", "not an address"),
                ("notes", "kept"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for field in ["name", "contact_email"] {
        assert!(
            r.body.contains(&format!("id=\"{field}\" name=\"{field}\"")),
            "{field}"
        );
        assert!(
            r.body.contains(&format!(
                "aria-invalid=\"true\" aria-describedby=\"{field}-error\""
            )),
            "{field}: {}",
            r.body
        );
        assert!(
            r.body
                .contains(&format!("<p class=\"field-error\" id=\"{field}-error\">"))
        );
    }
    assert!(
        !r.body.contains("aria-describedby=\"notes-error\""),
        "no error, no mark"
    );
    assert!(r.body.contains("value=\"Casey\"") && r.body.contains(">kept</textarea>"));
    // The request form too.
    app.create_client("Bloom Bakery", "casey@bloom.test").await;
    let r = app
        .post(
            "/requests",
            &[
                ("mode", "both"),
                ("expiry_days", "400"),
                ("delivery", "email"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for field in ["client_id", "asks", "mode", "expiry_days"] {
        assert!(
            r.body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            r.body
        );
    }
}

#[tokio::test]
async fn settings_keys_and_invitations_put_each_error_beside_its_field() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let r = app
        .post("/settings/api-keys", &[("name", " "), ("scope", "admin")])
        .await;
    assert_eq!(r.status, 422);
    for field in ["name", "scope"] {
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    let r = app
        .post(
            "/team/invite",
            &[("email", "not-an-address"), ("role", "member")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains(
            "value=\"not-an-address\" aria-invalid=\"true\" aria-describedby=\"email-error\""
        ),
        "{}",
        r.body
    );
    let r = app
        .post(
            "/settings",
            &[
                ("name", "Acme"),
                ("portfolio_id", ""),
                ("display_name", ""),
                ("accent_color", "blue"),
                ("default_expiry_days", "400"),
                ("default_level", "view"),
                ("reminder_days", "3"),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for field in ["accent_color", "default_expiry_days", "time_zone"] {
        assert!(
            r.body
                .contains(&format!("aria-describedby=\"{field}-error\"")),
            "{field}"
        );
    }
    assert!(
        r.body.contains("value=\"Mars/Olympus\""),
        "what was typed is kept"
    );
    assert!(!r.body.contains("aria-describedby=\"name-error\""));
}
