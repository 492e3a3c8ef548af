//! The process's memory, kept flat under load.
//!
//! glibc's allocator gives each thread that meets contention an arena of its own, up to
//! eight per core, and keeps what those arenas once held. Latchkey runs a thread per
//! pooled SQLite connection besides tokio's workers, so a burst of work (the outbox and
//! the webhook senders at a thousand messages a second) leaves memory behind in a dozen
//! arenas. Measured with `LATCHKEY_BENCH_MESSAGES=40000 cargo bench --bench messages`
//! (SQLite): 66 MB at the highest without the cap, 43–49 MB with it, at the same rate.

/// Caps the allocator's arenas. Call first thing in `main`, before any thread starts
/// (arenas made earlier are kept). Does nothing where the allocator is not glibc's, or
/// when the operator chose with glibc's own `MALLOC_ARENA_MAX`.
pub fn cap_allocator_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a tuning parameter of glibc's allocator; it takes plain
    // integers, touches no Rust memory and is documented as safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
