"""Madoguchi recognition service."""
