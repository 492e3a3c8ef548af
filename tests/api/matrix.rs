//! The route matrix, generated from the router's own route list: every route × anonymous /
//! another agency's staff / a lower role / a link holder, and every POST × no token / a
//! wrong token / another session's token / a cross-site Origin. A route this file does not
//! classify fails the test until it is classified.

use std::collections::BTreeMap;

use meta_sandbox::world::AGENCY_PORTFOLIO;

use crate::helpers::{
    PASSWORD, TestApp, csrf_in, link_in, link_request, path_of, spawn_app, spawn_client_of,
};

/// Who a route is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// Anyone: assets, health, login-type forms.
    Public,
    /// Signed-in staff of the agency that owns the object.
    Staff,
    /// Owners and admins.
    Manager,
    /// The installation's owner (the sandbox's controls).
    InstallOwner,
    /// The holder of a capability link.
    LinkHolder,
    /// The client's approval flow (flow cookie after Facebook Login).
    ClientFlow,
    /// The platforms' stand-ins (Graph API and login dialog, Google's OAuth and Analytics
    /// Admin API): reachable by anyone, like Meta and Google.
    StandIn,
    /// Meta's servers calling back: authenticated by a `signed_request`, not a session.
    MetaCallback,
}

/// Methods: "G" GET, "P" POST, "GP" both.
fn classification() -> BTreeMap<&'static str, (Who, &'static str)> {
    use Who::*;
    BTreeMap::from([
        ("/", (Staff, "G")),
        ("/healthz", (Public, "G")),
        ("/robots.txt", (Public, "G")),
        ("/static/app.css", (Public, "G")),
        ("/static/app.js", (Public, "G")),
        ("/favicon.ico", (Public, "G")),
        ("/brand/{file}", (Public, "G")),
        ("/brand/{id}/logo", (Public, "G")),
        ("/r/{token}", (LinkHolder, "G")),
        ("/r/{token}/start", (LinkHolder, "G")),
        ("/r/{token}/decline", (LinkHolder, "GP")),
        ("/r/{token}/declined", (LinkHolder, "G")),
        ("/oauth/callback", (ClientFlow, "G")),
        ("/approve", (ClientFlow, "GP")),
        ("/approve/retry", (ClientFlow, "G")),
        ("/approve/again", (ClientFlow, "P")),
        ("/approve/done", (ClientFlow, "G")),
        ("/approve/next/{platform}", (ClientFlow, "G")),
        ("/approve/migration", (ClientFlow, "P")),
        ("/requests", (Staff, "GP")),
        ("/requests/new", (Staff, "G")),
        ("/requests/templates", (Staff, "GP")),
        ("/requests/templates/{id}/delete", (Staff, "GP")),
        ("/requests/{id}", (Staff, "G")),
        ("/requests/{id}/preview", (Staff, "G")),
        ("/requests/{id}/link", (Staff, "G")),
        ("/requests/{id}/remind", (Staff, "P")),
        ("/requests/{id}/regenerate", (Staff, "GP")),
        ("/requests/{id}/revoke", (Staff, "GP")),
        ("/setup", (Public, "GP")),
        ("/login", (Public, "GP")),
        ("/logout", (Staff, "P")),
        ("/password/forgot", (Public, "GP")),
        ("/password/reset/{token}", (Public, "GP")),
        ("/account/password", (Staff, "GP")),
        ("/login/verify", (Public, "GP")),
        ("/login/verify/passkey", (Public, "P")),
        ("/login/verify/passkey/options", (Public, "P")),
        ("/account/security", (Staff, "G")),
        ("/account/confirm", (Staff, "GP")),
        ("/account/security/confirm", (Staff, "P")),
        ("/account/security/recovery-codes", (Staff, "P")),
        ("/account/security/off", (Staff, "P")),
        ("/account/security/passkeys", (Staff, "P")),
        ("/account/security/passkeys/options", (Staff, "P")),
        ("/account/security/passkeys/remove", (Staff, "P")),
        ("/account/security/sessions/end", (Staff, "P")),
        ("/account/security/sessions/end-others", (Staff, "P")),
        ("/settings/two-factor", (Manager, "P")),
        ("/team", (Manager, "G")),
        ("/team/access-review", (Manager, "G")),
        ("/team/access-review.csv", (Manager, "G")),
        ("/team/access-review/confirm", (Manager, "P")),
        ("/team/access-review/schedule", (Manager, "P")),
        ("/team/invite", (Manager, "P")),
        ("/team/invites/revoke", (Manager, "P")),
        ("/team/{id}/role", (Manager, "P")),
        ("/team/{id}/remove", (Manager, "GP")),
        ("/invite/{token}", (Public, "GP")),
        ("/clients", (Staff, "GP")),
        ("/clients/new", (Staff, "G")),
        ("/clients/{id}", (Staff, "GP")),
        ("/clients/{id}/edit", (Staff, "G")),
        ("/clients/{id}/archive", (Staff, "GP")),
        ("/clients/{id}/restore", (Staff, "P")),
        ("/clients/{id}/migration", (Staff, "P")),
        ("/clients/{id}/signal", (Staff, "P")),
        ("/clients/{id}/reauth", (Staff, "P")),
        ("/reauth", (Staff, "G")),
        ("/reauth.csv", (Staff, "G")),
        ("/clients/{id}/migration-report", (Staff, "GP")),
        ("/grants", (Staff, "G")),
        ("/clients/{id}/grants", (Staff, "P")),
        ("/clients/{id}/grants/new", (Staff, "G")),
        ("/clients/{id}/grants/import", (Staff, "P")),
        ("/settings/meta", (Manager, "P")),
        ("/settings/meta/sandbox", (Manager, "P")),
        ("/settings/meta/disconnect", (Manager, "P")),
        ("/settings/google/connect", (Manager, "P")),
        ("/settings/google/callback", (Manager, "G")),
        ("/settings/google/disconnect", (Manager, "P")),
        ("/settings/google/ads", (Manager, "P")),
        ("/settings/google/group", (Manager, "P")),
        ("/clients/{id}/verify", (Staff, "P")),
        ("/clients/{id}/offboard", (Manager, "GP")),
        ("/grants.csv", (Staff, "G")),
        ("/settings/webhooks", (Manager, "GP")),
        ("/settings/webhooks/{id}", (Manager, "G")),
        ("/settings/webhooks/{id}/toggle", (Manager, "P")),
        ("/settings/webhooks/{id}/rotate", (Manager, "P")),
        ("/settings/webhooks/{id}/delete", (Manager, "GP")),
        (
            "/settings/webhooks/{id}/deliveries/{delivery}/redeliver",
            (Manager, "P"),
        ),
        ("/settings/api-keys", (Manager, "GP")),
        ("/settings/api-keys/{id}/revoke", (Manager, "GP")),
        ("/settings", (Manager, "GP")),
        ("/settings/logo", (Manager, "P")),
        ("/settings/logo/remove", (Manager, "P")),
        ("/audit", (Manager, "G")),
        ("/audit.csv", (Manager, "G")),
        ("/emails", (Manager, "G")),
        ("/emails/{id}/retry", (Manager, "P")),
        ("/account/notifications", (Staff, "GP")),
        ("/privacy", (Public, "G")),
        ("/meta/deauthorize", (MetaCallback, "P")),
        ("/meta/data-deletion", (MetaCallback, "P")),
        ("/meta/data-deletion/{code}", (Public, "G")),
        ("/sandbox/mail", (Public, "G")),
        ("/sandbox/mail/{name}", (Public, "G")),
        ("/sandbox/graph/{version}/{*path}", (StandIn, "GP")),
        ("/sandbox/www/{version}/dialog/oauth", (StandIn, "G")),
        ("/sandbox/www/dialog/oauth/confirm", (StandIn, "P")),
        ("/sandbox/google/accounts/o/oauth2/v2/auth", (StandIn, "G")),
        ("/sandbox/google/accounts/consent", (StandIn, "P")),
        ("/sandbox/google/oauth2/token", (StandIn, "P")),
        ("/sandbox/google/oauth2/tokeninfo", (StandIn, "GP")),
        (
            "/sandbox/google/analyticsadmin/v1alpha/accountSummaries",
            (StandIn, "G"),
        ),
        (
            "/sandbox/google/analyticsadmin/v1alpha/{collection}/{id}/accessBindings",
            (StandIn, "GP"),
        ),
        (
            "/sandbox/google/analyticsadmin/v1alpha/{collection}/{id}/accessBindings/{binding}",
            (StandIn, "G"),
        ),
        ("/sandbox/google/analyticsadmin/{*rest}", (StandIn, "GP")),
        (
            "/sandbox/google/tagmanager/tagmanager/v2/accounts",
            (StandIn, "G"),
        ),
        (
            "/sandbox/google/tagmanager/tagmanager/v2/accounts/{account}/containers",
            (StandIn, "G"),
        ),
        (
            "/sandbox/google/tagmanager/tagmanager/v2/accounts/{account}/user_permissions",
            (StandIn, "GP"),
        ),
        (
            "/sandbox/google/tagmanager/tagmanager/v2/accounts/{account}/user_permissions/{permission}",
            (StandIn, "G"),
        ),
        ("/sandbox/google/tagmanager/{*rest}", (StandIn, "GP")),
        (
            "/sandbox/google/googleads/v26/customers:listAccessibleCustomers",
            (StandIn, "G"),
        ),
        (
            "/sandbox/google/googleads/v26/customers/{customer}/googleAds:search",
            (StandIn, "P"),
        ),
        (
            "/sandbox/google/googleads/v26/customers/{customer}/customerClientLinks:mutate",
            (StandIn, "P"),
        ),
        (
            "/sandbox/google/googleads/v26/customers/{customer}/customerManagerLinks:mutate",
            (StandIn, "P"),
        ),
        ("/sandbox/google/googleads/{*rest}", (StandIn, "GP")),
        ("/sandbox", (InstallOwner, "G")),
        ("/sandbox/admin/faults", (InstallOwner, "P")),
        ("/sandbox/admin/migration", (InstallOwner, "P")),
        ("/sandbox/admin/clock", (InstallOwner, "P")),
        ("/sandbox/admin/reset", (InstallOwner, "P")),
    ])
}

