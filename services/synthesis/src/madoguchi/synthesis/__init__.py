"""Madoguchi synthesis: speaks each translation in the listener's language."""
