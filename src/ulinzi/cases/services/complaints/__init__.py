"""SEAH complaint handling, one module per concern: ``intake`` (recording a complaint),
``stages`` (stages with owners and deadlines, the outcome, overdue notices),
``victim_assistance`` (tracked apart from the stages), ``exchanges`` (messages with the
complainant) and ``investigation`` (the subject and internal notes)."""
