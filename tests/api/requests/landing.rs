//! The link page's per-process cache: a view reads the link every time and reuses the
//! rendered page only while nothing it shows has changed, so a rename shows at once and a
//! revoked link is gone at once.

use super::{create_request, ready, set_agency};
use crate::helpers::{spawn_app, spawn_client_of, spawn_with, test_settings};

#[tokio::test]
async fn a_reused_page_follows_every_change_and_a_revoked_link_is_gone_at_once() {
    let app = spawn_app().await;
    let client_id = ready(&app).await;
    let (id, link) = create_request(&app, client_id, &[("delivery", "link")]).await;
    let client = spawn_client_of(&app);

    let first = client.get(&link).await;
    let again = client.get(&link).await;
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(first.body, again.body, "the same page, reused");
    assert!(
        again.body.contains(&format!("href=\"{link}/start\"")),
        "the token is in place"
    );
    assert!(!again.body.contains('\u{1}'), "no placeholder left");
    assert!(again.body.contains("Acme Digital asks for access"));

    // Another language is its own page; the first one is still right afterwards.
    let es = client.get(&format!("{link}?lang=es")).await;
    assert!(
        es.body.contains("Acme Digital solicita acceso"),
        "{}",
        es.body
    );
    client.clear_cookies();
    assert!(
        client
            .get(&link)
            .await
            .body
            .contains("Acme Digital asks for access")
    );

    // The agency renames itself: the next view shows it.
    set_agency(&app, "Acme Studio").await;
    let renamed = client.get(&link).await;
    assert!(
        renamed.body.contains("Acme Studio asks for access"),
        "{}",
        renamed.body
    );
    assert!(!renamed.body.contains("Acme Digital"));

    // Revoked: gone at the very next view, whatever was kept.
    let r = app.post(&format!("/requests/{id}/revoke"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let gone = client.get(&link).await;
    assert_eq!(gone.status, 410);
    assert!(
        gone.body.contains("This link was withdrawn"),
        "{}",
        gone.body
    );
}

#[tokio::test]
async fn another_process_shows_a_rename_from_the_next_second_and_a_revocation_at_once() {
    // Two apps on one database and key file: two processes behind one address.
    let settings = test_settings().await;
    let a = spawn_with(settings.clone()).await;
    let client_id = ready(&a).await;
    let (id, link) = create_request(&a, client_id, &[("delivery", "link")]).await;
    let b = spawn_with(settings).await;
    b.clock.freeze();
    let browser = spawn_client_of(&b);
    assert!(
        browser
            .get(&link)
            .await
            .body
            .contains("Acme Digital asks for access")
    );

    // Renamed in the first process: the second may show the old name within the second it
    // read it, and shows the new one from the next second on.
    set_agency(&a, "Acme Studio").await;
    let same_second = browser.get(&link).await;
    assert!(same_second.body.contains("Acme Digital asks for access"));
    b.clock.advance(1);
    let next_second = browser.get(&link).await;
    assert!(
        next_second.body.contains("Acme Studio asks for access"),
        "{}",
        next_second.body
    );

    // Revoked in the first process: gone in the second at once, within the same second.
    let r = a.post(&format!("/requests/{id}/revoke"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(browser.get(&link).await.status, 410);
}

#[tokio::test]
async fn on_sqlite_the_link_is_read_on_the_calling_thread_and_through_the_pool_when_that_cannot_be()
{
    use latchkey::domain::token::{LINK_PREFIX, SecretToken};
    use latchkey::store::inline::InlineReads;
    use latchkey::store::links::link_head;

    let app = spawn_app().await;
    let client_id = ready(&app).await;
    let (id, link) = create_request(&app, client_id, &[("delivery", "link")]).await;
    assert_eq!(spawn_client_of(&app).get(&link).await.status, 200);
    let hash = SecretToken::from_presented(LINK_PREFIX, link.trim_start_matches("/r/"))
        .expect("a link token")
        .hash();
    let db = app.state.db.clone();
    let Some(inline) = db.inline.clone() else {
        assert_eq!(db.backend, latchkey::store::Backend::Postgres);
        return;
    };
    assert!(
        inline.kept() >= 1,
        "the view was not read on its own thread"
    );
    let own = link_head(&db, &hash).await.unwrap().expect("the link");
    assert_eq!(own.id, id);

    // Connections that cannot open (the file is not there): the pool answers the same.
    let mut without = db.clone();
    let missing = std::env::temp_dir().join("latchkey-no-such-dir/latchkey.db");
    without.inline = Some(std::sync::Arc::new(InlineReads::new(missing)));
    let pooled = link_head(&without, &hash).await.unwrap().expect("the link");
    assert_eq!((pooled.id, pooled.token_prefix), (own.id, own.token_prefix));
    assert_eq!(without.inline.as_ref().map(|i| i.kept()), Some(0));
    assert!(link_head(&without, "no such hash").await.unwrap().is_none());
}
