-- Event ids are unique per sender, not across all senders (event-id squatting): ids derived by
-- the conversation stages are predictable, so with one global UNIQUE a compromised service
-- could store an event under the id redaction will use next, and redaction's real event would
-- be dropped as a duplicate. The sender is the `service` column (its subject and payload agree,
-- or the event is refused before it is stored).
ALTER TABLE audit_events ALTER COLUMN service SET NOT NULL;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_event_id_key;
CREATE UNIQUE INDEX audit_events_sender_event ON audit_events (service, event_id);
CREATE INDEX audit_events_event_id ON audit_events (event_id);
