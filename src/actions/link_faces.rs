//! What a link page shows of the agency, the client and the sender, kept per process for a
//! second, so that a link view costs one indexed read of one table (the request's row,
//! which decides whether the link is live and is never kept). A change made in this process
//! (a rename, a new logo, a person leaving) forgets every kept face at once; another
//! process shows it from the next second on (a face is kept only within the second it was
//! read, on the one clock, so tests move it rather than wait). Branding may be a second
//! stale; a revoked link never is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::links::{LinkFace, LinkWords};

/// Faces kept at most; past that the cache starts afresh (it is only a shortcut).
const CAP: usize = 4096;

/// (agency, client, sender).
type Key = (i64, i64, Option<i64>);

/// Each request's words, which never change once written: kept for good (up to [`CAP`]).
#[derive(Default)]
pub struct LinkWordsKept(Mutex<HashMap<i64, LinkWords>>);

impl LinkWordsKept {
    pub fn get(&self, id: i64) -> Option<LinkWords> {
        self.0.lock().ok()?.get(&id).cloned()
    }

    pub fn put(&self, id: i64, words: LinkWords) {
        if let Ok(mut kept) = self.0.lock() {
            if kept.len() >= CAP {
                kept.clear();
            }
            kept.insert(id, words);
        }
    }
}

#[derive(Default)]
pub struct LinkFaces {
    kept: Mutex<HashMap<Key, (i64, u64, LinkFace)>>,
    /// Bumped by every change a face shows; a face kept under an older one is stale.
    generation: AtomicU64,
}

impl LinkFaces {
    /// The kept face for `key`, if read under the current generation in this second (`now`).
    pub fn get(&self, key: Key, now: i64) -> Option<LinkFace> {
        let generation = self.generation.load(Ordering::Acquire);
        let kept = self.kept.lock().ok()?;
        let (at, g, face) = kept.get(&key)?;
        (*g == generation && *at == now).then(|| face.clone())
    }

    /// The generation to read a face under: take it before the read, so a change that lands
    /// during the read makes the face stale rather than kept as fresh.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `face`, read at `now` under `generation`.
    pub fn put(&self, key: Key, generation: u64, now: i64, face: LinkFace) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= CAP {
                kept.clear();
            }
            kept.insert(key, (now, generation, face));
        }
    }

    /// A change a link page shows was made in this process: every kept face is stale.
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}
