DROP TABLE audit_shredded_sessions;
DROP TABLE audit_content_keys;
DROP FUNCTION audit_content_keys_no_update();
REVOKE SELECT ON schema_migrations FROM madoguchi_audit_app, madoguchi_audit_signer;
REVOKE ALL ON audit_events, audit_checkpoints FROM madoguchi_audit_signer;
GRANT INSERT ON audit_checkpoints TO madoguchi_audit_app;
