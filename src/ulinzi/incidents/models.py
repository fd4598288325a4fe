"""The incident record: what happened, where, when, to whom, by whom; and its history.

Person-identifying data never sits here; it lives in case files.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.common.fields import EncryptedJSONField, EncryptedTextField
from ulinzi.common.versioning import version_field

COUNT_KINDS = ("killed", "injured", "abducted", "arrested", "detained")
COUNT_GROUPS = ("", "_health_workers", "_patients", "_children")
COUNT_FIELDS: tuple[str, ...] = tuple(k + g for k in COUNT_KINDS for g in COUNT_GROUPS)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class Incident(models.Model):
    """One report of one incident, as given by one organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Not indexed alone: (organisation, dataset, source_id) and (organisation, domain, status) lead
    # with it. Each index slows every import; the dashboard reads IncidentFact instead.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incidents", db_index=False
    )
    # The dataset of the organisation the record came from ("" = its default dataset: the
    # API, the forms, files of no known family): source ids are unique within one, so a
    # publisher reusing its ids across its datasets never makes two records collide.
    dataset = models.CharField(max_length=60, blank=True, default="")
    # NULL (not "") when absent, so the unique constraint allows many records without one.
    source_id = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    # The publisher's id of the event, shared by its datasets (SiND Event ID): for linkage.
    event_id = models.CharField(max_length=120, blank=True, default="")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_incidents",
    )
    domain = models.CharField(max_length=24)
    types = models.JSONField(default=list, blank=True)
    occurred_on = models.DateField(db_index=True)
    occurred_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    occurred_time = models.CharField(max_length=20, blank=True, default="")
    country = models.CharField(max_length=3)  # indexed with occurred_on
    admin1_pcode = models.CharField(max_length=40, blank=True, default="")
    admin1_name = models.CharField(max_length=120, blank=True, default="")
    admin2_pcode = models.CharField(max_length=40, blank=True, default="")
    admin2_name = models.CharField(max_length=120, blank=True, default="")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    geo_precision = models.CharField(max_length=20, blank=True, default="")
    cause = models.CharField(max_length=24, default="unknown")
    certainty = models.CharField(max_length=12, blank=True, default="")
    perpetrator = models.CharField(max_length=32, blank=True, default="")
    resources = models.JSONField(default=list, blank=True)
    facility_type = models.CharField(max_length=24, blank=True, default="")
    narrative = EncryptedTextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    # Verification note or rejection reason: may retell the story, so read like the narrative.
    status_reason = EncryptedTextField(blank=True, default="")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verified_incidents",
        db_index=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # The source row exactly as imported, narrative columns included.
    raw_source = EncryptedJSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()  # one more at every change: the API's ETag

    killed = models.PositiveIntegerField(null=True, blank=True)
    killed_health_workers = models.PositiveIntegerField(null=True, blank=True)
    killed_patients = models.PositiveIntegerField(null=True, blank=True)
    killed_children = models.PositiveIntegerField(null=True, blank=True)
    injured = models.PositiveIntegerField(null=True, blank=True)
    injured_health_workers = models.PositiveIntegerField(null=True, blank=True)
    injured_patients = models.PositiveIntegerField(null=True, blank=True)
    injured_children = models.PositiveIntegerField(null=True, blank=True)
    abducted = models.PositiveIntegerField(null=True, blank=True)
    abducted_health_workers = models.PositiveIntegerField(null=True, blank=True)
    abducted_patients = models.PositiveIntegerField(null=True, blank=True)
    abducted_children = models.PositiveIntegerField(null=True, blank=True)
    arrested = models.PositiveIntegerField(null=True, blank=True)
    arrested_health_workers = models.PositiveIntegerField(null=True, blank=True)
    arrested_patients = models.PositiveIntegerField(null=True, blank=True)
    arrested_children = models.PositiveIntegerField(null=True, blank=True)
    detained = models.PositiveIntegerField(null=True, blank=True)
    detained_health_workers = models.PositiveIntegerField(null=True, blank=True)
    detained_patients = models.PositiveIntegerField(null=True, blank=True)
    detained_children = models.PositiveIntegerField(null=True, blank=True)
    # Counts by victim group beyond the fields above, and by sex and age (see victims.py).
    victims = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dataset", "source_id"], name="unique_source_per_dataset"
            )
        ]
        indexes = [
            models.Index(fields=["country", "occurred_on"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["organisation", "domain", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.domain} {self.country} {self.occurred_on}"


class IncidentTerm(models.Model):
    """One type or resource code of an incident, for filtering and aggregation.

    ``Incident.types`` and ``Incident.resources`` are what the API returns; these rows
    mirror them (written by :mod:`ulinzi.incidents.writes` only, with the incident) so
    both databases can filter and group by code with plain joins.
    """

    class Kind(models.TextChoices):
        TYPE = "type"
        RESOURCE = "resource"

    # Not indexed alone: the unique (incident, kind, code) leads with it.
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="terms", db_index=False
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    code = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind", "code"], name="unique_term")
        ]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class IncidentChange(models.Model):
    """One change to an incident: who, when, what (old → new per field)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=20)
    # Old → new per field; a sensitive field's values are never kept, only that it changed.
    changes = models.JSONField(default=dict)
    reason = EncryptedTextField(blank=True, default="")  # verification note, rejection reason
    # The whole record as it was before a re-import changed it (narrative and source row
    # included, hence encrypted); None for every other change.
    previous = EncryptedJSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.username} at {self.at}"


class IncidentFact(models.Model):
    """A narrow copy of one incident for counting: every dimension the dashboard filters or
    groups by as a small integer (see :mod:`ulinzi.incidents.facts`), types and resources
    as bit masks, people harmed as plain sums (NULL where not recorded).

    Values come from :func:`ulinzi.incidents.facts.fact_values` alone. Written by
    :mod:`ulinzi.incidents.writes` in the transaction of each write of incidents (and
    by any ``save()`` of an incident, :mod:`ulinzi.incidents.apps`); rebuilt whole by
    :func:`ulinzi.incidents.facts.rebuild`. ``ulinzi facts check`` compares it with the
    incidents."""

    incident = models.OneToOneField(
        Incident, primary_key=True, on_delete=models.CASCADE, related_name="fact"
    )
    organisation_id = models.IntegerField()
    reported_by_id = models.IntegerField(null=True)
    status = models.SmallIntegerField()
    domain = models.SmallIntegerField()
    country = models.SmallIntegerField()
    cause = models.SmallIntegerField()
    certainty = models.SmallIntegerField()
    perpetrator = models.SmallIntegerField()
    occurred_on = models.DateField()
    month = models.IntegerField()  # year * 12 + month - 1
    week = models.IntegerField()  # whole weeks since Monday 2000-01-03
    area = models.BigIntegerField()  # FactArea.key; 0 = no first-level area recorded
    types = models.BigIntegerField()
    resources = models.BigIntegerField()
    # People harmed: NULL where the incident records no such count (not recorded is
    # not 0); a group's people, the sum of the group's recorded counts, NULL when none.
    killed = models.IntegerField(null=True)
    injured = models.IntegerField(null=True)
    abducted = models.IntegerField(null=True)
    arrested = models.IntegerField(null=True)
    detained = models.IntegerField(null=True)
    people_children = models.IntegerField(null=True)
    people_health_workers = models.IntegerField(null=True)
    people_patients = models.IntegerField(null=True)
    cell_lat = models.SmallIntegerField(null=True)  # 0.1° grid cell, floor(lat * 10)
    cell_lon = models.SmallIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["country", "occurred_on"], name="fact_country_date")]

    def __str__(self) -> str:
        return f"fact of {self.incident_id}"


class FactArea(models.Model):
    """A first-level area as recorded (P-code and name), keyed by a hash of both."""

    key = models.BigIntegerField(primary_key=True)
    pcode = models.CharField(max_length=40, blank=True, default="")
    name = models.CharField(max_length=120, blank=True, default="")

    def __str__(self) -> str:
        return self.name or self.pcode
