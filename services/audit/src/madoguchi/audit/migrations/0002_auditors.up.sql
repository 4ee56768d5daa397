-- Auditor accounts. Managed by operators (`madoguchi auditors add`) with the owner's DSN; the
-- service role may only read them.
CREATE TABLE auditors (
    auditor_id    text PRIMARY KEY CHECK (auditor_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role          text NOT NULL CHECK (role IN ('auditor', 'admin')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON auditors FROM PUBLIC;
GRANT SELECT ON auditors TO madoguchi_audit_app;
