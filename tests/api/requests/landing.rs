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