/// Agency A's objects, to fill the paths with.
struct Ids {
    webhook: i64,
    api_key: i64,
    template: i64,
    agency: i64,
    client: i64,
    request: i64,
    member: i64,
    outbox: i64,
    link_token: String,
}

fn concrete(path: &str, ids: &Ids) -> String {
    let id = if path.starts_with("/settings/webhooks/") {
        ids.webhook
    } else if path.starts_with("/settings/api-keys/") {
        ids.api_key
    } else if path.starts_with("/requests/templates/") {
        ids.template
    } else if path.starts_with("/requests/") {
        ids.request
    } else if path.starts_with("/team/") {
        ids.member
    } else if path.starts_with("/emails/") {
        ids.outbox
    } else if path.starts_with("/brand/") {
        ids.agency
    } else {
        ids.client
    };
    path.replace("{id}", &id.to_string())
        .replace("{delivery}", "1")
        .replace("{file}", &format!("{}.css", ids.agency))
        .replace("{token}", &ids.link_token)
        .replace("{platform}", "google")
        .replace("{collection}", "properties")
        .replace("{binding}", "1")
        .replace("{name}", "000000000001-00000001.eml")
        .replace("{version}", "v27.0")
        .replace("{*path}", "me")
        .replace("{*rest}", "v1alpha/unknownThings")
        .replace("{code}", "18c2f5a1b00-0000000000000000")
}

