"""Pages of honours. Thin: a form, an action, a redirect."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from . import actions
from .models import Photo


@login_required
def photo(request, pk):
    """An inspection photo, only for users who may see its entry (the files are not public)."""
    item = get_object_or_404(Photo.objects.select_related(None), pk=pk)
    if not actions.visible_entries(request.user).filter(pk=item.entry_id).exists():
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
