"""The appraisal's revision: one counter that every write to an appraisal raises.

Cached results and the live grid key on it. `begin_write` is the first statement of every write
to an appraisal, inside the write's transaction: one UPDATE that locks the appraisal row, refuses
a final appraisal and raises the revision. Because the status check is part of the same UPDATE, a
save racing with the move to `final` either commits before it or is refused after it.
"""

from __future__ import annotations

import threading

from django.core.exceptions import ValidationError
from django.core.signals import request_started
from django.db import transaction
from django.db.models import F

from assessments.models import Appraisal

LOCKED = "The appraisal is final: reopen it before changing anything."

# The appraisals this thread raised the revision of since its request began. The results cache
# neither reads nor stores their results for the rest of the request: the write may still roll
# back, and the view may redraw from an Appraisal object read before the write.
# `open` is whether a write this thread began has not committed yet: until then the cache is
# skipped for every appraisal, since the write's transaction may hold rows of others too.
_local = threading.local()


def written_in_this_request(appraisal_pk: int) -> bool:
    return appraisal_pk in getattr(_local, "written", ())


def write_open() -> bool:
    """Whether this thread is inside a write's transaction: one that raised a revision and has
    not committed. Stays true after a rollback until the next request (there is no public hook
    for a rollback; skipping the cache is the safe side)."""
    return getattr(_local, "open", False)


def _write_committed() -> None:
    _local.open = False


def _note_write(appraisal_pk: int) -> None:
    if not hasattr(_local, "written"):
        _local.written = set()
    _local.written.add(appraisal_pk)
    _local.open = True
    # Runs when the outermost transaction commits (at once outside one); dropped if it rolls back.
    transaction.on_commit(_write_committed)


def _forget_writes(**kwargs) -> None:
    _local.written = set()
    _local.open = False


request_started.connect(_forget_writes, dispatch_uid="assessments.revision.forget_writes")


def begin_write(appraisal: Appraisal) -> int:
    """Lock the appraisal row, refuse it when final, raise its revision; return the new revision.

    Must run inside `transaction.atomic()`: the lock and the raised revision last until the
    write commits. Sets `appraisal.revision` too. Raises ValidationError(LOCKED) when final.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("begin_write() must run inside transaction.atomic()")
    _note_write(appraisal.pk)
    revision = _raise(appraisal.pk, refuse_final=True)
    if revision is None:
        appraisal.status = Appraisal.Status.FINAL
        raise ValidationError(LOCKED)
    appraisal.revision = revision
    return revision


def bump(appraisal: Appraisal) -> int:
    """Raise the revision of a write that may touch a final appraisal (the status change itself,
    reopening); inside the write's transaction. Returns the new revision."""
    _note_write(appraisal.pk)
    appraisal.revision = _raise(appraisal.pk, refuse_final=False)
    return appraisal.revision


def _raise(appraisal_pk: int, *, refuse_final: bool) -> int | None:
    """Raise the revision by one and return it; None when `refuse_final` and the appraisal is
    final (nothing changed). One statement where the database returns updated columns
    (PostgreSQL, SQLite 3.35+): every save runs this, and the ORM has no UPDATE … RETURNING."""
    connection = transaction.get_connection()
    if not connection.features.can_return_columns_from_insert:
        rows = Appraisal.objects.filter(pk=appraisal_pk)
        if refuse_final:
            rows = rows.exclude(status=Appraisal.Status.FINAL)
        if not rows.update(revision=F("revision") + 1):
            return None
        return Appraisal.objects.values_list("revision", flat=True).get(pk=appraisal_pk)
    table = connection.ops.quote_name(Appraisal._meta.db_table)
    sql = f"UPDATE {table} SET revision = revision + 1 WHERE id = %s"  # nosec B608: fixed names
    params: list = [appraisal_pk]
    if refuse_final:
        sql += " AND status <> %s"
        params.append(Appraisal.Status.FINAL)
    with connection.cursor() as cursor:
        cursor.execute(sql + " RETURNING revision", params)
        found = cursor.fetchone()
    return found[0] if found else None
