"""ZIP bundles (DESIGN §6): `appraisal.json` plus the evidence files under `files/`.

Reading checks every member before the first write: a path outside `files/`, a file missing or
named twice, a hash mismatch, a disallowed type or an oversize member refuses the whole bundle
with an error naming the file. Files stored during a failed import are deleted again.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import IO, Any

from django.core.files import File
from django.db import transaction

from assessments.exchange import ExchangeError, export_appraisal, import_appraisal
from assessments.exchange.checks import _INVALID, _path
from assessments.exchange.export import dumps
from assessments.exchange.reader import load_exchange_file
from assessments.models import Appraisal, Organisation
from evidence import files
from evidence.models import EvidenceItem

DOCUMENT = "appraisal.json"
FILES = "files/"
NOT_A_ZIP = "bundle: not a ZIP file"
NO_DOCUMENT = "bundle: appraisal.json is missing"
OUTSIDE = "bundle: {name} is outside files/"
OVERSIZE = "bundle: {name} is larger than {limit}"
MISSING = "{name} is not in the bundle"
TWICE = "{name} is also the file of {other}"
BAD_HASH = "the bytes of {name} do not match its sha256"
BAD_SHA = "expected the file's sha256 as 64 hexadecimal digits"
NEEDS_SHA = "a file needs its sha256"
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _safe_member(name: str) -> bool:
    if name == DOCUMENT:
        return True
    parts = name.split("/")
    return (
        name.startswith(FILES)
        and "\\" not in name
        and all(part not in ("", ".", "..") for part in parts[1:])
        and len(parts) >= 2
    )


class BundleFiles:
    """The `files/` of an open bundle: checks an item's `file`/`sha256` and stores it later."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        self.used: dict[str, str] = {}
        self.checked: dict[str, files.Checked] = {}
        self.stored: list[tuple[Any, str]] = []

    def check(self, reader, entry: dict, path: str) -> tuple[Any, str]:
        name = reader.string(entry, "file", path, default="")
        sha = reader.string(entry, "sha256", path, default="")
        if name is _INVALID or sha is _INVALID:
            return _INVALID, ""
        if not name:
            reader.error(_path(path, "file"), "a sha256 needs a file")
            return _INVALID, ""
        where = _path(path, "file")
        if not sha:
            reader.error(_path(path, "sha256"), NEEDS_SHA)
            return _INVALID, ""
        if not _SHA.match(sha):
            reader.error(_path(path, "sha256"), BAD_SHA)
            return _INVALID, ""
        if not _safe_member(name) or name == DOCUMENT:
            reader.error(where, OUTSIDE.format(name=name).removeprefix("bundle: "))
            return _INVALID, ""
        if name not in self.members:
            reader.error(where, MISSING.format(name=name))
            return _INVALID, ""
        if name in self.used:
            reader.error(where, TWICE.format(name=name, other=self.used[name]))
            return _INVALID, ""
        self.used[name] = path
        with self.archive.open(name) as member:
            try:
                checked = files.check(_Seekable(member, name))
            except ValueError as error:
                reader.error(where, str(error))
                return _INVALID, ""
        if checked.sha256 != sha:
            reader.error(where, BAD_HASH.format(name=name))
            return _INVALID, ""
        self.checked[name] = checked
        return name, sha

    def store(self, plan, item: EvidenceItem) -> None:
        checked = self.checked[plan.file]
        with self.archive.open(plan.file) as member:
            item.file.save(checked.name, File(member, name=checked.name), save=False)
        self.stored.append((item.file.storage, item.file.name))
        item.file_name, item.file_size = checked.name, checked.size
        item.file_sha256, item.content_type = checked.sha256, checked.content_type
        item.save(update_fields=["file", "file_name", "file_size", "file_sha256", "content_type"])

    def discard(self) -> None:
        for storage, name in self.stored:
            storage.delete(name)
        self.stored.clear()


class _Seekable:
    """A ZIP member read in chunks by `files.check` (which seeks to 0 before and after)."""

    def __init__(self, member, name: str):
        self.member, self.name = member, name

    def seek(self, position: int) -> None:
        pass

    def chunks(self, size: int = 64 * 1024):
        while chunk := self.member.read(size):
            yield chunk


def import_bundle(
    source: str | IO[bytes], *, organisation: Organisation | None = None, user=None
) -> Appraisal:
    """Create the appraisal of a bundle with its items' files; all or nothing."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise ExchangeError([NOT_A_ZIP]) from None
    with archive:
        limit = files.max_size()
        errors = []
        for info in archive.infolist():
            if info.is_dir():
                continue
            if not _safe_member(info.filename):
                errors.append(OUTSIDE.format(name=info.filename))
            elif info.file_size > limit:
                errors.append(OVERSIZE.format(name=info.filename, limit=files.human_size(limit)))
        if DOCUMENT not in {i.filename for i in archive.infolist()}:
            errors.append(NO_DOCUMENT)
        if errors:
            raise ExchangeError(errors)
        data = load_exchange_file(io.BytesIO(archive.read(DOCUMENT)))
        bundle = BundleFiles(archive)
        try:
            with transaction.atomic():
                return import_appraisal(data, organisation=organisation, user=user, bundle=bundle)
        except BaseException:
            bundle.discard()
            raise


def export_bundle(appraisal: Appraisal, target: str | IO[bytes]) -> None:
    """Write the appraisal and its items' files as a ZIP bundle."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    items: dict[str, EvidenceItem] = {}

    def name_of(item: EvidenceItem) -> tuple[str, str]:
        if item.pk not in names:
            base = files.safe_name(item.file_name or item.file.name.rsplit("/", 1)[-1])
            name, n = f"{FILES}{base}", 1
            while name in taken:
                n += 1
                name = f"{FILES}{n}-{base}"
            taken.add(name)
            names[item.pk] = name
            items[name] = item
        return names[item.pk], item.file_sha256 or _sha(item)

    document = export_appraisal(appraisal, files=name_of)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DOCUMENT, dumps(document))
        for name, item in items.items():
            with item.file.open("rb") as source, archive.open(name, "w") as out:
                while chunk := source.read(64 * 1024):
                    out.write(chunk)


def _sha(item: EvidenceItem) -> str:
    digest = hashlib.sha256()
    with item.file.open("rb") as source:
        while chunk := source.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