/// Agency A (owner logged in on `app`), its member Mia on `member`, agency B's owner.
async fn world(app: &TestApp) -> (Ids, TestApp, TestApp) {
    let r = app
        .post(
            "/setup",
            &[
                ("agency_name", "Acme Agency"),
                ("portfolio_id", AGENCY_PORTFOLIO),
                ("name", "Olivia Owner"),
                ("email", "owner@acme.test"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let client = app.create_client("Bloom Bakery", "casey@bloom.test").await;
    let link = link_request(app, client, "page", true).await;
    app.post(
        "/team/invite",
        &[("email", "mia@acme.test"), ("role", "member")],
    )
    .await;
    let mail = app.wait_for_emails("mia@acme.test", 1).await;
    let invite = path_of(&link_in(&mail[0].text, "/invite/"));
    let member = spawn_client_of(app);
    let r = member
        .post(
            &invite,
            &[
                ("name", "Mia Member"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(app);
    assert_eq!(beta.login("boss@beta.test", PASSWORD).await.status, 303);
    let one = |sql: &'static str| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let saved = app
        .post(
            "/requests/templates",
            &[
                ("name", "Matrix template"),
                ("kind", "page"),
                ("level_page", "manage"),
                ("mode", "partner"),
                ("expiry_days", "14"),
                ("single_use", "1"),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let key = app
        .post(
            "/settings/api-keys",
            &[("name", "Matrix key"), ("scope", "read"), ("expires", "90")],
        )
        .await;
    assert_eq!(key.status, 303, "{}", key.body);
    let hook = app
        .post(
            "/settings/webhooks",
            &[("url", "https://hooks.example.com/matrix")],
        )
        .await;
    assert_eq!(hook.status, 303, "{}", hook.body);
    let ids = Ids {
        webhook: one("SELECT MIN(id) FROM webhook_endpoints").await,
        api_key: one("SELECT MIN(id) FROM api_keys").await,
        template: one("SELECT MIN(id) FROM request_templates").await,
        agency: one("SELECT MIN(id) FROM agencies").await,
        client,
        request: one("SELECT MIN(id) FROM access_requests").await,
        member: one("SELECT id FROM users WHERE email = 'mia@acme.test'").await,
        outbox: one("SELECT MIN(id) FROM outbox").await,
        link_token: link.trim_start_matches("/r/").to_owned(),
    };
    (ids, member, beta)
}

fn to_login(r: &crate::helpers::Resp) -> bool {
    r.status == 303 && r.location().is_some_and(|l| l.starts_with("/login"))
}

#[tokio::test]
async fn every_route_is_classified_and_answers_each_visitor_as_it_should() {
    let app = spawn_app().await;
    let known = classification();
    let mut paths = latchkey::web::route_paths(app.sandbox.is_some());
    // The hosted sandbox's own routes are mounted beside Latchkey's.
    paths.extend(meta_sandbox::Sandbox::meta_paths());
    paths.extend(meta_sandbox::Sandbox::admin_paths());
    paths.extend(google_sandbox::Sandbox::paths());
    for p in &paths {
        assert!(
            known.contains_key(p),
            "route {p} is not classified in tests/api/matrix.rs: decide who may reach it"
        );
    }
    for p in known.keys() {
        assert!(paths.contains(p), "{p} is classified but no longer routed");
    }

    let (ids, member, beta) = world(&app).await;
    let anon = spawn_client_of(&app);
    // A link holder: a browser that opened the link and started the Facebook login.
    let holder = spawn_client_of(&app);
    assert_eq!(
        holder
            .get(&format!("/r/{}/start", ids.link_token))
            .await
            .status,
        303
    );
    let mut checked = 0;
    for (path, (who, methods)) in &known {
        let url = concrete(path, &ids);
        if methods.contains('G') {
            let a = anon.get(&url).await;
            assert!(a.status < 500, "GET {url} anonymous: {}", a.status);
            let h = holder.get(&url).await;
            match who {
                Who::Staff | Who::Manager | Who::InstallOwner => {
                    assert!(to_login(&a), "GET {url} anonymous: {}", a.status);
                    assert!(to_login(&h), "GET {url} link holder: {}", h.status);
                }
                Who::ClientFlow => {
                    assert!(
                        a.status == 410 || a.status == 404,
                        "GET {url} without a flow: {}",
                        a.status
                    );
                }
                Who::LinkHolder => {
                    assert!(
                        a.status == 200 || a.status == 303,
                        "GET {url}: {}",
                        a.status
                    );
                    let bogus = anon.get(&path.replace("{token}", "lkr_bogus")).await;
                    assert_eq!(bogus.status, 404, "GET {path} with a made-up token");
                }
                Who::Public | Who::StandIn | Who::MetaCallback => {}
            }
            let b = beta.get(&url).await;
            let m = member.get(&url).await;
            match who {
                Who::Staff | Who::Manager if path.contains("{id}") => {
                    assert_eq!(b.status, 404, "GET {url} as another agency");
                }
                Who::InstallOwner => {
                    assert_eq!(b.status, 403, "GET {url} as another agency's owner");
                    assert_eq!(m.status, 403, "GET {url} as a member");
                }
                _ => {}
            }
            if *who == Who::Manager {
                assert_eq!(m.status, 403, "GET {url} as a member");
            }
            if !methods.contains('P') {
                let t = app.csrf().await;
                let r = app.post_raw(&url, &[("csrf", &t)]).await;
                assert_eq!(r.status, 405, "POST {url} on a GET-only route");
            }
            checked += 1;
        } else {
            assert_eq!(
                app.get(&url).await.status,
                405,
                "GET {url} on a POST-only route"
            );
        }
        if *who == Who::MetaCallback {
            // Without Meta's signature nothing happens, whoever asks.
            for form in [
                vec![],
                vec![("signed_request", "forged.eyJ1c2VyX2lkIjoiMSJ9")],
            ] {
                let r = anon.post_raw(&url, &form).await;
                assert_eq!(r.status, 400, "POST {url} without a valid signed_request");
            }
            checked += 1;
            continue;
        }
        if methods.contains('P') && *who != Who::StandIn {
            // Forgeries, with agency A's owner session: all refused before any handler.
            let valid = app.csrf().await;
            let beta_token = beta.csrf().await;
            for (label, form) in [
                ("no token", vec![]),
                ("a wrong token", vec![("csrf", "0".repeat(64))]),
                (
                    "another session's token",
                    vec![("csrf", beta_token.clone())],
                ),
            ] {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r = app.post_raw(&url, &pairs).await;
                assert_eq!(r.status, 403, "POST {url} with {label}");
            }
            *app.origin.lock().unwrap() = Some("https://evil.example".into());
            let r = app.post_raw(&url, &[("csrf", &valid)]).await;
            *app.origin.lock().unwrap() = None;
            assert_eq!(r.status, 403, "POST {url} from a cross-site Origin");
            // Another agency's staff with their own valid token: A's objects are 404.
            if matches!(who, Who::Staff | Who::Manager) && path.contains("{id}") {
                let r = beta.post_raw(&url, &[("csrf", &beta_token)]).await;
                assert_eq!(r.status, 404, "POST {url} as another agency");
            }
            if *who == Who::Manager {
                let t = member.csrf().await;
                let r = member.post_raw(&url, &[("csrf", &t)]).await;
                assert!(
                    r.status == 403 || (r.status == 404 && path.contains("{id}")),
                    "POST {url} as a member: {}",
                    r.status
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= known.len());
    let _ = csrf_in;
}
