//! Two-factor sign-in and passkeys in Chromium (a virtual authenticator).

use super::*;

#[tokio::test]
async fn two_factor_enrolment_and_sign_in_in_chromium() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, _state, _) = spawn().await;
    let a = Browser::open(&driver, "two-factor", 1280, 900).await;
    set_up_agency(&a, &base).await;
    a.click("security", "a[href='/account/security']").await;
    a.expect_text("security", "Two-factor sign-in").await;
    a.find("security", ".qr svg").await;
    a.shot("enrol").await;
    let secret = a
        .find("security", "code.secret")
        .await
        .text()
        .await
        .unwrap();
    let now = || time::OffsetDateTime::now_utc().unix_timestamp();
    let code = latchkey::domain::two_factor::code_at(&secret, now()).unwrap();
    a.fill("confirm", "#code", &code).await;
    a.click("confirm", "form[action='/account/security/confirm'] button")
        .await;
    a.expect_text("confirm", "Your recovery codes").await;
    holds(
        &a,
        "confirm",
        "return document.querySelectorAll('ul.codes li').length === 10;",
        "ten recovery codes",
    )
    .await;
    a.shot("recovery-codes").await;
    a.click("logout", "form[action='/logout'] button").await;
    a.fill("login", "#email", "ava@agency.example").await;
    a.fill("login", "#password", PASSWORD).await;
    a.click("login", "form[action='/login'] button[type=submit]")
        .await;
    a.expect_text("second-step", "Open your authenticator app")
        .await;
    a.shot("second-step").await;
    // The code just used is refused; the next step's code (within the allowed skew) works.
    a.fill("second-step", "#code", &code).await;
    a.click("second-step", "form[action='/login/verify'] button")
        .await;
    a.expect_text("replay", "That code does not match").await;
    let next = latchkey::domain::two_factor::code_at(&secret, now() + 30).unwrap();
    a.fill("second-step", "#code", &next).await;
    a.click("second-step", "form[action='/login/verify'] button")
        .await;
    a.expect_text("signed-in", "Ava Agency · Demo Agency").await;
    a.valid_html();
    a.client.close().await.ok();
}

/// Chromium's virtual authenticator (the WebDriver WebAuthn extension): a platform
/// authenticator with user verification, as a laptop's fingerprint reader is. Returns its
/// URL under the session, for reading its credentials.
async fn virtual_authenticator(b: &Browser) -> String {
    let session = b.client.session_id().await.unwrap().unwrap();
    let base = format!(
        "{}/session/{session}/webauthn/authenticator",
        b.driver.trim_end_matches('/')
    );
    let made: Value = reqwest::Client::new()
        .post(&base)
        .json(&json!({
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": true,
            "hasUserVerification": true, "isUserConsenting": true, "isUserVerified": true,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = made["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no authenticator: {made}"));
    format!("{base}/{id}")
}

async fn authenticator_credentials(authenticator: &str) -> Vec<Value> {
    let got: Value = reqwest::get(format!("{authenticator}/credentials"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    got["value"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_passkey_is_added_and_signs_in_in_chromium() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, _state, _) = spawn_at_localhost().await;
    let a = Browser::open(&driver, "passkey", 1280, 900).await;
    let authenticator = virtual_authenticator(&a).await;
    set_up_agency(&a, &base).await;
    a.click("security", "a[href='/account/security']").await;
    a.expect_text("security", "No passkeys yet.").await;
    // Without a name the browser's own validation stops it, before any ceremony.
    a.click("unnamed", "button[data-passkey=register]").await;
    assert!(authenticator_credentials(&authenticator).await.is_empty());
    a.fill("name", "#name", "Work laptop").await;
    a.click("add", "button[data-passkey=register]").await;
    a.expect_text("added", "Passkey added").await;
    // The first second factor brings recovery codes, shown once.
    a.expect_text("added", "Your recovery codes").await;
    holds(
        &a,
        "added",
        "return document.querySelectorAll('ul.codes li').length === 10 && document.querySelector('ul.passkeys').textContent.includes('Work laptop');",
        "ten recovery codes and the passkey listed",
    )
    .await;
    a.shot("added").await;
    let held = authenticator_credentials(&authenticator).await;
    assert_eq!(
        held.len(),
        1,
        "the authenticator holds one passkey: {held:?}"
    );
    assert_eq!(held[0]["rpId"], "localhost");
    // A second passkey from the same authenticator is refused by the browser itself: the
    // options exclude the one it holds.
    a.fill("again", "#name", "Same laptop").await;
    a.click("again", "button[data-passkey=register]").await;
    a.expect_text("again", "This device already holds a passkey for you here.")
        .await;
    assert_eq!(authenticator_credentials(&authenticator).await.len(), 1);

    a.click("logout", "form[action='/logout'] button").await;
    a.fill("login", "#email", "ava@agency.example").await;
    a.fill("login", "#password", PASSWORD).await;
    a.click("login", "form[action='/login'] button[type=submit]")
        .await;
    a.expect_text("second-step", "Use a passkey").await;
    // No app: the code box takes recovery codes only, and says so.
    a.expect_text("second-step", "Recovery code").await;
    a.shot("second-step").await;
    a.click("second-step", "button[data-passkey=sign-in]").await;
    a.expect_text("signed-in", "Ava Agency · Demo Agency").await;
    a.goto(&format!("{base}/account/security")).await;
    a.expect_text("used", "last used").await;
    let held = authenticator_credentials(&authenticator).await;
    assert!(
        held[0]["signCount"].as_u64().unwrap_or(0) >= 1,
        "the sign-in used the authenticator: {held:?}"
    );
    a.click(
        "remove",
        "form[action='/account/security/passkeys/remove'] button",
    )
    .await;
    a.expect_text("removed", "Passkey removed.").await;
    a.expect_text("removed", "No passkeys yet.").await;
    a.valid_html();
    a.client.close().await.ok();
}
