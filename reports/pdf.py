"""HTML → PDF through WeasyPrint, with local assets only.

WeasyPrint fetches stylesheets, fonts and images through a URL fetcher. `StaticOnlyFetcher` serves
files under the static directories and `data:` URLs and refuses everything else, so rendering a
report never touches the network, whatever a note, finding or team line contains.
"""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

REFUSED = "Report rendering fetches only local static files and data: URLs, not {url!r}."
# The stylesheet every report links to; its static directory is the PDF's base URL.
REPORT_CSS = "css/report.css"
CONTENT_TYPES = {
    ".css": "text/css",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}


@cache
def static_roots() -> tuple[Path, ...]:
    """The directories the fetcher may read: STATICFILES_DIRS, STATIC_ROOT, the report CSS's."""
    # A STATICFILES_DIRS entry is a path or a (prefix, path) pair.
    roots = [
        Path(entry[1] if isinstance(entry, tuple) else entry) for entry in settings.STATICFILES_DIRS
    ]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    roots.append(static_base())
    return tuple(dict.fromkeys(root.resolve() for root in roots))


@cache
def static_base() -> Path:
    """The static directory holding the report CSS (relative links in base_pdf.html)."""
    found = finders.find(REPORT_CSS)
    if not found:
        raise FileNotFoundError(f"Static file {REPORT_CSS} not found.")
    return Path(found).resolve().parents[1]


def base_url() -> str:
    return path2url(str(static_base())) + ("" if str(static_base()).endswith("/") else "/")


class StaticOnlyFetcher(URLFetcher):
    """Serves `file:` URLs inside the static roots and `data:` URLs; refuses the rest.

    Refused URLs are kept in `refused` (WeasyPrint logs and skips a resource it cannot fetch).
    """

    def __init__(self, roots: tuple[Path, ...] | None = None) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.roots = roots if roots is not None else static_roots()
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._local_path(url)
            if path is not None:
                content_type = CONTENT_TYPES.get(path.suffix.lower()) or (
                    mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                )
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(REFUSED.format(url=url))

    def _local_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
            return path
        return None


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Render an HTML string whose relative links point into the static directory."""
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher or StaticOnlyFetcher())
    return document.write_pdf(font_config=FontConfiguration())
