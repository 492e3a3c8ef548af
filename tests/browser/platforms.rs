//! One link for two platforms, on a phone in Spanish: the landing offers Facebook and the
//! second platform (the scripted stand-in for Google the API tests use), the client shares a
//! Page on Facebook, goes on to Google from the done page and shares an Analytics property;
//! staff see both grants with their platform.

use std::sync::Arc;

use super::*;

#[tokio::test]
async fn one_link_for_meta_and_a_second_platform_on_a_phone_in_spanish() {
    let Some(driver) = driver_url() else {
        return;
    };
    let google = scripted::Scripted::with_properties();
    let (base, _state, _sandbox) = spawn_registered(|_| {}, Some(Arc::new(google.clone()))).await;
    let a = Browser::open(&driver, "two-agency", 1280, 900).await;
    set_up_agency(&a, &base).await;
    add_client(&a, &base, "Messy Co", "casey@bloom.example").await;

    // Pages (ticked on a fresh form) and an Analytics property, in Spanish, as a link.
    let link = pages_and_google_in_spanish(&a, &["ga4_property"]).await;

    // The client's landing: a button per platform, on the phone's first screen.
    let p = Browser::open(&driver, "two-phone", 375, 812).await;
    p.goto(&link).await;
    p.expect_text("landing", "Continuar con Facebook").await;
    p.expect_text("landing", "Continuar con Google").await;
    p.expect_text("landing", "activos comerciales de Messy Co")
        .await;
    p.expect_text("landing", "Editar tus propiedades de Google Analytics")
        .await;
    holds(
        &p,
        "landing",
        "var b = document.querySelectorAll('ul.platforms a.button'); \
         return b.length === 2 && b[1].getBoundingClientRect().bottom <= window.innerHeight;",
        "the two platform buttons are not both on the first screen",
    )
    .await;
    fits_phone(&p, "landing").await;
    p.shot("landing").await;

    // Facebook first: the Page.
    sandbox_login_from(
        &p,
        "a[href$='start?platform=meta']",
        "input[name=person][value='9100000000000001']",
        "login",
    )
    .await;
    share_one(&p, "picker", "1100000000000031").await;
    p.expect_text("done-meta", "¡Listo, gracias!").await;
    p.expect_text("done-meta", "Compartir también en Google")
        .await;
    fits_phone(&p, "done-meta").await;
    p.shot("done-meta").await;

    // Then Google, from the done page, in the same browser.
    p.click("next", "a[href='/approve/next/google']").await;
    p.expect_text("picker-google", "Messy Web (GA4)").await;
    p.shot("picker-google").await;
    share_one(&p, "picker-google", "properties/4001").await;
    p.expect_text("done-google", "Messy Web (GA4)").await;
    holds(
        &p,
        "done-google",
        "return !document.querySelector('a[href^=\"/approve/next/\"]') && \
         !document.querySelector('form[action=\"/approve/migration\"]');",
        "the last platform's done page offers another platform or Meta's migration question",
    )
    .await;
    p.shot("done-google").await;
    assert!(
        google
            .world
            .lock()
            .unwrap()
            .bindings
            .contains_key("properties/4001"),
        "the second platform holds the share"
    );

    // Staff see both grants.
    a.goto(&format!("{base}/grants")).await;
    a.expect_text("grants", "Messy Web (GA4)").await;
    a.expect_text("grants", "Google Analytics property").await;
    a.shot("grants").await;
    for b in [a, p] {
        b.valid_html();
        b.client.close().await.ok();
    }
}
