"""The incident form of the web UI and what the incident pages show with it.

- :mod:`.incident_form`: the form (its fields read the input; the incident rules of
  :mod:`ulinzi.incidents.validation` are applied once, by the service that records it).
- :mod:`.field_errors`: the problems of those rules shown beside their fields.
- :mod:`.widgets`, :mod:`.layout`: how the form is drawn.
- :mod:`.labels`: field and figure labels for the incident page and its history.
"""
