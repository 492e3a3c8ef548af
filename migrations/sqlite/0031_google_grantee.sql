-- Where the agency's Google Analytics and Tag Manager access goes (issue 27): a Google group
-- the agency names (its connected account a member, so Latchkey can still read back what was
-- shared), or NULL for the connected account itself.
ALTER TABLE agencies ADD COLUMN google_grantee TEXT;
