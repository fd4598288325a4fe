"""Export pages: the form, the result with its disclosure report, the download."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ulinzi.accounts.access import of_request
from ulinzi.common import encrypted_files
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.common.views import forbidden
from ulinzi.incidents.selectors import areas_seen
from ulinzi.reports import policies, services, writers
from ulinzi.reports.forms import FORMAT_LABELS, LEVEL_LABELS, ExportForm
from ulinzi.reports.models import Export


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_reports(of_request(request)):
        return forbidden(request, _("Exports and reports are for coordinators and analysts."))
    return render(request, "reports/index.html")


@login_required
def export_form(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_export(who):
        return forbidden(request, _("Exports and reports are for coordinators and analysts."))
    form = ExportForm(request.POST or None, initial={"level": "public", "format": "hxl"})
    if request.method == "POST" and form.is_valid():
        try:
            req = services.parse_request(
                fmt=form.cleaned_data["format"],
                level=form.cleaned_data["level"],
                k=form.cleaned_data.get("k"),
                filters=form.filters(),
            )
            record = services.export_to_store(actor=who, request=req)
        except InvalidInput as exc:
            for problem in exc.problems:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, _problem_words(problem))
        except NotAllowed:
            return forbidden(request, _("Exports and reports are for coordinators and analysts."))
        else:
            if services.why_empty(record.report):
                messages.warning(request, _("The export is empty: the reason is below."))
            else:
                messages.success(request, _("Export ready."))
            return redirect("reports:export_result", export_id=record.pk)
    recent = [(e, _words(e)) for e in Export.objects.filter(created_by_id=request.user.pk)[:10]]
    areas = sorted({area.name or area.pcode for area in areas_seen(who, limit=2000)})
    return render(
        request, "reports/export_form.html", {"form": form, "recent": recent, "areas": areas}
    )


def _problem_words(problem: FieldProblem) -> str:
    """A refusal of the export service in the reader's language."""
    if problem.field == "admin1":
        return _("No record you may export is in a province named or coded “%(value)s”.") % {
            "value": problem.value
        }
    if problem.field == "country":
        return _("“%(value)s” is not a country of the list.") % {"value": problem.value}
    return problem.message


def _words(record: Export) -> dict[str, str]:
    """The export's format and level as the pages name them."""
    return {
        "format": str(FORMAT_LABELS.get(record.format, record.format)),
        "level": str(LEVEL_LABELS.get(record.level, record.level)),
    }


def _field_words(name: str) -> str:
    """``"occurred_on (day)"`` → ``"Date (day)"``: a field the disclosure report names."""
    from ulinzi.incidents.forms.labels import field_labels

    base, bracket, rest = name.partition(" (")
    return field_labels().get(base, base) + (bracket + rest if bracket else "")


def _filter_words(filters: dict[str, str]) -> list[tuple[str, str]]:
    """The filters an export was made with, each as its field's label and its value in
    words (a country's name, a vocabulary's label)."""
    from ulinzi.vocab import registry
    from ulinzi.web.i18n import country_name

    vocabularies = {"domain": "domain", "certainty": "certainty", "cause": "cause"}
    out = []
    for name, value in filters.items():
        field = ExportForm.base_fields.get(name)
        label = str(field.label) if field is not None and field.label else _field_words(name)
        if name == "country":
            value = country_name(value)
        elif name in vocabularies:
            value = registry.label(vocabularies[name], value)
        out.append((label, str(value)))
    return out


def _own_export(request: HttpRequest, export_id: UUID) -> Export:
    record = Export.objects.filter(pk=export_id).first()
    if record is None or not policies.can_download(of_request(request), record.created_by_id):
        raise Http404(_("No such export."))
    return record


@login_required
def export_result(request: HttpRequest, export_id: UUID) -> HttpResponse:
    record = _own_export(request, export_id)
    report = record.report
    rows = [
        (_("Records in"), report.get("records_in")),
        (_("Records out"), report.get("records_out")),
        (_("Records suppressed"), report.get("records_suppressed")),
        (_("k requested"), report.get("k_requested")),
        (_("k achieved"), report.get("k_achieved")),
    ]
    return render(
        request,
        "reports/export_result.html",
        {
            "export": record,
            "words": _words(record),
            "report": report,
            "rows": rows,
            "removed": [_field_words(f) for f in report.get("fields_removed", [])],
            "filters": _filter_words(record.filters or {}),
            "generalisation": [
                (_field_words(name), how) for name, how in report.get("generalisation", {}).items()
            ],
            "suppressed": [
                (_field_words(name), n) for name, n in report.get("cells_suppressed", {}).items()
            ],
        },
    )


@login_required
def export_download(request: HttpRequest, export_id: UUID) -> FileResponse:
    record = _own_export(request, export_id)
    if not record.path.exists():
        raise Http404(_("The file is no longer kept."))
    return FileResponse(
        encrypted_files.open_read(record.path),
        as_attachment=True,
        filename=record.filename,
        content_type=writers.CONTENT_TYPES[record.format],
    )


@login_required
def export_report_download(request: HttpRequest, export_id: UUID) -> FileResponse | HttpResponse:
    record = _own_export(request, export_id)
    if not record.report_path.exists():
        return redirect("reports:export_result", export_id=record.pk)
    name = services.sidecar_path(Path(record.filename)).name
    return FileResponse(
        encrypted_files.open_read(record.report_path),
        as_attachment=True,
        filename=name,
        content_type="application/json",
    )
