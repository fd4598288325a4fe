"""KoboToolbox / ODK submissions (JSON export), with a field mapping.

A submission's keys are question paths (``group/question``). The mapping's ``columns``
may name the full path or the question name alone; questions named like incident fields
(``occurred_on``, ``country``, …) need no mapping. ``_geolocation`` gives lat/lon; the
submission's ``meta/instanceID`` (else ``_uuid``, else ``_id``) is its source id.
Select-multiple answers (space-separated codes) fill ``types`` and ``resources``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ulinzi.intake import values
from ulinzi.intake.formats import inference
from ulinzi.intake.formats.base import (
    Binding,
    Plan,
    Problem,
    TypeResolver,
    UnusableHeader,
    complete,
    converter_for,
    sum_totals,
)
from ulinzi.intake.formats.mapped import Mapping
from ulinzi.intake.formats.names import header_target
from ulinzi.intake.readers import flatten

ID_KEYS = ("meta/instanceID", "meta/instanceId", "_uuid", "instanceID", "__id", "_id")
METADATA = frozenset(
    {
        "_id", "_uuid", "_submission_time", "_status", "_attachments", "_notes", "_tags",
        "_validation_status", "__version__", "_xform_id_string", "_submitted_by",
        "formhub/uuid", "meta/rootUuid", "meta/deprecatedID", "start", "end", "today",
        "deviceid", "simserial", "subscriberid", "phonenumber", "username", "_version_",
        "__system/submissionDate", "__system/submitterId", "__system/status", "__id",
        "meta/instanceName", "_geolocation",
    }
)  # fmt: skip


class KoboPlan(Plan):
    """Resolves each question path the first time a submission carries it."""

    def __init__(
        self, sample: Iterable[dict[str, Any]], mapping: Mapping, domain: str | None
    ) -> None:
        self.mapping = mapping
        self.extra = mapping.values
        self.resolved: dict[str, Binding | None] = {}
        self.id_key: str | None = None
        self.counts: set[str] = set()
        keys: list[str] = []
        for record in sample:
            keys.extend(k for k in flatten(record) if k not in keys)
        super().__init__(fmt="kobo", header=keys, bindings=[], header_rows=0)
        targets = {b.target for b in (self._resolve(k) for k in keys) if b is not None}
        mapped = {t for t in mapping.columns.values() if t}
        if "source_id" not in targets | mapped:
            self.id_key = next((k for k in ID_KEYS if k in keys), None)
            if self.id_key in self.unknown:
                self.unknown.remove(self.id_key)
            if self.id_key is not None:
                self.notes.append(f"{self.id_key!r} is each submission's source id")
        self.defaults = dict(mapping.defaults)
        if "domain" not in targets | mapped | set(self.defaults):
            if domain is None:
                raise UnusableHeader("no question gives the domain: pass --domain")
            self.defaults["domain"] = domain
        have = targets | mapped | set(self.defaults)
        missing = [f for f in ("occurred_on", "country") if f not in have]
        if missing:
            raise UnusableHeader(
                f"no question gives {' or '.join(missing)}: map one in the mapping file "
                f"(questions seen: {', '.join(keys[:40]) or 'none'})"
            )
        self.resolver = TypeResolver(self.extra.get("types"))
        self.counts.update(t for t in mapped if t in inference.COUNT_TARGETS)

    def _resolve(self, key: str) -> Binding | None:
        if key in self.resolved:
            return self.resolved[key]
        short = key.rsplit("/", 1)[-1]
        named, target = self.mapping.target(key)
        if not named:
            named, target = self.mapping.target(short)
        if not named and key not in METADATA:
            target = header_target(short)
            if target is None and not short.startswith("_"):
                self.unknown.append(key)
        elif key in METADATA and not named:
            target = None
        if target == "x_country_name":
            target = "country"
        elif target is not None and target.startswith("x_"):
            target = None
        binding = None
        if target is not None:
            binding = Binding(key, key, target, converter_for(target, self.extra))
            self.bindings.append(binding)
            self.field_columns.setdefault(target, key)
            self.counts.update({target} & inference.COUNT_TARGETS)
        self.resolved[key] = binding
        return binding

    def convert(self, row: Any) -> tuple[dict[str, Any], list[Problem]]:
        flat = flatten(row)
        data = dict(self.defaults)
        problems: list[Problem] = []
        for key, value in flat.items():
            binding = self.resolved[key] if key in self.resolved else self._resolve(key)
            if binding is None:
                continue
            if isinstance(value, list) and binding.target not in ("types", "resources"):
                problems.append(
                    Problem(key, value, "is a repeated group; map single answers", binding.target)
                )
                continue
            try:
                data[binding.target] = binding.convert(value)
            except ValueError as exc:
                problems.append(Problem(key, value, str(exc), binding.target))
        if self.id_key is not None and flat.get(self.id_key) not in (None, ""):
            data["source_id"] = values.text(flat[self.id_key])
        point = flat.get("_geolocation")
        if "lat" not in data and isinstance(point, list) and len(point) == 2 and point[0]:
            data["lat"], data["lon"] = values.number(point[0]), values.number(point[1])
        complete(data, problems, self, self.resolver)
        sum_totals(data, self.counts)
        return data, problems
