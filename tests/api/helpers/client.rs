//! A client's browser through the link, the sandbox's Facebook Login and the picker.

use super::{Resp, TestApp, csrf_in, path_of, spawn_client_of};

/// Every permission Latchkey may ask for.
pub const ALL_SCOPES: [&str; 6] = [
    "business_management",
    "pages_show_list",
    "pages_manage_metadata",
    "ads_management",
    "instagram_basic",
    "catalog_management",
];

/// Follows "Continue with Facebook" from `link` through the sandbox dialog as `person`,
/// granting `grants` and pressing `action` (continue or cancel); returns the callback's answer.
pub async fn facebook_login(
    client: &TestApp,
    link: &str,
    person: &str,
    grants: &[&str],
    action: &str,
) -> Resp {
    let start = client.get(&format!("{link}/start")).await;
    assert_eq!(start.status, 303, "{}", start.body);
    let dialog = url::Url::parse(start.location().unwrap()).unwrap();
    assert!(dialog.path().ends_with("/dialog/oauth"), "{dialog}");
    assert!(client.cookie("lk_flow").is_some());
    let q: Vec<(String, String)> = dialog.query_pairs().into_owned().collect();
    let get = |k: &str| {
        q.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let page = client
        .get(&format!("{}?{}", dialog.path(), dialog.query().unwrap()))
        .await;
    assert!(page.body.contains("Casey Client"));
    let mut form: Vec<(&str, String)> = vec![
        ("client_id", get("client_id")),
        ("redirect_uri", get("redirect_uri")),
        ("state", get("state")),
        ("scope", get("scope")),
        ("config_id", get("config_id")),
        ("person", person.into()),
        ("action", action.into()),
    ];
    for g in grants {
        form.push(("grant", (*g).into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let back = client
        .post_raw("/sandbox/www/dialog/oauth/confirm", &pairs)
        .await;
    let location = back
        .location()
        .unwrap_or_else(|| panic!("{} {}", back.status, back.body));
    let cb = url::Url::parse(location).unwrap();
    client
        .get(&format!("{}?{}", cb.path(), cb.query().unwrap()))
        .await
}

/// A client browser logs in as `person` with every permission and approves `ids`;
/// returns the done page.
pub async fn approve_as(app: &TestApp, link: &str, person: &str, ids: &[&str]) -> String {
    let client = spawn_client_of(app);
    let cb = facebook_login(&client, link, person, &ALL_SCOPES, "continue").await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let picker = client.get("/approve").await;
    let token = csrf_in(&picker.body).unwrap();
    let mut form: Vec<(&str, &str)> = vec![("csrf", &token)];
    for id in ids {
        assert!(
            picker.body.contains(&format!("value=\"{id}\"")),
            "{id} offered"
        );
        form.push(("asset", id));
    }
    let r = client.post_raw("/approve", &form).await;
    assert_eq!(r.location(), Some("/approve/done"), "{}", r.body);
    client.get("/approve/done").await.body
}

/// A partner request for one kind (at view level), handed over as a link; returns its path.
pub async fn link_request(app: &TestApp, client: i64, kind: &str, single_use: bool) -> String {
    let cid = client.to_string();
    let level = format!("level_{kind}");
    let r = app
        .post_shown(
            "/requests",
            &[
                ("client_id", cid.as_str()),
                ("kind", kind),
                (level.as_str(), "view"),
                ("mode", "partner"),
                ("expiry_days", "14"),
                ("single_use", if single_use { "1" } else { "0" }),
                ("message", ""),
                ("delivery", "link"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("value=\"http").unwrap() + 7;
    path_of(r.body[at..].split('"').next().unwrap())
}

/// Goes through the Google sandbox's consent screen at `consent` (an absolute URL the app
/// redirected to) as `person`, leaving `grants` ticked, and follows Google's redirect back
/// (to whichever callback the app asked for). Returns the callback's answer.
pub async fn google_consent(
    browser: &TestApp,
    consent: &str,
    person: &str,
    grants: &[&str],
) -> Resp {
    let at = url::Url::parse(consent).unwrap();
    assert!(at.path().ends_with("/o/oauth2/v2/auth"), "{at}");
    let q: Vec<(String, String)> = at.query_pairs().into_owned().collect();
    let get = |k: &str| {
        q.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let page = browser
        .get(&format!("{}?{}", at.path(), at.query().unwrap()))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(person), "{}", page.body);
    let mut form: Vec<(&str, String)> = [
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "include_granted_scopes",
        "access_type",
    ]
    .into_iter()
    .map(|k| (k, get(k)))
    .collect();
    form.push(("person", person.into()));
    form.push(("action", "allow".into()));
    for g in grants {
        form.push(("grant", (*g).into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let back = browser
        .post_raw("/sandbox/google/accounts/consent", &pairs)
        .await;
    let location = back
        .location()
        .unwrap_or_else(|| panic!("{} {}", back.status, back.body));
    let cb = url::Url::parse(location).unwrap();
    browser
        .get(&format!("{}?{}", cb.path(), cb.query().unwrap()))
        .await
}
