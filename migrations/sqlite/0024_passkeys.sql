-- Passkeys (issue 25), a second factor beside the authenticator app. `passkey` is
-- webauthn-rs's record of the credential (public key, counter; nothing secret);
-- `user_handle` is what the authenticator files the person's passkeys under, random and
-- the same for all of one person's. A ceremony's server half (its challenge) waits in
-- `passkey_ceremonies` for the browser's answer: one per person and purpose, used once,
-- five minutes at most.
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    user_handle TEXT NOT NULL,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX passkeys_user ON passkeys (user_id);
CREATE TABLE passkey_ceremonies (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, purpose)
);
