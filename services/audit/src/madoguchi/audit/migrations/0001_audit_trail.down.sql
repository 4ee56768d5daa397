-- Drops the trail (only for tearing down a test or a fresh install: it destroys evidence).
-- The role is cluster-wide and may hold grants in other databases, so it is left in place.
REVOKE ALL ON audit_events, audit_checkpoints FROM madoguchi_audit_app;
DROP TABLE audit_checkpoints;
DROP TABLE audit_events;
DROP FUNCTION audit_reject_change();
