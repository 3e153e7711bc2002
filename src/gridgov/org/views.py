"""Pages for the registry workbook: upload an import and follow it, download exports and the template.

Thin: the work is in imports.py (run by `gridgov worker`) and exports.py, which scope, mask and audit.
"""

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.core.models import Job
from gridgov.core.scoping import EXPORT, IMPORT, can

from . import excel, exports, imports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 300 * 1024 * 1024


def may_import(user) -> bool:
    return user.is_authenticated and (user.is_superuser or (can(user, IMPORT, "person") and can(user, IMPORT, "grid")))


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an .xlsx workbook."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_BYTES >> 20})
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError(_("The file is not an .xlsx workbook."))
        return upload


@login_required
@require_GET
def index(request):
    user = request.user
    lists = [(kind, sheet.name) for kind, sheet in excel.SHEET_BY_KIND.items()
             if can(user, EXPORT, exports.MODELS[kind].scope_kind)]
    return render(request, "org/index.html", {
        "lists": lists, "may_import": may_import(user), "may_export_full": exports.may_export_full(user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    if not may_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        job = imports.enqueue_upload(request.user, form.cleaned_data["file"],
                                     language=getattr(request, "LANGUAGE_CODE", ""),
                                     request_id=getattr(request, "request_id", ""))
        return redirect("org:import_job", pk=job.pk)
    recent = Job.objects.filter(kind=imports.JOB_KIND, created_by=request.user).order_by("-created_at", "-id")[:10]
    return render(request, "org/import.html", {"form": form, "recent": recent})


def _own_job(request, pk: int) -> Job:
    """An import job of the requesting user; anyone else's answers 404 like a missing one."""
    if not may_import(request.user):
        raise PermissionDenied
    jobs = Job.objects.filter(kind=imports.JOB_KIND)
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=pk)


@login_required
@require_GET
def import_job(request, pk: int):
    job = _own_job(request, pk)
    status = imports.job_status(job)
    summary = [(excel.SHEET_BY_KIND[k].name if k in excel.SHEET_BY_KIND else _("Posts"), counts)
               for k, counts in (status["summary"] or {}).items()]
    response = render(request, "org/import_job.html", {
        "job": job, "status": status, "summary": summary, "finished": job.state in (Job.State.DONE, Job.State.FAILED),
        "more_errors": status["error_count"] - len(status["errors"]),
    })
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def import_status(request, pk: int):
    response = JsonResponse(imports.job_status(_own_job(request, pk)))
    add_never_cache_headers(response)
    return response


def _xlsx_response(write, filename: str) -> FileResponse:
    """Writes the workbook into an anonymous temporary file, which goes away when the response closes."""
    spool = tempfile.TemporaryFile()
    try:
        write(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def export(request, kind: str):
    if kind not in exports.KINDS or kind == "template":
        raise Http404
    full = request.GET.get("full") == "1"
    if full and not exports.may_export_full(request.user):
        raise PermissionDenied
    suffix = "" if full else "-masked"
    return _xlsx_response(lambda out: exports.export_workbook(kind, out, user=request.user, full=full),
                          f"{kind}{suffix}.xlsx")


@login_required
@require_GET
def template(request):
    return _xlsx_response(lambda out: exports.export_workbook("template", out), "gridgov-template.xlsx")
