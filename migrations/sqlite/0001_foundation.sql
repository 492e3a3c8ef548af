-- Foundation schema: agencies (tenants), their staff, sessions, one-time tokens,
-- login throttling, clients, the audit log and the email outbox.
-- Portable rules (see PORTABLE_SQL.md): integers are Unix seconds or 0/1 flags,
-- ids are INTEGER PRIMARY KEY here and BIGINT IDENTITY on PostgreSQL.

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- The Meta business portfolio that receives partner access; digits only.
    portfolio_id TEXT,
    accent_color TEXT NOT NULL DEFAULT '#2f5bea',
    -- Days a request may stay unopened before the automatic reminder.
    reminder_days INTEGER NOT NULL DEFAULT 3,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    -- Stored lower-cased; unique across the installation so login needs no agency picker.
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX users_agency ON users(agency_id);

-- Only the SHA-256 of a session id is stored, so a database leak yields no usable cookie.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Invitations and password resets: single use, hashed, expiring.
CREATE TABLE auth_tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX auth_tokens_agency ON auth_tokens(agency_id, kind);

-- Failed-login counters, keyed 'acct:<email>' or 'ip:<address>'. Shared through the
-- database so several processes throttle as one.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL
);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    -- Lower-cased copy of name for portable case-insensitive search.
    name_key TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    notes TEXT NOT NULL,
    archived_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX clients_agency_name ON clients(agency_id, name_key, id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    -- NULL for events that belong to no agency yet (a failed login for an unknown address).
    agency_id INTEGER REFERENCES agencies(id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_agency ON audit_log(agency_id, id);

-- Transactional outbox: rows are written in the same transaction as the change that
-- causes them and delivered by the worker, which claims them with a lease.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER REFERENCES agencies(id),
    kind TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
