"""Madoguchi redaction service."""
