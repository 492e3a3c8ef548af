-- The agency's own Meta connection (a system-user token, sealed with the key file), used
-- to verify what Meta says is shared with the agency and to end partnerships.
ALTER TABLE agencies ADD COLUMN meta_token_sealed TEXT;
ALTER TABLE agencies ADD COLUMN meta_connected_at INTEGER;
ALTER TABLE agencies ADD COLUMN last_verified_at INTEGER;
