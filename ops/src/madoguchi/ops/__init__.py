"""The operator CLI `madoguchi` and the local stack."""
