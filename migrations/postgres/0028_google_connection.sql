-- The agency's Google connection (issue 27): the Google account the agency signed in with
-- (its address receives Analytics access) and its refresh token, sealed with the
-- installation's key like the Meta token.
ALTER TABLE agencies ADD COLUMN google_refresh_sealed TEXT;
ALTER TABLE agencies ADD COLUMN google_email TEXT;
ALTER TABLE agencies ADD COLUMN google_connected_at BIGINT;
-- What the platform calls the grant itself, for removing it later by name: a GA4 access
-- binding's resource name (an agency that is not an administrator may remove its own
-- binding, but cannot list the property's bindings to find it). Empty for Meta.
ALTER TABLE grants ADD COLUMN platform_ref TEXT NOT NULL DEFAULT '';
