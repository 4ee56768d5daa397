"""Versioned SQL migrations: `NNNN_name.up.sql` / `NNNN_name.down.sql`, applied by `migrate`."""
