REVOKE ALL ON auditors FROM madoguchi_audit_app;
DROP TABLE auditors;
