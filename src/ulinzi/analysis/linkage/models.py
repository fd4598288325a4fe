"""Linkage runs, cluster membership (with canonical pointers) and the review queue.

Nothing here changes a source report's content: membership and the canonical pointer
live in their own table; the only field of an incident a run sets is ``status``
("duplicate" for non-canonical members, restored when unlinked) and, on the canonical
record, a certainty raised under the SSA rule (the original is kept here and in the
incident's history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ulinzi.common.fields import EncryptedTextField
from ulinzi.incidents.models import Incident


class LinkRun(models.Model):
    """One run of the linkage over a scope (country, since)."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    country = models.CharField(max_length=3, blank=True, default="")
    since = models.DateField(null=True, blank=True)
    threshold = models.FloatField()
    reports = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    linked = models.PositiveIntegerField(default=0)
    unlinked = models.PositiveIntegerField(default=0)
    review_pairs = models.PositiveIntegerField(default=0)
    trained = models.BooleanField(default=False)
    # How the model came about: "trained on this data", or why not and what was used.
    training_note = models.TextField(blank=True, default="")
    model = models.JSONField(default=dict, blank=True)
    seconds = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"link run {self.pk} ({self.state})"


class ClusterMember(models.Model):
    """An incident report that belongs to a cluster of two or more reports.

    The canonical report of a cluster has a row pointing to itself. A report in no row is
    a cluster of one (its own canonical).
    """

    incident = models.OneToOneField(
        Incident, primary_key=True, on_delete=models.CASCADE, related_name="cluster_member"
    )
    canonical = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="cluster_members"
    )
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL)
    linked_at = models.DateTimeField(auto_now=True)
    # What the run changed on the incident, so unlinking restores it exactly.
    prior_status = models.CharField(max_length=10, blank=True, default="")
    own_certainty = models.CharField(max_length=12, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["canonical"])]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.canonical_id}"


class ClericalSample(models.Model):
    """A stratified random sample of scored pairs put into the review queue, so that
    people's decisions on it estimate the linkage's precision per score band
    (:mod:`.sample`)."""

    created_at = models.DateTimeField(auto_now_add=True)
    seed = models.BigIntegerField()
    # Organisation codes whose pairs were sampled (empty: every pair of two sources).
    organisations = models.JSONField(default=list, blank=True)
    # Per band ("0.50-0.70"): pairs scored in it and pairs drawn from it.
    bands = models.JSONField(default=dict, blank=True)
    threshold = models.FloatField()
    model_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"clerical sample {self.pk}"


class ReviewPair(models.Model):
    """A pair of reports whose match probability fell in the uncertain band, or a pair a
    coordinator decided on, or one drawn into a clerical sample. Decisions bind every
    later run."""

    class Decision(models.TextChoices):
        PENDING = "", _("Pending")
        CONFIRMED = "confirmed", _("Same incident")
        SPLIT = "split", _("Different incidents")

    left = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=list, blank=True)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sample = models.ForeignKey(
        ClericalSample, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    # The score band the pair was drawn from (its score then; later runs may move it).
    sample_band = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="unique_review_pair")]
        indexes = [models.Index(fields=["decision", "match_probability"])]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.decision or 'pending'})"
