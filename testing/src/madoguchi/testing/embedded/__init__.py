"""Real NATS and PostgreSQL servers from PyPI wheels, for `madoguchi up` and the test fixtures."""
