"""Reads of the cases app, scoped by the acting user; case reads are audited."""
