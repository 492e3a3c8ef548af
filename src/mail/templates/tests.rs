//! The templates' unit tests: every message renders, escapes, and says what it must.

use super::*;
use crate::domain::GrantStatus;
use crate::domain::access::AssetKind;
use crate::domain::migration::ReminderStage;
use crate::i18n::{Text, Tr};

fn brand() -> Brand {
    Brand {
        agency_name: "Acme <Agency>".into(),
        accent_color: "#2f5bea".into(),
    }
}

/// One message of every template, in English.
fn every_message(b: &Brand) -> Vec<OutgoingEmail> {
    let ask = AccessAsk {
        client_name: "Bloom".into(),
        sender_name: Some("Olivia".into()),
        asks: vec![Text::msg("ask-page-manage")],
        message: Some("Hi <b>there</b>".into()),
        link: "http://x.test/r/lkr_abc".into(),
        expires_at: 1_797_206_400, // 14 December 2026
        reauth: false,
    };
    let results = vec![AssetOutcome {
        asset_name: "Bloom Page".into(),
        kind: AssetKind::Page,
        status: GrantStatus::Active,
        reason: None,
    }];
    let due = Due {
        at: 1_798_761_600, // 1 January 2027
        estimate: false,
    };
    vec![
        invite(b, "a@x.test", "Olivia", "Member", "http://x.test/invite/t").unwrap(),
        password_reset(b, "a@x.test", "http://x.test/password/reset/t").unwrap(),
        access_link(Tr::EN, b, "a@x.test", &ask).unwrap(),
        request_reminder(Tr::EN, b, "a@x.test", &ask).unwrap(),
        request_opened(b, "a@x.test", "Bloom", "http://x.test/requests/1").unwrap(),
        access_approved(b, "a@x.test", "Bloom", &results, "http://x.test/requests/1").unwrap(),
        approval_receipt(Tr::EN, b, "a@x.test", "Bloom", &results).unwrap(),
        reauth_needed(
            Tr::EN,
            b,
            "a@x.test",
            Audience::Agency,
            "Bloom",
            &["Bloom Page".into()],
            due,
            Some("http://x.test/q"),
        )
        .unwrap(),
        reauth_needed(
            Tr::EN,
            b,
            "a@x.test",
            Audience::Client,
            "Bloom",
            &["Bloom Page".into()],
            due,
            None,
        )
        .unwrap(),
        deadline_reminder(
            b,
            "a@x.test",
            ReminderStage::SevenDays,
            "Bloom",
            2,
            "1 Jan 2027",
            "http://x.test/q",
        )
        .unwrap(),
        deadline_reminder(
            b,
            "a@x.test",
            ReminderStage::Overdue,
            "Bloom",
            2,
            "1 Jan 2027",
            "http://x.test/q",
        )
        .unwrap(),
        access_lost(
            b,
            "a@x.test",
            "Bloom",
            &["Bloom Page".into()],
            "http://x.test/clients/1",
        )
        .unwrap(),
    ]
}

#[test]
fn every_template_renders_and_escapes_html() {
    let all = every_message(&brand());
    for m in &all {
        assert!(!m.subject.is_empty());
        assert!(
            m.html.contains("Acme &#60;Agency&#62;") || m.html.contains("Acme &lt;Agency&gt;"),
            "{}",
            m.html
        );
        assert!(!m.html.contains("<b>there</b>"));
        assert!(m.text.contains("Latchkey, for Acme <Agency>"));
    }
    assert!(all[2].text.contains("http://x.test/r/lkr_abc"));
    assert!(all[2].text.contains("14 December 2026"));
    assert!(all[5].subject.contains("1 of 1 granted"));
}

#[test]
fn the_client_s_e_mails_are_in_their_language_the_agency_s_in_english() {
    let b = brand();
    let ask = AccessAsk {
        client_name: "Bloom".into(),
        sender_name: Some("Olivia".into()),
        asks: vec![Text::msg("ask-page-manage")],
        message: None,
        link: "http://x.test/r/lkr_abc".into(),
        expires_at: 1_797_206_400,
        reauth: false,
    };
    let es = Tr::new(crate::i18n::Lang::Es);
    let m = access_link(es, &b, "a@x.test", &ask).unwrap();
    assert!(m.subject.contains("Acme <Agency>"), "{}", m.subject);
    assert!(m.text.contains("14 de diciembre de 2026"), "{}", m.text);
    assert!(m.html.contains("<html lang=\"es\">"));
    assert!(!m.text.contains("Review and approve"), "{}", m.text);
    let receipt = approval_receipt(
        Tr::new(crate::i18n::Lang::De),
        &b,
        "a@x.test",
        "Bloom",
        &[AssetOutcome {
            asset_name: "Bloom Ads".into(),
            kind: AssetKind::AdAccount,
            status: GrantStatus::Failed,
            reason: Some(Text::msg("graph-permission")),
        }],
    )
    .unwrap();
    assert!(receipt.text.contains("Werbekonto"), "{}", receipt.text);
    let staff = access_approved(&b, "a@x.test", "Bloom", &[], "http://x.test/r").unwrap();
    assert!(staff.html.contains("<html lang=\"en\">"));
}
