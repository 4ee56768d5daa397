"""Madoguchi ingest service."""
