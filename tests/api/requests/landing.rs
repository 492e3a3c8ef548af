//! The link page's per-process cache: a view reads the link every time and reuses the
//! rendered page only while nothing it shows has changed, so a rename shows at once and a
//! revoked link is gone at once.

use super::{create_request, ready, set_agency};
use crate::helpers::{spawn_app, spawn_client_of};

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
