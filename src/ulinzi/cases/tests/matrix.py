"""Objects behind the access matrix's placeholders for services, cases, referrals,
measures and complaints (tests/test_access_matrix.py), made only when a path needs them."""

from __future__ import annotations

from typing import Any


def placeholders(template: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "{service}" in template:
        out["service"] = _service().pk
    return out


def _service() -> Any:
    from ulinzi.accounts.models import Organisation
    from ulinzi.directory.models import Service, ServiceArea

    service = Service.objects.create(
        organisation=Organisation.objects.get(code="cluster"), name="Matrix clinic", kind="health"
    )
    ServiceArea.objects.create(service=service, country="UKR")
    return service
