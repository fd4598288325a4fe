"""Web imports: upload a file, preview it, confirm; follow the run; download its rejects."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ulinzi.accounts.access import Actor, of_request
from ulinzi.accounts.models import Organisation
from ulinzi.audit import services as audit
from ulinzi.common.problems import NotAllowed, NotFound
from ulinzi.common.views import forbidden
from ulinzi.intake import policies, selectors, services
from ulinzi.intake.forms import UploadForm
from ulinzi.intake.imports import ImportFailed
from ulinzi.intake.models import ImportRun
from ulinzi.worker import heartbeat


def _forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return forbidden(
        request, message or _("Only coordinators, monitors and investigators import incidents.")
    )


def _run_or_refuse(request: HttpRequest, run_id: int) -> tuple[Actor, ImportRun]:
    who = of_request(request)
    try:
        return who, selectors.run(who, run_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form and recent runs; a posted file gets its preview."""
    who = of_request(request)
    if not policies.can_import(who):
        return _forbidden(request)
    orgs = list(Organisation.objects.filter(pk__in=policies.import_orgs(who)).order_by("code"))
    form = UploadForm(request.POST or None, request.FILES or None, organisations=orgs)
    error = ""
    if request.method == "POST" and form.is_valid():
        staged = services.stage(
            actor=who,
            organisation=form.chosen_organisation(),
            file=form.cleaned_data["file"],
            fmt=form.cleaned_data["format"],
            mapping=form.cleaned_data.get("mapping"),
            domain=form.cleaned_data.get("domain") or "",
            dataset=form.cleaned_data.get("dataset") or "",
            encoding=form.cleaned_data.get("encoding") or "",
        )
        try:
            preview = services.preview(staged)
        except ImportFailed as exc:
            services.discard(staged)
            error = str(exc)
        else:
            context = {
                "upload": staged,
                "preview": preview,
                "organisation": form.chosen_organisation(),
                "earlier": services.earlier_runs(staged),
            }
            return render(request, "imports/preview.html", context)
    runs = selectors.runs(who)[:20]
    return render(request, "imports/upload.html", {"form": form, "error": error, "runs": runs})


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_import(who):
        return _forbidden(request)
    try:
        staged = services.get(who, request.POST.get("token", ""))
        run, new = services.confirm(
            actor=who, upload=staged, apply_changes=request.POST.get("apply_changes") == "1"
        )
    except NotAllowed as exc:
        return _forbidden(request, str(exc))
    except NotFound as exc:
        messages.error(request, str(exc))
        return redirect("imports:upload")
    if new:
        messages.success(request, _("The import is queued; this page follows it."))
    else:
        messages.info(request, _("This file is already being imported: here is that import."))
    return redirect("imports:run", run_id=run.pk)


@login_required
@require_POST
def discard(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_import(who):
        return _forbidden(request)
    try:
        services.discard(services.get(who, request.POST.get("token", "")))
    except NotAllowed as exc:
        return _forbidden(request, str(exc))
    except NotFound:
        pass
    messages.info(request, _("The uploaded file was deleted; nothing was imported."))
    return redirect("imports:upload")


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        __, run = _run_or_refuse(request, run_id)
    except NotAllowed:
        return _forbidden(request)
    rejects = list(run.rejects.all()[:20]) if run.status == ImportRun.Status.DONE else []
    context = {
        "run": run,
        "progress": selectors.progress(run),
        "rejects": rejects,
        "can_retry": services.can_retry(run),
        "choices": run.options.get("upload") or {},
    }
    return render(request, "imports/run.html", context)


@login_required
@require_GET
def run_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    try:
        __, run = _run_or_refuse(request, run_id)
    except NotAllowed:
        return JsonResponse({"detail": _("Not allowed")}, status=403)
    response = JsonResponse({**selectors.progress(run), "worker_seen": heartbeat.seen_recently()})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def run_rejects(request: HttpRequest, run_id: int) -> HttpResponseBase:
    try:
        who, run = _run_or_refuse(request, run_id)
    except NotAllowed:
        return _forbidden(request)
    audit.record(
        actor=who,
        action="export",
        object_type="import_rejects",
        object_id=run.pk,
        owner_organisation=run.organisation.code,
        detail={"rejected": run.rejected},
    )
    name = f"{run.pk}-{Path(run.file_name).stem}-rejects.csv"
    response = StreamingHttpResponse(services.rejects_csv(run), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{services.safe_name(name)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def run_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        who, run = _run_or_refuse(request, run_id)
        services.retry(actor=who, run=run)
    except NotAllowed:
        return _forbidden(request)
    except NotFound as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The import is queued again; it goes on from its last checkpoint.")
        )
    return redirect("imports:run", run_id=run_id)
