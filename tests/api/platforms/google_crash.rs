//! A real `latchkey serve`, configured for "real" Google (the Google sandbox on its own port
//! in this test process, so it outlives the process), killed with SIGKILL while a client's
//! approval is being shared, then restarted: every access binding (Analytics) or manager
//! link (Ads) Google holds for the agency becomes one grant, read back, nothing twice — a
//! link the kill left invited but not accepted is recorded as pending.

use google_sandbox::world::{
    AGENCY_EMAIL, AGENCY_MCC, CLIENT_EMAIL, CLIENT_ID, CLIENT_SECRET, World,
};
use latchkey::Clock;

use crate::crash::{
    Browser, agency_with_link_for, approve_in_background, kill, local, meta, serve_with, wait_for,
    wait_for_recovery,
};
use crate::helpers::{csrf_in, test_settings};

const PUBLIC: &str = "http://latchkey.test";
const READ: &str = "https://www.googleapis.com/auth/analytics.readonly";
const MANAGE: &str = "https://www.googleapis.com/auth/analytics.manage.users";
const ADWORDS: &str = "https://www.googleapis.com/auth/adwords";
/// Assets the killed approval is for.
const PICKED: usize = 30;

/// What differs between the products: what is asked, what each side allows at Google's
/// consent screen, the client's assets, and what Google holds for the agency.
struct Case {
    asks: [(&'static str, &'static str); 2],
    agency_scopes: &'static [&'static str],
    client_scopes: &'static [&'static str],
    /// Gives Casey `PICKED` assets in all.
    more: fn(&mut World),
    /// What Google holds for the agency: (asset id, the grant status it stands for).
    held: fn(&World) -> Vec<(String, String)>,
    /// The grants' `platform_ref`, as a LIKE pattern.
    reference: &'static str,
    /// The agency's Google Ads manager account, entered in Settings.
    manager: Option<&'static str>,
}

const ANALYTICS: Case = Case {
    asks: [("kind", "ga4_property"), ("level_ga4_property", "view")],
    agency_scopes: &[READ, MANAGE],
    client_scopes: &[READ, MANAGE],
    more: |w| {
        for n in 0..(PICKED - 2) {
            w.properties.push(google_sandbox::world::Property {
                name: format!("properties/{}", 5000 + n),
                display_name: format!("Site {n}"),
                parent: "accounts/3001".into(),
            });
        }
    },
    held: |w| {
        w.bindings
            .iter()
            .filter(|b| b.user == AGENCY_EMAIL)
            .map(|b| (b.parent.clone(), "active".to_owned()))
            .collect()
    },
    reference: "properties/%/accessBindings/%",
    manager: None,
};

const ADS: Case = Case {
    asks: [("kind", "google_ads"), ("level_google_ads", "manage")],
    agency_scopes: &[READ, MANAGE, ADWORDS],
    client_scopes: &[ADWORDS],
    more: |w| {
        for n in 0..(PICKED - 1) {
            let id = format!("55520000{n:02}");
            w.ads_customers.push(google_sandbox::world::AdsCustomer {
                id: id.clone(),
                name: format!("Shop {n}"),
                manager: false,
                requires_two_step: false,
            });
            w.ads_grant(&id, CLIENT_EMAIL, "ADMIN");
        }
    },
    held: |w| {
        w.ads_links
            .iter()
            .filter(|l| {
                l.manager_id == AGENCY_MCC && matches!(l.status.as_str(), "ACTIVE" | "PENDING")
            })
            .map(|l| {
                (
                    format!("customers/{}", l.client_id),
                    l.status.to_lowercase(),
                )
            })
            .collect()
    },
    reference: "customers/1234567890/customerClientLinks/%",
    manager: Some("123-456-7890"),
};

/// Google, played by the sandbox on its own port, with the case's assets for Casey.
async fn google(case: &Case) -> google_sandbox::Sandbox {
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
    sandbox.change(case.more);
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
    killed_mid_approval(&ANALYTICS).await;
}

#[tokio::test]
async fn a_process_killed_mid_google_ads_approval_records_the_links_google_holds() {
    killed_mid_approval(&ADS).await;
}

async fn killed_mid_approval(case: &Case) {
    let (_meta, meta_base) = meta().await;
    let google = google(case).await;
    let accounts = google.accounts_base();
    let oauth = google.oauth_base();
    let admin = google.analytics_admin_base();
    let tagmanager = google.tagmanager_base();
    let ads = google.ads_base();
    let env = [
        ("LATCHKEY_GOOGLE_CLIENT_ID", CLIENT_ID),
        ("LATCHKEY_GOOGLE_CLIENT_SECRET", CLIENT_SECRET),
        ("LATCHKEY_GOOGLE_ACCOUNTS_URL", accounts.as_str()),
        ("LATCHKEY_GOOGLE_OAUTH_URL", oauth.as_str()),
        ("LATCHKEY_GOOGLE_ANALYTICS_ADMIN_URL", admin.as_str()),
        ("LATCHKEY_GOOGLE_TAGMANAGER_URL", tagmanager.as_str()),
        ("LATCHKEY_GOOGLE_ADS_URL", ads.as_str()),
    ];
    let s = test_settings().await;
    std::fs::create_dir_all(&s.data_dir).unwrap();
    let db_url = s.database_url();
    let dir = s.data_dir.clone();
    let first = serve_with(&db_url, &dir, &meta_base, &env);

    // The agency: a single-use link for the case's assets, and its Google account.
    let staff = Browser::new();
    let (_, link) = agency_with_link_for(&staff, &first.base, &case.asks).await;
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
        case.agency_scopes,
    )
    .await;
    if let Some(manager) = case.manager {
        let settings = staff.get(&format!("{}/settings", first.base)).await;
        let token = csrf_in(&settings.body).unwrap();
        let r = staff
            .post(
                &format!("{}/settings/google/ads", first.base),
                &[("csrf", &token), ("manager_id", manager)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }

    // The client signs in with Google and picks every property.
    let client = Browser::new();
    let start = client.get(&format!("{}{link}/start", first.base)).await;
    assert_eq!(start.status, 303, "{}", start.body);
    consent(
        &client,
        &first.base,
        &start.location,
        CLIENT_EMAIL,
        case.client_scopes,
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

    // Google is slow: each share (a few calls) takes long enough to be killed.
    google.set_faults(google_sandbox::Faults {
        latency_ms: 600,
        ..Default::default()
    });
    let submitting = approve_in_background(&client, &first.base, form);
    let bound_at_google = || {
        let mut held = (case.held)(&google.world());
        held.sort();
        held
    };
    wait_for("the first grants at Google", 60, async || {
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
    let mut recorded: Vec<(String, String)> =
        sqlx::query_as("SELECT asset_id, status FROM grants WHERE platform = 'google'")
            .fetch_all(&db)
            .await
            .unwrap();
    recorded.sort();
    assert_eq!(recorded, at_google, "everything Google holds is a grant");
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(all as usize, at_google.len(), "nothing recorded twice");
    let refs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants WHERE platform_ref LIKE $1")
        .bind(case.reference)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        refs as usize,
        at_google.len(),
        "each with its binding's or link's name"
    );
    db.close().await;
}
