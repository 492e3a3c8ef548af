//! The client's language. Everything a client reads — the link's pages, the approval pages,
//! the reasons an asset could not be shared, and the four e-mails they receive — comes from
//! Fluent message files (`locales/<lang>/client.ftl`), compiled into the binary. Staff pages
//! stay in English.
//!
//! Which language a page is in, strongest first: the reader's own choice on the page
//! (`?lang=`, then remembered in a cookie), the language the agency set for the request (or
//! the one the approval started in), the browser's `Accept-Language`, English.

use std::borrow::{Borrow, Cow};
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use serde::{Deserialize, Serialize};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around placeables would end up in e-mail subjects and
        // attribute values; every language here is left-to-right.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language clients can read Latchkey in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Es,
    De,
    Fr,
    Nl,
    Pt,
}

impl Lang {
    pub const ALL: [Lang; 6] = [Self::En, Self::Es, Self::De, Self::Fr, Self::Nl, Self::Pt];

    /// The BCP 47 code, as stored and as put in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Nl => "nl",
            Self::Pt => "pt",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Es => "Español",
            Self::De => "Deutsch",
            Self::Fr => "Français",
            Self::Nl => "Nederlands",
            Self::Pt => "Português",
        }
    }

    /// A stored or typed code: `es`, `es-MX`, `PT_br` all name a language by its first part.
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The best of `Accept-Language` (q-values honoured) that Latchkey has, if any.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        accept_language::parse(header)
            .iter()
            .find_map(|tag| Self::parse(tag))
    }

    /// The identifier the loader looks messages up by: made at compile time, since every
    /// message a client page shows asks for it.
    fn id(self) -> &'static LanguageIdentifier {
        static IDS: [LanguageIdentifier; 6] = [
            langid!("en"),
            langid!("es"),
            langid!("de"),
            langid!("fr"),
            langid!("nl"),
            langid!("pt"),
        ];
        &IDS[self as usize]
    }
}

/// One piece of text for a client: a message of the files, with its arguments, or (for
/// text recorded before it had a message, and for Meta's own words) a literal. Kept as data
/// so a reason recorded once can be read in whichever language its reader uses; the
/// serialised form of a literal is a plain string, as such reasons were stored before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Text {
    Msg {
        id: Cow<'static, str>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        args: Vec<(String, String)>,
    },
    Literal(String),
}

impl Default for Text {
    fn default() -> Self {
        Self::Literal(String::new())
    }
}

impl Text {
    pub fn msg(id: impl Into<Cow<'static, str>>) -> Self {
        Self::Msg {
            id: id.into(),
            args: Vec::new(),
        }
    }

    /// The same message with one more argument.
    pub fn arg(mut self, name: &str, value: impl ToString) -> Self {
        if let Self::Msg { args, .. } = &mut self {
            args.push((name.to_owned(), value.to_string()));
        }
        self
    }

    /// In English: what staff, the audit log and agency e-mails read.
    pub fn en(&self) -> String {
        Tr::EN.text(self)
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Literal(s) if s.is_empty())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self::Literal(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::Literal(s.to_owned())
    }
}

/// A translator for one language, used by templates as `tr.t("id")`, `tr.t1("id", "k", v)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tr {
    pub lang: Lang,
}

type Args = HashMap<Cow<'static, str>, FluentValue<'static>>;

impl Tr {
    pub const EN: Tr = Tr { lang: Lang::En };

    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    fn lookup(&self, id: &str, args: Option<&Args>) -> String {
        match LOCALES.try_lookup_complete(self.lang.id(), id, args) {
            Some(s) => s,
            None => {
                // Every id is a literal in the code; a missing one is a bug the tests
                // (which render every client page) must catch, not a reader.
                debug_assert!(false, "no message {id:?}");
                tracing::error!(id, "missing message");
                id.to_owned()
            }
        }
    }

    pub fn t(&self, id: &str) -> String {
        self.lookup(id, None)
    }

    pub fn t1(&self, id: &str, k: &'static str, v: impl ToString) -> String {
        self.with(id, &[(k, Value::Str(v.to_string()))])
    }

