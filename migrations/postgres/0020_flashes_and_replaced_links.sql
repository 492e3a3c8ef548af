-- Post/Redirect/Get (issue 24): a link or secret made by a POST is shown on the page the POST
-- redirects to. It waits here, sealed, for that one person to read it once, for a few
-- minutes; a reload or the back button reads nothing new and repeats nothing.
CREATE TABLE flashes (
    -- 128 random bits, hex: the redirect's `?shown=` value.
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sealed TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX flashes_expiry ON flashes (expires_at);

-- A reminder or a fresh link replaces a request's token: the holder of the old link is told
-- it was replaced (and by whom to ask) instead of meeting a bare "not found".
CREATE TABLE replaced_links (
    token_hash TEXT PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES access_requests(id),
    replaced_at BIGINT NOT NULL
);
CREATE INDEX replaced_links_request ON replaced_links (request_id);

-- `request.expired` is told to webhooks once per link: this marks it told. Links that
-- expired before this migration are marked now, so an upgrade does not replay the past.
ALTER TABLE access_requests ADD COLUMN expiry_noted_at BIGINT;
UPDATE access_requests SET expiry_noted_at = expires_at
    WHERE expires_at <= CAST(EXTRACT(EPOCH FROM now()) AS BIGINT);
CREATE INDEX access_requests_unnoted_expiry ON access_requests (expires_at)
    WHERE expiry_noted_at IS NULL;
