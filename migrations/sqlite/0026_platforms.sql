-- The platform seam (issue 26): every grant names its platform, and every request the
-- platforms its asks cover ("meta", later "meta,google"). Existing rows are Meta's. The
-- radar reads grants, so its rows carry the grant's platform.
ALTER TABLE grants ADD COLUMN platform TEXT NOT NULL DEFAULT 'meta';
ALTER TABLE access_requests ADD COLUMN platforms TEXT NOT NULL DEFAULT 'meta';
