//! Reads made on the calling thread, on SQLite alone: the client's link page.
//!
//! sqlx gives each SQLite connection a thread of its own, so every statement is a message to
//! that thread and an answer back: two thread switches, which cost more than the indexed
//! read they carry. The link page reads its request's row on every view (a revoked link is
//! refused on the very next view, in every process), so that one read is made here instead,
//! on the task's own thread, with connections of this module's own.
//!
//! It holds the task's thread for the read alone: a WAL reader never waits for the writer,
//! the read is one index lookup (microseconds from SQLite's page cache, the time of an
//! `fcntl` or two), and the busy timeout is zero, so a read that would have to wait (another
//! connection recovering the WAL after a crash) fails at once and the caller asks the pool
//! instead. The connections are read-only (`query_only`), and each sees every transaction
//! committed before its read began, like any pooled one.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// Connections kept between reads. A read never awaits, so no more can be in use at once
/// than there are threads running tasks (the runtime's workers, two on this machine's kind).
const KEPT: usize = 4;

/// SQLite connections for reads on the calling thread (see the module's comment).
#[derive(Debug)]
pub struct InlineReads {
    file: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl InlineReads {
    /// Reads from the database `file`; connections open at the first read.
    pub fn new(file: PathBuf) -> Self {
        Self {
            file,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on an idle connection, opening one when none is.
    pub fn with<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let kept = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match kept {
            Some(conn) => conn,
            None => self.open()?,
        };
        let out = read(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < KEPT {
            idle.push(conn);
        }
        out
    }

    /// How many connections wait for the next read.
    pub fn kept(&self) -> usize {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // No CREATE: the pool has made the file and its schema before any read.
        let conn = Connection::open_with_flags(
            &self.file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::ZERO)?;
        conn.pragma_update(None, "query_only", true)?;
        // As the pool's connections: memory stays flat as tables grow.
        conn.pragma_update(None, "cache_size", super::SQLITE_CACHE_SIZE)?;
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> (PathBuf, Connection) {
        let dir = std::env::temp_dir().join(format!(
            "latchkey-inline-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.db");
        let writer = Connection::open(&file).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER);
                 INSERT INTO t VALUES ('a', 1);",
            )
            .unwrap();
        (file, writer)
    }

    fn value(c: &Connection) -> rusqlite::Result<i64> {
        c.prepare_cached("SELECT v FROM t WHERE k = $1")?
            .query_row(["a"], |r| r.get(0))
    }

    #[test]
    fn a_kept_connection_sees_what_was_committed_after_it_opened() {
        let (file, writer) = database();
        let reads = InlineReads::new(file);
        assert_eq!(reads.with(value).unwrap(), 1);
        writer.execute("UPDATE t SET v = 2", []).unwrap();
        assert_eq!(
            reads.with(value).unwrap(),
            2,
            "a stale read from a kept connection"
        );
        assert_eq!(reads.kept(), 1, "the connection was kept");
    }

    #[test]
    fn the_connections_cannot_write() {
        let (file, _writer) = database();
        let reads = InlineReads::new(file);
        let err = reads
            .with(|c| c.execute("UPDATE t SET v = 3", []))
            .unwrap_err();
        assert!(err.to_string().contains("readonly"), "{err}");
        assert_eq!(reads.with(value).unwrap(), 1);
    }

    #[test]
    fn a_read_that_would_wait_fails_at_once() {
        let (file, writer) = database();
        // An exclusive lock: what a reader meets while another connection recovers the WAL.
        writer
            .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;")
            .unwrap();
        let reads = InlineReads::new(file);
        let started = std::time::Instant::now();
        let err = reads.with(value).unwrap_err();
        assert_eq!(
            err.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(1), "it waited");
    }
}
