//! Files at rest readable by the operator's account only: the data dir is 0700, and the
//! database, its WAL/SHM, the key file, mail files and the sandbox's state are 0600.
//! E-mail files carry capability links and the database holds sealed tokens, so no other
//! local account may read them, whatever the umask.

use std::path::Path;

/// Creates `dir` (and its parents) if needed and makes it 0700.
pub fn ensure_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Makes an existing file 0600 (no-op when it does not exist).
pub fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Creates (or truncates) `path` as 0600 and writes `contents`.
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(contents)?;
    // A file that existed with wider bits keeps them through open(): narrow them.
    restrict(path)
}

/// Prepares a SQLite database file as 0600 before SQLite opens it: SQLite gives its WAL
/// and shared-memory files the database file's permissions.
pub fn prepare_sqlite(db_file: &Path) -> std::io::Result<()> {
    if !db_file.exists() {
        write(db_file, b"")?;
    }
    restrict(db_file)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = db_file.as_os_str().to_owned();
        name.push(suffix);
        restrict(Path::new(&name))?;
    }
    Ok(())
}
