"""Writes for deconfliction, one module per step: ``registration`` (sites and movements,
the lead time, removal requests), ``sending`` (review and send to the parties, removal
notices) and ``acknowledgement`` (by the parties' focal points).

Every step that concerns a notification appends an :class:`Event` (who, when, what),
which is never changed or deleted: a dispute needs the record.
"""
