//! A real `latchkey serve`, configured for "real" Google (the Google sandbox on its own port
//! in this test process, so it outlives the process), killed with SIGKILL while a client's
//! approval of Analytics properties is being shared, then restarted: every access binding
//! Google holds for the agency becomes one grant, read back, nothing twice.

use google_sandbox::world::{AGENCY_EMAIL, CLIENT_EMAIL, CLIENT_ID, CLIENT_SECRET};
use latchkey::Clock;

use crate::crash::{
    Browser, agency_with_link_for, approve_in_background, kill, local, meta, serve_with, wait_for,
    wait_for_recovery,
};
use crate::helpers::{csrf_in, test_settings};

const PUBLIC: &str = "http://latchkey.test";
const READ: &str = "https://www.googleapis.com/auth/analytics.readonly";
const MANAGE: &str = "https://www.googleapis.com/auth/analytics.manage.users";
/// Properties the killed approval is for.
const PICKED: usize = 30;

/// Google, played by the sandbox on its own port, with 28 more properties in Casey's
/// account.
async fn google() -> google_sandbox::Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sandbox = google_sandbox::Sandbox::new(
        Clock::system(),
        &base,
        None,
        vec![
            format!("{PUBLIC}/oauth/callback"),
            format!("{PUBLIC}/settings/google/callback"),
        ],
    );
    sandbox.change(|w| {
        for n in 0..(PICKED - 2) {
            w.properties.push(google_sandbox::world::Property {
                name: format!("properties/{}", 5000 + n),
                display_name: format!("Site {n}"),
                parent: "accounts/3001".into(),
            });
        }
    });
    let router = sandbox.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    sandbox
}

/// Google's consent screen: `person` allows `grants`; then the callback on `base`.
async fn consent(browser: &Browser, base: &str, at: &str, person: &str, grants: &[&str]) {
    let url = url::Url::parse(at).unwrap();
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let mut form: Vec<(&str, &str)> = q
        .iter()
        .filter(|(k, _)| k != "response_type")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.extend([("person", person), ("action", "allow")]);
    form.extend(grants.iter().map(|g| ("grant", *g)));
    let origin = format!("{}://{}", url.scheme(), url.authority());
    let back = browser
        .post(&format!("{origin}/sandbox/google/accounts/consent"), &form)
        .await;
    assert_eq!(back.status, 303, "{}", back.body);
    let cb = browser
        .get(&format!("{base}{}", local(&back.location)))
        .await;
    assert_eq!(cb.status, 303, "{}", cb.body);
}

#[tokio::test]
async fn a_process_killed_mid_google_approval_records_what_google_holds() {
    let (_meta, meta_base) = meta().await;
    let google = google().await;
    let accounts = google.accounts_base();
    let oauth = google.oauth_base();
    let admin = google.analytics_admin_base();
    let tagmanager = google.tagmanager_base();
    let env = [
        ("LATCHKEY_GOOGLE_CLIENT_ID", CLIENT_ID),
        ("LATCHKEY_GOOGLE_CLIENT_SECRET", CLIENT_SECRET),
        ("LATCHKEY_GOOGLE_ACCOUNTS_URL", accounts.as_str()),
        ("LATCHKEY_GOOGLE_OAUTH_URL", oauth.as_str()),
        ("LATCHKEY_GOOGLE_ANALYTICS_ADMIN_URL", admin.as_str()),
        ("LATCHKEY_GOOGLE_TAGMANAGER_URL", tagmanager.as_str()),
    ];
    let s = test_settings().await;
    std::fs::create_dir_all(&s.data_dir).unwrap();
    let db_url = s.database_url();
    let dir = s.data_dir.clone();
    let first = serve_with(&db_url, &dir, &meta_base, &env);

    // The agency: a single-use link for Analytics properties, and its Google account.
    let staff = Browser::new();
    let asks = [("kind", "ga4_property"), ("level_ga4_property", "view")];
    let (_, link) = agency_with_link_for(&staff, &first.base, &asks).await;
    let settings = staff.get(&format!("{}/settings", first.base)).await;
    let token = csrf_in(&settings.body).unwrap();
    let r = staff
        .post(
            &format!("{}/settings/google/connect", first.base),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    consent(
        &staff,
        &first.base,
        &r.location,
        AGENCY_EMAIL,
        &[READ, MANAGE],
    )
    .await;

    // The client signs in with Google and picks every property.
    let client = Browser::new();
    let start = client.get(&format!("{}{link}/start", first.base)).await;
    assert_eq!(start.status, 303, "{}", start.body);
    consent(
        &client,
        &first.base,
        &start.location,
        CLIENT_EMAIL,
        &[READ, MANAGE],
    )
    .await;
    let picker = client.get(&format!("{}/approve", first.base)).await;
    let token = csrf_in(&picker.body).unwrap();
    let chosen: Vec<String> = picker
        .body
        .split("name=\"asset\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    assert_eq!(chosen.len(), PICKED, "{}", picker.body);
    let form: Vec<(String, String)> = std::iter::once(("csrf".to_owned(), token))
        .chain(chosen.iter().map(|id| ("asset".to_owned(), id.clone())))
        .collect();

    // Google is slow: each share (create, then read back) takes long enough to be killed.
    google.set_faults(google_sandbox::Faults {
        latency_ms: 600,
        ..Default::default()
    });
    let submitting = approve_in_background(&client, &first.base, form);
    let bound_at_google = || {
        let mut ids: Vec<String> = google
            .world()
            .bindings
            .iter()
            .filter(|b| b.user == AGENCY_EMAIL)
            .map(|b| b.parent.clone())
            .collect();
        ids.sort();
        ids
    };
    wait_for("the first bindings at Google", 60, async || {
        !bound_at_google().is_empty()
    })
    .await;
    kill(first);
    submitting.abort();
    let at_kill = bound_at_google().len();

    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&db_url).await.unwrap();
    let (intents, grants): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM approval_items), (SELECT COUNT(*) FROM grants)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(intents, PICKED as i64, "the intent was written first");
    assert!(
        (grants as usize) < at_kill,
        "the crash left bindings unrecorded ({grants} of {at_kill})"
    );

    // Restarted: the recovery reads Google back and records exactly what it holds.
    google.set_faults(google_sandbox::Faults::default());
    let _second = serve_with(&db_url, &dir, &meta_base, &env);
    wait_for_recovery(&db).await;
    let at_google = bound_at_google();
    assert!(at_google.len() >= at_kill);
    let mut recorded: Vec<String> = sqlx::query_scalar(
        "SELECT asset_id FROM grants WHERE platform = 'google' AND status = 'active'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    recorded.sort();
    assert_eq!(recorded, at_google, "every binding Google holds is a grant");
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(all as usize, at_google.len(), "nothing recorded twice");
    let refs: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM grants WHERE platform_ref LIKE 'properties/%/accessBindings/%'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        refs as usize,
        at_google.len(),
        "each with its binding's name"
    );
    db.close().await;
}
