-- Fails if two senders already used the same event id: then keep version 4.
DROP INDEX audit_events_event_id;
DROP INDEX audit_events_sender_event;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_event_id_key UNIQUE (event_id);
ALTER TABLE audit_events ALTER COLUMN service DROP NOT NULL;
