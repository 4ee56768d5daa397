"""Test harness: real NATS JetStream and PostgreSQL servers as pytest fixtures (plugin.py)."""
