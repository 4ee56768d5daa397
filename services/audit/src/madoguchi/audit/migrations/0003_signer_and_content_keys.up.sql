-- Separation of duties and crypto-shredding.
--
-- madoguchi_audit_signer: the checkpoint signer's role (its own login, its own key, its own
-- CronJob). It reads the trail and adds checkpoints; it cannot write events. The service role
-- loses INSERT on checkpoints: the pods that append events can no longer vouch for them.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'madoguchi_audit_signer') THEN
        CREATE ROLE madoguchi_audit_signer NOLOGIN;
    END IF;
END
$$;
REVOKE INSERT ON audit_checkpoints FROM madoguchi_audit_app;
GRANT SELECT ON audit_events, audit_checkpoints TO madoguchi_audit_signer;
GRANT INSERT ON audit_checkpoints TO madoguchi_audit_signer;

-- Which migrations ran: the service (which no longer migrates) refuses an old schema.
GRANT SELECT ON schema_migrations TO madoguchi_audit_app, madoguchi_audit_signer;

-- Per-session data keys of the sealed conversation content (madoguchi.audit.sealing). Outside
-- the hash chain on purpose: deleting a key shreds that session's content and every row hash
-- still verifies. Deleting is the only change allowed; a key is never replaced.
CREATE TABLE audit_content_keys (
    session_id     text PRIMARY KEY CHECK (session_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    data_key       bytea NOT NULL CHECK (length(data_key) = 32),
    created_at     timestamptz NOT NULL DEFAULT now(),
    readable_until timestamptz NOT NULL CHECK (readable_until > created_at)
);
CREATE INDEX audit_content_keys_due ON audit_content_keys (readable_until);

CREATE FUNCTION audit_content_keys_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'content keys are never changed, only destroyed'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_content_keys_no_update BEFORE UPDATE ON audit_content_keys
    FOR EACH ROW EXECUTE FUNCTION audit_content_keys_no_update();

-- Sessions whose content was shredded: content that arrives later (a backlog, work in flight)
-- is sealed under a key that is thrown away at once, never under a fresh readable key.
CREATE TABLE audit_shredded_sessions (
    session_id  text PRIMARY KEY CHECK (session_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    shredded_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON audit_content_keys, audit_shredded_sessions FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON audit_content_keys TO madoguchi_audit_app;
GRANT SELECT, INSERT ON audit_shredded_sessions TO madoguchi_audit_app;
