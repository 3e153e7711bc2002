"""Uploads checked by their content, never by their name or the browser's type: a photo is decoded and
re-encoded like a case photo (no EXIF: no position, no phone model), a PDF must look like one from its
header to its end marker, and a Word or Excel file must be the Office Open XML package it claims."""

import io
import zipfile

from django.utils.translation import gettext as _

MAX_DOC_BYTES = 10 * 1024 * 1024

DOCUMENTS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


class UploadError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_file(fileobj) -> tuple[bytes, str, str]:
    """(bytes, content type, extension) of a photo or a PDF, Word or Excel document."""
    from gridgov.cases.actions import clean_image
    from gridgov.cases.workflow import CaseError

    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith((b"%PDF-", b"PK\x03\x04")):
        data = fileobj.read(MAX_DOC_BYTES + 1)
        if len(data) > MAX_DOC_BYTES:
            raise UploadError(_("A file may be at most %(mb)d MB.") % {"mb": MAX_DOC_BYTES // (1024 * 1024)})
        if data.startswith(b"%PDF-"):
            if b"%%EOF" not in data[-1024:]:
                raise UploadError(_("The file is not a photo or a PDF, Word or Excel document."))
            return data, "application/pdf", "pdf"
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            names = set()
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        elif "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            raise UploadError(_("The file is not a photo or a PDF, Word or Excel document."))
        return data, kind, DOCUMENTS[kind]
    try:
        data, content_type, _w, _h = clean_image(fileobj)
    except CaseError as exc:
        raise UploadError(str(exc)) from None
    return data, content_type, "png" if content_type == "image/png" else "jpg"


def display_name(fileobj, ext: str) -> str:
    """The uploaded file's own name (its stem, at most 100 characters) with the extension its content gave."""
    name = (getattr(fileobj, "name", "") or "").rsplit("/", 1)[-1].strip()[:100]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}.{ext}"
