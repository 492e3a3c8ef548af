//! Google for real (the built-in Google sandbox, over HTTP as with Google): the agency
//! connects its Google account from Settings and names its Google Ads manager account, a
//! client on a phone in Spanish opens one link for a Facebook Page, a Google Ads account, a
//! Google Analytics property and a Tag Manager container, starts with Google (any order),
//! unticks nothing on Google's consent screen, links the Ads account and shares the property
//! and the container, goes on to Facebook from the done page and shares the Page; staff see
//! the grants, then end the partnership: Latchkey removes the Page's, the Ads link and the
//! property's, reading each back, and gives the steps for the container (Tag Manager leaves
//! removing users to the client's administrators).

use super::*;

#[tokio::test]
async fn one_link_for_facebook_ads_analytics_and_tag_manager_on_a_phone_then_offboarded() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, _sandbox) = spawn().await;
    let a = Browser::open(&driver, "google-agency", 1280, 900).await;
    set_up_agency(&a, &base).await;

    // Settings → Connect Google, as the agency's own Google account.
    a.goto(&format!("{base}/settings")).await;
    a.click(
        "settings",
        "form[action='/settings/google/connect'] button[type=submit]",
    )
    .await;
    a.find("consent", "form[action='/sandbox/google/accounts/consent']")
        .await;
    a.shot("consent").await;
    a.click(
        "consent",
        "input[name=person][value='analytics@agency.example']",
    )
    .await;
    a.click("consent", "button[value=allow]").await;
    a.expect_text("settings", "Google connected.").await;
    a.expect_text("settings", "Connected as analytics@agency.example")
        .await;
    a.fill("settings", "#ads-manager", "123-456-7890").await;
    a.click(
        "settings",
        "form[action='/settings/google/ads'] button[type=submit]",
    )
    .await;
    a.expect_text("settings", "Google Ads manager account saved.")
        .await;
    a.click(
        "settings",
        "form[action='/settings/meta/sandbox'] button[type=submit]",
    )
    .await;
    // Wait for the connection's own page before going on (no navigation may overtake it).
    a.expect_text("settings", "Saved.").await;

    add_client(&a, &base, "Messy Co", "casey@messyco.example").await;
    let link =
        pages_and_google_in_spanish(&a, &["google_ads", "ga4_property", "gtm_container"]).await;

    // Google first, on the phone.
    let p = Browser::open(&driver, "google-phone", 375, 812).await;
    p.goto(&link).await;
    p.expect_text("landing", "Continuar con Google").await;
    p.click("landing", "a[href$='start?platform=google']").await;
    p.find("consent", "form[action='/sandbox/google/accounts/consent']")
        .await;
    holds(
        &p,
        "consent",
        "return [...document.querySelectorAll('input[name=grant]')].map(i => i.value).sort().join(' ') === \
         'https://www.googleapis.com/auth/adwords \
          https://www.googleapis.com/auth/analytics.manage.users https://www.googleapis.com/auth/analytics.readonly \
          https://www.googleapis.com/auth/tagmanager.manage.users https://www.googleapis.com/auth/tagmanager.readonly';",
        "Google's consent screen does not ask for exactly the Ads, Analytics and Tag Manager scopes",
    )
    .await;
    fits_phone(&p, "consent").await;
    p.shot("consent").await;
    p.click(
        "consent",
        "input[name=person][value='casey@messyco.example']",
    )
    .await;
    p.click("consent", "button[value=allow]").await;
    p.expect_text("picker-google", "Messy App (GA4)").await;
    p.expect_text("picker-google", "la cuenta de Google de Demo Agency")
        .await;
    fits_phone(&p, "picker-google").await;
    p.shot("picker-google").await;
    p.expect_text("picker-google", "Messy Web (GTM-MESSY01)")
        .await;
    p.click(
        "picker-google",
        "input[name=asset][value='accounts/6001/containers/7001']",
    )
    .await;
    p.expect_text("picker-google", "Messy Co Ads (555-000-0001)")
        .await;
    p.click(
        "picker-google",
        "input[name=asset][value='customers/5550000001']",
    )
    .await;
    share_one(&p, "picker-google", "properties/4001").await;
    p.expect_text("done-google", "Messy Web (GA4)").await;
    p.expect_text("done-google", "Messy Web (GTM-MESSY01)")
        .await;
    p.expect_text("done-google", "Messy Co Ads (555-000-0001)")
        .await;
    p.shot("done-google").await;

    // Then Facebook, from the done page.
    sandbox_login_from(
        &p,
        "a[href='/approve/next/meta']",
        "input[name=person][value='9100000000000001']",
        "login",
    )
    .await;
    share_one(&p, "picker", "1100000000000031").await;
    p.expect_text("done-meta", "¡Listo, gracias!").await;
    p.shot("done-meta").await;
    let bound = count(
        &state,
        "SELECT COUNT(*) FROM grants WHERE platform = 'google' AND status = 'active' \
         AND platform_ref LIKE 'properties/4001/accessBindings/%'",
    )
    .await;
    assert_eq!(bound, 1, "the Google grant carries its access binding");
    let permitted = count(
        &state,
        "SELECT COUNT(*) FROM grants WHERE kind = 'gtm_container' AND status = 'active' \
         AND platform_ref LIKE 'accounts/6001/user_permissions/%'",
    )
    .await;
    assert_eq!(
        permitted, 1,
        "the container's grant carries its user permission"
    );
    let linked = count(
        &state,
        "SELECT COUNT(*) FROM grants WHERE kind = 'google_ads' AND status = 'active' \
         AND platform_ref LIKE 'customers/1234567890/customerClientLinks/5550000001~%'",
    )
    .await;
    assert_eq!(linked, 1, "the Ads grant carries its manager link");

    // Staff: both grants, then the partnership ends and both are removed.
    a.goto(&format!("{base}/grants")).await;
    a.expect_text("grants", "Messy Web (GA4)").await;
    a.expect_text("grants", "Google Analytics property").await;
    a.shot("grants").await;
    a.goto(&format!("{base}/clients/1/offboard")).await;
    a.fill("offboard", "#confirm_name", "Messy Co").await;
    a.click(
        "offboard",
        "form[action='/clients/1/offboard'] button[type=submit]",
    )
    .await;
    a.expect_text("offboarded", "Messy Web (GA4)").await;
    a.expect_text("offboarded", "Messy Co Ads (555-000-0001)")
        .await;
    a.expect_text("offboarded", "in Tag Manager under Admin → User Management")
        .await;
    a.shot("offboarded").await;
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT kind FROM grants WHERE mode = 'partner' AND status <> 'revoked'",
    )
    .fetch_all(&state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        left,
        ["gtm_container"],
        "the Page, the Ads link and the property removed and read back; the container left to the client"
    );
    for b in [a, p] {
        b.valid_html();
        b.client.close().await.ok();
    }
}