    pub fn t2(
        &self,
        id: &str,
        k1: &'static str,
        v1: impl ToString,
        k2: &'static str,
        v2: impl ToString,
    ) -> String {
        self.with(
            id,
            &[
                (k1, Value::Str(v1.to_string())),
                (k2, Value::Str(v2.to_string())),
            ],
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn t3(
        &self,
        id: &str,
        k1: &'static str,
        v1: impl ToString,
        k2: &'static str,
        v2: impl ToString,
        k3: &'static str,
        v3: impl ToString,
    ) -> String {
        self.with(
            id,
            &[
                (k1, Value::Str(v1.to_string())),
                (k2, Value::Str(v2.to_string())),
                (k3, Value::Str(v3.to_string())),
            ],
        )
    }

    /// Every language, for the switcher.
    pub fn langs(&self) -> &'static [Lang] {
        &Lang::ALL
    }

    /// A message with any number of text arguments.
    pub fn args(&self, id: &str, args: &[(&'static str, &str)]) -> String {
        let values: Vec<(&'static str, Value)> = args
            .iter()
            .map(|(k, v)| (*k, Value::Str((*v).to_owned())))
            .collect();
        self.with(id, &values)
    }

    /// A message with a `count` argument, for its plural forms.
    /// (Templates pass references, Rust values: both are taken.)
    pub fn n(&self, id: &str, count: impl Borrow<usize>) -> String {
        self.with(id, &[("count", Value::Num(*count.borrow() as f64))])
    }

    fn with(&self, id: &str, args: &[(&'static str, Value)]) -> String {
        let map: Args = args
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Value::Str(s) => FluentValue::from(s.clone()),
                    Value::Num(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*k), value)
            })
            .collect();
        self.lookup(id, Some(&map))
    }

    /// A recorded [`Text`] in this language.
    pub fn text(&self, text: &Text) -> String {
        match text {
            Text::Literal(s) => s.clone(),
            Text::Msg { id, args } => {
                let map: Args = args
                    .iter()
                    .map(|(k, v)| (Cow::Owned(k.clone()), FluentValue::from(v.clone())))
                    .collect();
                self.lookup(id, Some(&map))
            }
        }
    }

    /// "1 December 2026", "1 de diciembre de 2026", "1. Dezember 2026": a day (Unix
    /// seconds, read in UTC) as this language writes it.
    pub fn day(&self, ts: impl Borrow<i64>) -> String {
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp(*ts.borrow()) else {
            return String::new();
        };
        let month = self.t(&format!("month-{}", u8::from(t.month())));
        self.with(
            "date-long",
            &[
                ("day", Value::Num(f64::from(t.day()))),
                ("month", Value::Str(month)),
                ("year", Value::Str(t.year().to_string())),
            ],
        )
    }
}

enum Value {
    Str(String),
    Num(f64),
}

/// The reader's preferences a request carries, before the request's own language is known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefs {
    /// `?lang=` on this request, or the cookie a past switch left.
    pub chosen: Option<Lang>,
    /// The browser's `Accept-Language`.
    pub browser: Option<Lang>,
}

impl Prefs {
    /// The language to use given what the request (or the approval) says, if anything.
    pub fn pick(&self, set: Option<Lang>) -> Lang {
        self.chosen.or(set).or(self.browser).unwrap_or_default()
    }
}

tokio::task_local! {
    /// The reader's language while a client page is being answered, for the pages that
    /// are rendered far from any handler (error pages).
    static CURRENT: Lang;
}

/// Runs `f` with `lang` as the language error pages use.
pub async fn scope<F: std::future::Future>(lang: Lang, f: F) -> F::Output {
    CURRENT.scope(lang, f).await
}

/// The language of the client page being answered (English elsewhere).
pub fn current() -> Tr {
    Tr::new(CURRENT.try_with(|l| *l).unwrap_or_default())
}

/// Whether a client page is being answered (so an error page offers no way into the
/// staff's side, which means nothing to a client).
pub fn on_client_page() -> bool {
    CURRENT.try_with(|_| ()).is_ok()
}

/// The message ids of one language's file: a message starts a line with its id (comments
/// start with `#`, continuations with spaces).
#[cfg(test)]
fn ids_of(lang: Lang) -> Vec<String> {
    let path = format!(
        "{}/locales/{}/client.ftl",
        env!("CARGO_MANIFEST_DIR"),
        lang.code()
    );
    let src = std::fs::read_to_string(&path).expect("the language's messages");
    assert!(
        fluent_templates::fluent_bundle::FluentResource::try_new(src.clone()).is_ok(),
        "{path} is not valid Fluent"
    );
    src.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_and_no_others() {
        let mut english = ids_of(Lang::En);
        assert!(english.len() > 100, "{} messages", english.len());
        english.sort();
        for lang in Lang::ALL {
            let mut ids = ids_of(lang);
            ids.sort();
            let missing: Vec<_> = english.iter().filter(|i| !ids.contains(i)).collect();
            let extra: Vec<_> = ids.iter().filter(|i| !english.contains(i)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, extra {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn the_english_words_for_kinds_are_the_staff_labels() {
        use crate::domain::access::AssetKind;
        for k in AssetKind::ALL {
            assert_eq!(Tr::EN.t(&format!("kind-{}", k.as_str())), k.label());
            assert_eq!(Tr::EN.t(&format!("kinds-{}", k.as_str())), k.plural_label());
        }
    }

    #[test]
    fn accept_language_is_read_with_its_weights() {
        assert_eq!(
            Lang::from_accept_language("ja, de;q=0.3, es-MX;q=0.8"),
            Some(Lang::Es)
        );
        assert_eq!(Lang::from_accept_language("pt-BR,pt;q=0.9"), Some(Lang::Pt));
        assert_eq!(Lang::from_accept_language("ja, zh"), None);
        assert_eq!(Lang::from_accept_language(""), None);
        assert_eq!(Lang::parse("NL_be"), Some(Lang::Nl));
        for l in Lang::ALL {
            assert_eq!(l.id().to_string(), l.code());
        }
    }

    #[test]
    fn the_reader_s_choice_beats_the_agency_s_which_beats_the_browser() {
        let p = Prefs {
            chosen: Some(Lang::Fr),
            browser: Some(Lang::De),
        };
        assert_eq!(p.pick(Some(Lang::Es)), Lang::Fr);
        let p = Prefs {
            chosen: None,
            browser: Some(Lang::De),
        };
        assert_eq!(p.pick(Some(Lang::Es)), Lang::Es);
        assert_eq!(p.pick(None), Lang::De);
        assert_eq!(Prefs::default().pick(None), Lang::En);
    }

    #[test]
    fn plurals_follow_each_language_s_rules() {
        // French counts 0 and 1 as singular, English only 1.
        let fr = Tr::new(Lang::Fr);
        let en = Tr::EN;
        assert_eq!(en.n("done-retry", 1), "Try again for the asset not shared");
        assert_eq!(
            en.n("done-retry", 3),
            "Try again for the 3 assets not shared"
        );
        assert!(
            fr.n("progress-assets", 0).ends_with("actif"),
            "{}",
            fr.n("progress-assets", 0)
        );
        assert!(en.n("progress-assets", 0).ends_with("assets"));
    }

    #[test]
    fn days_are_written_the_reader_s_way() {
        let ts = 1_796_083_200; // 2026-12-01 UTC
        assert_eq!(Tr::EN.day(ts), "1 December 2026");
        assert_eq!(Tr::new(Lang::Es).day(ts), "1 de diciembre de 2026");
        assert_eq!(Tr::new(Lang::De).day(ts), "1. Dezember 2026");
        assert_eq!(Tr::new(Lang::Fr).day(ts), "1er décembre 2026");
        assert_eq!(Tr::new(Lang::Nl).day(ts), "1 december 2026");
        assert_eq!(Tr::new(Lang::Pt).day(ts), "1 de dezembro de 2026");
    }

    #[test]
    fn recorded_texts_keep_old_plain_strings_and_new_messages() {
        let old: Text = serde_json::from_str("\"Meta said no.\"").unwrap();
        assert_eq!(old, Text::Literal("Meta said no.".into()));
        let t = Text::msg("reason-already-shared").arg("agency", "Bloom");
        let back: Text = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        assert_eq!(t.en(), "Already shared with Bloom.");
        assert_eq!(Tr::new(Lang::De).text(&t), "Bereits mit Bloom geteilt.");
    }
}
