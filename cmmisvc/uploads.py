"""An upload handler that stops storing a file once it passes a size limit (issue 13, point 6).

Django's own handlers keep a whole upload (in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then in a
temporary file) before a form can look at its size. This handler counts the bytes as they stream
and stops the upload at the limit: nothing past it is stored, and the rest of the body is read
and dropped (so the browser still gets the page that says why). The fields before the file, the
CSRF token among them, are kept.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class SizeLimitedUploadHandler(FileUploadHandler):
    """Put first in `request.upload_handlers`; sets `request.upload_too_big` when it stops."""

    def __init__(self, request: HttpRequest, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        request.upload_too_big = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # A body announced as larger than the limit plus room for the form's other fields.
        if content_length and content_length > self.limit + 64 * 1024:
            self.request.upload_too_big = True
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.request.upload_too_big:
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
