"""The roles a user can hold within an organisation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    CASE_WORKER = "case_worker", _("Case worker")
    INVESTIGATOR = "investigator", _("Investigator")
    MONITOR = "monitor", _("Protection monitor")
    REPORTER = "reporter", _("Reporter (health worker)")
    PARTY_FOCAL_POINT = "party_focal_point", _("Party focal point")


ALL_ROLES: tuple[str, ...] = tuple(r.value for r in Role)
