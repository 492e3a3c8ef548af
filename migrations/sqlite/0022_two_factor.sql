-- Two-factor sign-in (issue 25): a TOTP secret per person (sealed; confirmed once a code
-- from the app matched; the last step used, so a code works once), ten single-use recovery
-- codes kept as hashes, and an agency's choice to require it. Sessions remember where they
-- started, for the sessions page.
CREATE TABLE totp_factors (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    confirmed_at INTEGER,
    last_step INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
ALTER TABLE agencies ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
-- When the person last proved it was them (signing in, or re-entering the password): keys,
-- webhooks, roles, removals and the Meta connection need it within 15 minutes.
ALTER TABLE sessions ADD COLUMN confirmed_at INTEGER NOT NULL DEFAULT 0;
