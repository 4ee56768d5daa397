-- The append-only, hash-chained audit trail and its signed checkpoints.
-- `seq` is assigned by the single writer (under an advisory lock), never by a sequence, so a
-- rolled-back insert leaves no gap and a gap always means a deleted row.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'madoguchi_audit_app') THEN
        CREATE ROLE madoguchi_audit_app NOLOGIN;
    END IF;
END
$$;

CREATE TABLE audit_events (
    seq          bigint PRIMARY KEY CHECK (seq >= 1),
    event_id     text NOT NULL UNIQUE,
    event_type   text NOT NULL,
    subject      text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL,
    kind         text,
    action       text,
    outcome      text,
    service      text,
    session_id   text,
    device_id    text,
    staff_id     text,
    auditor_id   text,
    payload      text NOT NULL,   -- canonical JSON of the event, exactly the bytes hashed
    prev_hash    bytea NOT NULL CHECK (length(prev_hash) = 32),
    row_hash     bytea NOT NULL UNIQUE CHECK (length(row_hash) = 32)
);
CREATE INDEX audit_events_occurred ON audit_events (occurred_at, seq);
CREATE INDEX audit_events_session ON audit_events (session_id, seq) WHERE session_id IS NOT NULL;
CREATE INDEX audit_events_device ON audit_events (device_id, seq) WHERE device_id IS NOT NULL;
CREATE INDEX audit_events_staff ON audit_events (staff_id, seq) WHERE staff_id IS NOT NULL;
CREATE INDEX audit_events_kind ON audit_events (kind, seq);

CREATE TABLE audit_checkpoints (
    tree_size    bigint PRIMARY KEY CHECK (tree_size >= 0),
    root_hash    bytea NOT NULL CHECK (length(root_hash) = 32),
    head_hash    bytea NOT NULL CHECK (length(head_hash) = 32),
    signed_at    timestamptz NOT NULL,
    key_id       text NOT NULL,
    public_key   bytea NOT NULL CHECK (length(public_key) = 32),
    signature    bytea NOT NULL CHECK (length(signature) = 64)
);

CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();

REVOKE ALL ON audit_events, audit_checkpoints FROM PUBLIC;
GRANT SELECT, INSERT ON audit_events, audit_checkpoints TO madoguchi_audit_app;
