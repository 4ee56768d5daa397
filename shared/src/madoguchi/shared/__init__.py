"""Madoguchi shared library: the contracts and plumbing every service relies on."""
