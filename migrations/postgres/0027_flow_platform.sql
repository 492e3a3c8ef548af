-- One flow per platform of a request (issue 26): a link asking for Meta and Google assets
-- signs in with each platform in a flow of its own. Existing flows are Meta's.
ALTER TABLE approval_flows ADD COLUMN platform TEXT NOT NULL DEFAULT 'meta';
