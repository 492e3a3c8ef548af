//! The templates' unit tests: every message renders, escapes, and says what it must.

use super::*;

fn brand() -> Brand {
    Brand {
        agency_name: "Acme <Agency>".into(),
        accent_color: "#2f5bea".into(),
    }
}

#[test]
fn every_template_renders_and_escapes_html() {
    let b = brand();
    let ask = AccessAsk {
        client_name: "Bloom".into(),
        sender_name: "Olivia".into(),
        asks: vec!["Manage your Facebook Pages".into()],
        message: Some("Hi <b>there</b>".into()),
        link: "http://x.test/r/lkr_abc".into(),
        expires_on: "14 December 2026".into(),
    };
    let results = vec![AssetOutcome {
        asset_name: "Bloom Page".into(),
        kind_label: "Facebook Page".into(),
        outcome: "granted".into(),
        reason: None,
    }];
    let all = vec![
        invite(&b, "a@x.test", "Olivia", "Member", "http://x.test/invite/t").unwrap(),
        password_reset(&b, "a@x.test", "http://x.test/password/reset/t").unwrap(),
        access_link(&b, "a@x.test", &ask).unwrap(),
        request_reminder(&b, "a@x.test", &ask).unwrap(),
        request_opened(&b, "a@x.test", "Bloom", "http://x.test/requests/1").unwrap(),
        access_approved(
            &b,
            "a@x.test",
            "Bloom",
            &results,
            "http://x.test/requests/1",
        )
        .unwrap(),
        approval_receipt(&b, "a@x.test", "Bloom", &results).unwrap(),
        reauth_needed(
            &b,
            "a@x.test",
            Audience::Agency,
            "Bloom",
            &["Bloom Page".into()],
            "1 Jan 2027",
            Some("http://x.test/q"),
        )
        .unwrap(),
        reauth_needed(
            &b,
            "a@x.test",
            Audience::Client,
            "Bloom",
            &["Bloom Page".into()],
            "1 Jan 2027",
            None,
        )
        .unwrap(),
        deadline_reminder(
            &b,
            "a@x.test",
            ReminderStage::SevenDays,
            "Bloom",
            2,
            "1 Jan 2027",
            "http://x.test/q",
        )
        .unwrap(),
        deadline_reminder(
            &b,
            "a@x.test",
            ReminderStage::Overdue,
            "Bloom",
            2,
            "1 Jan 2027",
            "http://x.test/q",
        )
        .unwrap(),
        access_lost(
            &b,
            "a@x.test",
            "Bloom",
            &["Bloom Page".into()],
            "http://x.test/clients/1",
        )
        .unwrap(),
    ];
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
    assert!(all[5].subject.contains("1 of 1 assets granted"));
}
