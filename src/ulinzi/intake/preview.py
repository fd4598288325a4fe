"""What importing a file would do, shown before anything is written.

The file is opened exactly as an import opens it (:func:`imports.open_import`) and its
first rows go through the import's own row loop (:class:`Pipeline`) as a dry run, one row
per batch, so each row's outcome (created, updated, unchanged, rejected, blank), values
and problems are the ones the import would give.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from ulinzi.accounts.models import Organisation
from ulinzi.incidents.validation import EDITABLE_FIELDS
from ulinzi.intake import readers
from ulinzi.intake import rejects as rejectlog
from ulinzi.intake.formats.base import Plan
from ulinzi.intake.imports import ImportFailed, open_import
from ulinzi.intake.pipeline import Pipeline
from ulinzi.intake.progress import Progress
from ulinzi.intake.store import Counts, Held, Pending, Store

ROWS = 10
SHOWN_TEXT = 80
HIDDEN_FIELDS = ("narrative",)


@dataclass(frozen=True)
class ColumnUse:
    """What one source column becomes: ``kind`` is field, derived, ignored, unknown
    or rules (read by the format's own rules)."""

    column: str
    kind: str
    target: str = ""
    note: str = ""


@dataclass
class PreviewRow:
    row: int
    outcome: str  # created, updated, unchanged, held, rejected, blank
    cells: list[str] = field(default_factory=list)
    problems: list[rejectlog.Reject] = field(default_factory=list)
    # held: what it would change in its record (field, old, new), applied if confirmed.
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Preview:
    fmt: str
    dataset: str
    container: str
    encoding: str
    size: int
    sha256: str
    columns: list[ColumnUse]
    defaults: list[tuple[str, str]]
    notes: list[str]
    fields: list[str]
    rows: list[PreviewRow]
    problems: list[rejectlog.Reject]
    counts: Counts
    more: bool  # the file has rows after those shown


class _Recording(Store):
    """The dry-run store, noting what each one-row batch would do to the database."""

    def __init__(
        self, organisation_id: int, raw_of: Callable[[Any], dict[str, Any]], dataset: str
    ) -> None:
        super().__init__(organisation_id, None, raw_of, "preview", dataset)
        self.outcomes: dict[int, tuple[str, dict[str, Any]]] = {}
        self.held: dict[int, Held] = {}

    def write(
        self,
        batch: Sequence[Pending],
        rejects: list[rejectlog.Reject],
        counts: Counts,
        rows_done: int,
        *,
        dry_run: bool = False,
    ) -> Counts:
        got = super().write(batch, rejects, counts, rows_done, dry_run=True)
        self.held.update((h.row, h) for h in got.held_samples)
        for item in batch:
            outcome = "accepted"
            if len(batch) == 1:
                outcome = (
                    "created" if got.created else "updated" if got.updated
                    else "held" if got.held else "unchanged"
                )  # fmt: skip
            self.outcomes[item.row] = (outcome, {**item.cleaned, "source_id": item.source_id})
        return got


def preview_file(
    *,
    organisation: Organisation,
    path: Path,
    fmt: str = "auto",
    mapping: Path | None = None,
    domain: str | None = None,
    encoding: str | None = None,
    rows: int = ROWS,
    dataset: str | None = None,
) -> Preview:
    """Open ``path`` as an import would and dry-run its first ``rows`` data rows.

    Raises :class:`ImportFailed` (one message) when the file cannot be imported.
    """
    opened = open_import(
        path=path, fmt=fmt, mapping=mapping, domain=domain, encoding=encoding, dataset=dataset
    )
    plan, info = opened.plan, opened.info
    taken: list[Any] = []
    log = rejectlog.KeptRejects()
    store = _Recording(organisation.pk, plan.raw, plan.dataset)
    try:
        quiet = Progress(opened.source, enabled=False, label="")
        pipeline = Pipeline(
            plan,
            store,
            run=None,
            dry_run=True,
            sink=log,
            batch_size=1,
            bar=quiet,
            first_row=opened.first_row,
        )
        counts = pipeline.run(_tee(itertools.islice(opened.rows, rows), taken))
        more = next(opened.rows, None) is not None
    except readers.UnreadableFile as exc:
        raise ImportFailed(f"{info.path.name}: {exc}") from exc
    finally:
        opened.source.close()
    by_row: dict[int, list[rejectlog.Reject]] = {}
    for reject in log.items:
        by_row.setdefault(reject.row, []).append(reject)
    results: list[tuple[int, str, dict[str, Any]]] = []
    for index in range(len(taken)):
        row = opened.first_row + index
        if row in store.outcomes:
            outcome, values = store.outcomes[row]
        else:
            outcome, values = ("rejected" if row in by_row else "blank"), {}
        results.append((row, outcome, values))
    shown = [f for f in EDITABLE_FIELDS if any(v.get(f) not in (None, "", []) for *_, v in results)]
    return Preview(
        fmt=plan.fmt,
        dataset=plan.dataset,
        container=info.container,
        encoding=info.encoding,
        size=info.size,
        sha256=info.sha256,
        columns=column_uses(plan),
        defaults=[(name, display(value, name)) for name, value in plan.defaults.items()],
        notes=list(plan.notes),
        fields=shown,
        rows=[
            PreviewRow(
                row,
                outcome,
                [display(v.get(f), f) for f in shown],
                by_row.get(row, []),
                _diff(store.held.get(row)),
            )
            for row, outcome, v in results
        ],
        problems=log.items,
        counts=counts,
        more=more,
    )


# Fields whose values are codes (besides those of FIELD_VOCABS), shown as their labels.
WORDED_FIELDS = ("types", "resources", "country", "occurred_precision")


def _diff(held: Held | None) -> list[tuple[str, str, str]]:
    if held is None:
        return []
    return [
        (name, display(old, name), display(new, name)) for name, (old, new) in held.changes.items()
    ]


def _tee(rows: Iterable[Any], taken: list[Any]) -> Iterator[Any]:
    for row in rows:
        taken.append(row)
        yield row


def column_uses(plan: Plan) -> list[ColumnUse]:
    """Every column of the file and what it becomes (the plan the CLI prints, as rows)."""
    bound: dict[str, list[str]] = {}
    for b in plan.bindings:
        bound.setdefault(b.column, []).append(b.target)
    unknown = set(plan.unknown)
    id_key = getattr(plan, "id_key", None)  # Kobo: the submission id
    out: list[ColumnUse] = []
    for column in dict.fromkeys(plan.header):
        if not column:
            continue
        if column in bound:
            for target in bound[column]:
                out.append(_bound(column, target))
        elif column == id_key:
            out.append(ColumnUse(column, "field", "source_id"))
        elif column in plan.ignored:
            out.append(ColumnUse(column, "ignored", note=plan.ignored[column]))
        elif column in unknown:
            out.append(ColumnUse(column, "unknown", note=_("not understood (kept in raw_source)")))
        elif column == "_geolocation":
            out.append(ColumnUse(column, "field", "lat, lon"))
        elif plan.fmt == "kobo":
            out.append(ColumnUse(column, "ignored", note=_("submission metadata")))
        else:
            note = _("with other columns, by the format's own rules")
            out.append(ColumnUse(column, "rules", note=note))
    return out


def _bound(column: str, target: str) -> ColumnUse:
    if target == "x_country_name":
        return ColumnUse(column, "field", "country", _("country name, used when no code is given"))
    if target.startswith("v|"):
        shown = " ".join(p for p in target.split("|")[1:] if p)
        return ColumnUse(column, "field", f"victims: {shown}")
    if target.startswith("x_"):
        note = _("used to work out types, resources or cause")
        return ColumnUse(column, "derived", target[2:].replace("_", " "), note)
    return ColumnUse(column, "field", target)


def _victims(item: dict[str, Any]) -> str:
    from ulinzi.vocab.registry import label

    who = label("victim_group", str(item.get("group", "")))
    more = ", ".join(str(item[k]) for k in ("sex", "age") if item.get(k))
    return f"{who} ({item.get('kind')}{', ' + more if more else ''}): {item.get('count')}"


def display(value: Any, name: str = "") -> str:
    """A cleaned value as text for the preview table, in words where it is a code (long
    texts shortened)."""
    from ulinzi.web.templatetags.ulinzi import FIELD_VOCABS, change_value

    if value is None:
        return ""
    if name == "victims" and isinstance(value, list):
        return "; ".join(_victims(v) for v in value if isinstance(v, dict))
    if name in WORDED_FIELDS or name in FIELD_VOCABS:
        return change_value(value, name)
    if isinstance(value, list | tuple):
        return ", ".join(display(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if name in HIDDEN_FIELDS and len(text) > SHOWN_TEXT:
        return text[: SHOWN_TEXT - 1] + "…"
    return text
