-- When the agency's Meta token expires, as debug_token reported it at connect: NULL when
-- not connected (or connected before this was recorded), 0 when it never expires.
ALTER TABLE agencies ADD COLUMN meta_token_expires_at BIGINT;
