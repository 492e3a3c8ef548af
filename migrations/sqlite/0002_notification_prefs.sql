-- Which agency events each staff user wants by e-mail. A missing row means "the default"
-- (on), so new event kinds reach everyone until they opt out.
CREATE TABLE notification_prefs (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    PRIMARY KEY (user_id, event)
);
