"""Uploaded evidence files: a size limit enforced while the upload streams, the type sniffed from
the content against an allow-list, a sanitised name and a sha256 (issue 9, point 6)."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.text import get_valid_filename

TOO_LARGE = "The file is larger than {limit}: it was not stored."
NOT_ALLOWED = (
    "{name}: files of type {kind} are not accepted (PDF, office documents, images, text, CSV "
    "and ZIP are)."
)
SNIFF_BYTES = 8192

# What the content may be (sniffed, never taken from the name or the browser).
ALLOWED = {
    "application/pdf",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/x-ole-storage",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/rtf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/tiff",
    "image/bmp",
    "text/plain",
    "text/csv",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def max_size() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_SIZE


def human_size(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(size)


class UploadTooLarge(StopUpload):
    pass


class MaxSizeUploadHandler(FileUploadHandler):
    """Counts the bytes of every uploaded file as they arrive and stops the upload past the limit,
    so an oversize file is never written out whole. Marks the request `upload_too_large`."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request.upload_too_large = False
        self.seen = 0
        # A body far larger than the limit cannot hold an acceptable file: refuse before reading.
        if content_length and content_length > max_size() + 1024 * 1024:
            self.request.upload_too_large = True
            raise UploadTooLarge(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.seen = getattr(self, "seen", 0) + len(raw_data)
        if self.seen > max_size():
            self.request.upload_too_large = True
            raise UploadTooLarge(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def safe_name(name: str) -> str:
    """A name without folders (`../x` → `x`), control characters or leading dots."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    name = os.path.basename(name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = get_valid_filename(name.strip().lstrip(".")) if name.strip(". ") else ""
    stem, ext = os.path.splitext(name)
    name = stem[: 200 - len(ext[:20])] + ext[:20]
    return name or "file"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 4:
            return False
    return True


def sniff(head: bytes, name: str) -> str:
    """The content type from the first bytes; text files are told apart as CSV by their name."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if head.startswith(OLE_MAGIC):
        return "application/x-ole-storage"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if _looks_like_text(head):
        return "text/csv" if name.lower().endswith(".csv") else "text/plain"
    return "application/octet-stream"


@dataclass
class Checked:
    name: str
    size: int
    sha256: str
    content_type: str


def check(upload) -> Checked:
    """Check an uploaded file (any Django File): size, type and hash. Raises ValueError with the
    message to show."""
    name = safe_name(getattr(upload, "name", "") or "")
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
        size += len(chunk)
        if size > max_size():
            raise ValueError(TOO_LARGE.format(limit=human_size(max_size())))
    upload.seek(0)
    content_type = sniff(head, name)
    if content_type not in ALLOWED:
        raise ValueError(NOT_ALLOWED.format(name=name, kind=content_type))
    return Checked(name, size, digest.hexdigest(), content_type)
