-- The Merkle frontier at each checkpoint (its peaks, 32 bytes each): the signer resumes there
-- and rehashes only the rows added since, instead of the whole trail every five minutes. It is
-- not signed, and needs no trust: the signer uses it only when it hashes to the checkpoint's
-- signed root (otherwise it verifies the whole trail).
ALTER TABLE audit_checkpoints ADD COLUMN frontier bytea;
