"""Writes of the cases app, one module per concern (keyword-only, actor first)."""
