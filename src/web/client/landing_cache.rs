//! The link page's rendered HTML, kept per process so that a view costs one read and no
//! rendering. Every view still reads its link from the database (revocation is immediate
//! in every process); the page is reused only when what it was rendered from — every field
//! of that read, and the language — is exactly what this read returned, so a change to the
//! link, the agency's name or logo, the client or the sender shows at the next view.
//!
//! The raw token is never kept: pages are stored with a placeholder where the token goes
//! and the presented token is put back at each view (the database holds only hashes, and
//! so does this cache, which is keyed by request id and language).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use crate::actions::requests::LinkView;
use crate::i18n::Lang;

/// Stands for the token in a stored page: no token can contain it (base64url only).
pub const TOKEN_MARK: &str = "\u{1}token\u{1}";

/// Pages kept at most; past that the cache starts afresh (it is only a shortcut).
const CAP: usize = 512;

#[derive(Default)]
pub struct LandingCache {
    pages: Mutex<HashMap<(i64, Lang), (u64, Page)>>,
}

/// A page cut where the token goes, so a view joins the pieces instead of searching.
struct Page {
    pieces: Vec<String>,
    len: usize,
}

impl Page {
    fn cut(page: &str) -> Self {
        Self {
            pieces: page.split(TOKEN_MARK).map(str::to_owned).collect(),
            len: page.len(),
        }
    }

    fn with(&self, token: &str) -> String {
        let mut out = String::with_capacity(self.len + self.pieces.len() * token.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                out.push_str(token);
            }
            out.push_str(piece);
        }
        out
    }
}

/// What a page was rendered from, as one number.
pub fn fingerprint(view: &LinkView, lang: Lang) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    view.hash(&mut h);
    lang.hash(&mut h);
    h.finish()
}

impl LandingCache {
    /// The page for `view` in `lang` with `token` in place, if it was rendered from the same.
    pub fn get(&self, view: &LinkView, lang: Lang, token: &str) -> Option<String> {
        let print = fingerprint(view, lang);
        let pages = self.pages.lock().ok()?;
        let (kept, page) = pages.get(&(view.id, lang))?;
        (*kept == print).then(|| page.with(token))
    }

    /// Keeps `page` (rendered with [`TOKEN_MARK`] for the token) for `view` in `lang`, and
    /// returns it with `token` in place.
    pub fn put(&self, view: &LinkView, lang: Lang, page: &str, token: &str) -> String {
        let page = Page::cut(page);
        let shown = page.with(token);
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= CAP {
                pages.clear();
            }
            pages.insert((view.id, lang), (fingerprint(view, lang), page));
        }
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_page_gets_the_token_back_wherever_it_went() {
        for page in [
            "",
            "no token here",
            "\u{1}token\u{1}",
            "<a href=\"/r/\u{1}token\u{1}/start\">go</a> <form action=\"/r/\u{1}token\u{1}/decline\">",
            "\u{1}token\u{1}middle\u{1}token\u{1}",
        ] {
            assert_eq!(
                Page::cut(page).with("lkr_abc-DEF_123"),
                page.replace(TOKEN_MARK, "lkr_abc-DEF_123"),
                "{page:?}"
            );
        }
    }
}
