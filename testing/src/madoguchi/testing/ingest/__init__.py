"""Test support for ingest: an in-process server harness and the audio corpus (as the shared
library ships `madoguchi.testing`)."""
