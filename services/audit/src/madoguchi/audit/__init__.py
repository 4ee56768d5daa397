"""Madoguchi audit service."""
