"""Madoguchi translation service."""
