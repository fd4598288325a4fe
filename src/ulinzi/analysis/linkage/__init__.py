"""Linkage of duplicate incident reports across sources (a Django app, label ``linkage``)."""
