"""Multi-row INSERTs of plain rows and their history rows: the importer's path for the cells.

`bulk_create_with_history` builds a model instance and a historical instance per row and has the
ORM prepare every field of each: for the 11,760 cells of the full data set that was two thirds of
an import. Here the varying columns come as plain tuples, every other column is prepared once
for all rows, the rows go in by batches of multi-row `INSERT ... VALUES`, are read back once for
their ids, and their history rows go in the same way with what simple_history writes for a
creation: type "+", no change reason, the importing user and the time. Like `bulk_create`, it
sends no signals and runs no validation: the reader has checked every value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 500
UNNEST_BATCH_SIZE = 5000  # rows per statement on PostgreSQL (one array per column)
CREATED = "+"


def create_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    constants: Mapping[str, Any],
    where: Mapping[str, Any],
    user=None,
) -> int:
    """Insert `rows` (values of `columns`, attnames, already in database form: ints, strings,
    None) into `model`'s table with `constants` (attname -> value) in every row; auto_now
    fields get the current time, other fields their default. Then insert a history row for each.

    `where` must select exactly the new rows (e.g. the appraisal being imported): they are read
    back by it for their ids. Returns the number of rows. Call inside a transaction.
    """
    if not rows:
        return 0
    now = timezone.now()
    fixed = _fixed_values(model, columns, constants, now)
    _insert(model, [*columns, *fixed], rows, tuple(fixed.values()))

    written = list(
        model._default_manager.filter(**where).order_by("pk").values_list("pk", *columns)
    )
    if len(written) != len(rows):
        raise RuntimeError(f"{len(rows)} rows inserted, {len(written)} found by {dict(where)}")
    history = model.history.model  # type: ignore[attr-defined]
    history_user = user or history.get_default_history_user(None)
    extra = {
        "history_date": now,
        "history_change_reason": None,
        "history_type": CREATED,
        "history_user_id": history_user.pk if history_user is not None else None,
    }
    tracked = {field.attname for field in history._meta.concrete_fields}
    history_fixed = {
        **{name: value for name, value in fixed.items() if name in tracked},
        **{
            name: history._meta.get_field(name).get_db_prep_save(value, connection)
            for name, value in extra.items()
        },
    }
    _insert(history, ["id", *columns, *history_fixed], written, tuple(history_fixed.values()))
    return len(rows)


def _fixed_values(
    model: type[models.Model], columns: Sequence[str], constants: Mapping[str, Any], now
) -> dict[str, Any]:
    """Every concrete column but the primary key and `columns`, prepared once for all rows."""
    fixed = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in columns:
            continue
        if field.attname in constants:
            value = constants[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        fixed[field.attname] = field.get_db_prep_save(value, connection)
    return fixed


def _insert(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[tuple], tail: tuple
) -> None:
    """INSERT each row followed by `tail`, many rows per statement."""
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(name).column) for name in attnames)
    if connection.vendor == "postgresql":
        _insert_unnest(model, attnames, names, list(rows), tail)
        return
    width = len(attnames)
    size = BATCH_SIZE
    if connection.features.max_query_params:
        size = max(1, min(size, connection.features.max_query_params // width))
    row_sql = "(" + ", ".join(["%s"] * width) + ")"
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            # Table and column names come from the model's meta, quoted; values are parameters.
            sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES " + ", ".join(  # nosec B608
                [row_sql] * len(batch)
            )
            cursor.execute(sql, [value for row in batch for value in (*row, *tail)])


def _insert_unnest(model, attnames: Sequence[str], names: str, rows: list[tuple], tail: tuple):
    """PostgreSQL: one INSERT … SELECT FROM UNNEST of one array per varying column (what
    Django 5.2's own bulk_create sends there): a short statement the server parses and plans
    once, instead of thousands of VALUES tuples."""
    meta = model._meta
    fields = [meta.get_field(name) for name in attnames]
    varying, fixed = fields[: len(fields) - len(tail)], fields[len(fields) - len(tail) :]
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in varying)
    scalars = "".join(f", %s::{field.db_type(connection)}" for field in fixed)
    # Table, column names and types come from the model's meta; values are parameters.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names}) "  # nosec B608
        f"SELECT rows.*{scalars} FROM UNNEST({arrays}) AS rows"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UNNEST_BATCH_SIZE):
            batch = rows[start : start + UNNEST_BATCH_SIZE]
            columns = [list(column) for column in zip(*batch, strict=True)]
            cursor.execute(sql, [*tail, *columns])  # in the order of the placeholders
