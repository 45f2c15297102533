"""Django's ``loaddata``, stricter about catalog fixtures.

Our app comes before ``django.contrib`` in INSTALLED_APPS, so this command replaces Django's. It
keeps Django's behaviour, including the one ``transaction.atomic`` block around the whole run, so
that a failure leaves the database exactly as it was, and adds:

- a run that holds the same entry twice (same model and natural key, in one file or across the files
  of one run) is refused, instead of the later entry silently overwriting the earlier one;
- a reference to an entry that is neither in the database nor earlier in the run is reported with
  the fixture, the entry's position and model, the field and the natural key that was not found
  (Django says "SpecificPractice has no goal" or, for a required foreign key, fails on NOT NULL);
- a file that is not valid JSON is reported with the parser's reason (Django gives none);
- every failure is a ``CommandError``: a clean message, not a traceback, on the command line.

How it knows where it is: Django 5.2's ``load_label`` opens each fixture file through
``compression_formats`` and hands the deserialized entries to ``save_obj`` one by one, in file
order. An error while Django deserializes an entry comes before ``save_obj`` sees it; that entry is
then found again by re-reading the (JSON) file.
"""

from __future__ import annotations

import json
import os

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import DatabaseError
from django.utils.functional import cached_property

READ_STDIN = loaddata.READ_STDIN


def _cause(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` in the chain of ``exc`` (``exc`` included)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _shown(value) -> str:
    """A key as the messages show it: ['cmmi-svc-draft-2007', 'REQM'], or a pk's repr."""
    return repr(list(value)) if isinstance(value, list | tuple) else repr(value)


def unknown_reference(model, field, value, using) -> str | None:
    """Why ``value`` (a natural key or a pk) of relation ``field`` finds no row; None if it does."""
    if value is None:
        return None
    label = model._meta.label_lower
    target = field.remote_field.model
    manager = target._default_manager.db_manager(using)
    try:
        if isinstance(value, list | tuple) and hasattr(manager, "get_by_natural_key"):
            manager.get_by_natural_key(*value)
            return None
        if manager.filter(pk=value).exists():
            return None
    except ObjectDoesNotExist:
        pass
    except (TypeError, ValueError, ValidationError, target.MultipleObjectsReturned) as exc:
        return f"{label} refers to {field.name} {_shown(value)}, which is not a valid key ({exc})"
    return f"{label} refers to unknown {field.name} {_shown(value)}"


class _DeferredEntry:
    """Stands in for a deserialized object in Django's end-of-run pass over deferred relations.

    Django resolves forward references (many-to-many, nullable foreign keys) after the last file;
    when one still finds nothing, its error names neither the fixture nor the key. This checks
    first and names both.
    """

    def __init__(self, command: Command, obj, fixture_file: str, number: int, key):
        self.command, self.obj = command, obj
        self.fixture_file, self.number, self.key = fixture_file, number, key

    def save_deferred_fields(self, using=None):
        model = type(self.obj.object)
        for field, value in self.obj.deferred_fields.items():
            for item in value if field.many_to_many else [value]:
                problem = unknown_reference(model, field, item, using)
                if problem:
                    where = self.command.where(self.fixture_file, self.number, model, self.key)
                    raise CommandError(f"{where}: {problem}")
        self.obj.save_deferred_fields(using=using)


class Command(loaddata.Command):
    help = (
        "Installs the named fixture(s) in the database, atomically. Refuses a run that holds the "
        "same entry (model and natural key) twice, and names the fixture entry behind any error."
    )

    def loaddata(self, fixture_labels):
        # (model label, natural key) -> (fixture file, entry number): every entry of this run.
        self.entries_seen: dict[tuple[str, tuple], tuple[str, int]] = {}
        self.current_file: str | None = None  # the file Django opened last
        self.entries_read = 0  # entries of current_file handed to save_obj so far
        self.in_save = False  # True from save_obj's start until it returns
        # (model, pk) -> the instance saved in this run, so that natural_key() of a later entry
        # follows its foreign keys without a query per hop.
        self.saved: dict[tuple[type, object], object] = {}
        try:
            super().loaddata(fixture_labels)
        except CommandError:
            raise
        except Exception as exc:  # e.g. the final foreign-key check: Django's message stands
            raise CommandError(str(exc)) from exc

    def load_label(self, fixture_label):
        try:
            super().load_label(fixture_label)
        except CommandError:
            raise
        except Exception as exc:
            raise CommandError(self.explain(exc)) from exc

    @cached_property
    def compression_formats(self):
        """Django's openers, each also noting which fixture file is being read."""
        plain = loaddata.Command.compression_formats.func(self)
        return {fmt: (self.noting(opener), mode) for fmt, (opener, mode) in plain.items()}

    def noting(self, opener):
        def open_fixture(path, *args):
            self.current_file, self.entries_read, self.in_save = path, 0, False
            return opener(path, *args)

        return open_fixture

    # -- per entry ------------------------------------------------------------------------------

    def save_obj(self, obj):
        self.entries_read += 1
        self.in_save = True
        fixture_file, number = self.current_file, self.entries_read
        model = type(obj.object)
        key = None
        excluded = (
            obj.object._meta.app_config in self.excluded_apps or model in self.excluded_models
        )
        if not excluded:
            self.reuse_saved_parents(obj.object)
            key = self.refuse_duplicate(obj, fixture_file, number)
            # Django defers a reference it cannot resolve yet, hoping a later entry supplies it;
            # a required foreign key cannot wait (the row would be saved with NULL), so say why.
            for field, value in obj.deferred_fields.items():
                if field.many_to_one and not field.null:
                    problem = unknown_reference(model, field, value, self.using)
                    where = self.where(fixture_file, number, model, key)
                    raise CommandError(f"{where}: {problem or f'{field.name} is unresolved'}")
        try:
            saved = super().save_obj(obj)
        except (DatabaseError, ValueError) as exc:  # Django's message names the model and error
            raise CommandError(f"{self.where(fixture_file, number, model, key)}: {exc}") from exc
        if saved:
            self.saved[(model, obj.object.pk)] = obj.object
        deferred = self.objs_with_deferred_fields
        if obj.deferred_fields and deferred and deferred[-1] is obj:
            deferred[-1] = _DeferredEntry(self, obj, fixture_file, number, key)
        self.in_save = False
        return saved

    def reuse_saved_parents(self, instance) -> None:
        """Attach the parents saved earlier in this run to ``instance``'s foreign keys."""
        for field in instance._meta.concrete_fields:
            if (
                field.many_to_one
                and field.target_field.primary_key
                and not field.is_cached(instance)
            ):
                parent = self.saved.get((field.related_model, getattr(instance, field.attname)))
                if parent is not None:
                    field.set_cached_value(instance, parent)

    def refuse_duplicate(self, obj, fixture_file: str, number: int) -> tuple | None:
        """The entry's natural key (None without one); CommandError if the run had it before."""
        if not hasattr(obj.object, "natural_key"):
            return None
        try:
            key = tuple(obj.object.natural_key())
        except ObjectDoesNotExist:
            return None
        label = obj.object._meta.label_lower
        first = self.entries_seen.get((label, key))
        if first is not None:
            first_file, first_number = first
            here, there = (
                self.file_position(fixture_file, number),
                self.file_position(first_file, first_number),
            )
            if first_file == fixture_file:
                entries = f"entries {there} and {here}"
            else:
                entries = f"entry {here}; first in '{first_file}', entry {there}"
            raise CommandError(
                f"Duplicate entry in fixture '{fixture_file}': {label} {key!r} appears twice "
                f"({entries})"
            )
        self.entries_seen[(label, key)] = (fixture_file, number)
        return key

    def where(self, fixture_file: str, number: int, model=None, key=None) -> str:
        """``Problem installing fixture 'F': entry N (app.model (natural key))``."""
        position = self.file_position(fixture_file, number)
        text = f"Problem installing fixture '{fixture_file}': entry {position}"
        if model is not None:
            text += f" ({model._meta.label_lower}{'' if key is None else f' {key!r}'})"
        return text

    # -- explaining Django's errors -------------------------------------------------------------

    def explain(self, exc: Exception) -> str:
        """A message naming the fixture and, where it can be found, the entry behind ``exc``."""
        if self.current_file is None:
            return str(exc)
        prefix = f"Problem installing fixture '{self.current_file}'"
        bad_json = _cause(exc, json.JSONDecodeError)
        if bad_json is not None:
            return f"{prefix}: not valid JSON: {bad_json}"
        message = str(exc)
        if not message.startswith(prefix):
            message = f"{prefix}: {message}"
        if self.in_save:
            return message
        # Django failed while turning the next entry into an object: find that entry.
        number = self.entries_read + 1
        entries = self.raw_entries(self.current_file)
        index = self.raw_index(entries, number)
        if index is None:
            return message
        entry = entries[index]
        where = f"{prefix}: entry {index + 1}"
        if not isinstance(entry, dict) or "model" not in entry or "fields" not in entry:
            return f"{where} is not an object with 'model' and 'fields'"
        if _cause(exc, ObjectDoesNotExist) is not None:
            problem = self.unresolved_in(entry)
            if problem:
                return f"{where}: {problem}"
        detail = str(exc.__cause__ or exc).removeprefix(prefix + ": ")
        return f"{where} ({entry['model']}): {detail}"

    def raw_entries(self, fixture_file: str) -> list | None:
        """The fixture's entries as plain JSON data, or None when they can't be re-read."""
        if fixture_file == READ_STDIN:
            return None
        _name, ser_fmt, cmp_fmt = self.parse_name(os.path.basename(fixture_file))
        if ser_fmt != "json":
            return None
        opener, mode = loaddata.Command.compression_formats.func(self)[cmp_fmt]
        try:
            with opener(fixture_file, mode) as fixture:
                data = fixture.read()
            entries = json.loads(data.decode() if isinstance(data, bytes) else data)
        except (OSError, ValueError):
            return None
        return entries if isinstance(entries, list) else None

    def raw_index(self, entries: list | None, number: int) -> int | None:
        """Index in the file of the ``number``-th entry Django deserializes (1-based)."""
        if entries is None:
            return None
        for index, entry in enumerate(entries):
            if self.ignore and isinstance(entry, dict) and not self.known_model(entry):
                continue  # --ignorenonexistent: Django skips it without a word
            number -= 1
            if number == 0:
                return index
        return None

    def file_position(self, fixture_file: str, number: int) -> int:
        """1-based position in the file of the ``number``-th deserialized entry."""
        if not self.ignore:
            return number
        index = self.raw_index(self.raw_entries(fixture_file), number)
        return number if index is None else index + 1

    @staticmethod
    def known_model(entry: dict) -> bool:
        try:
            apps.get_model(entry.get("model"))
        except (LookupError, TypeError, ValueError):
            return False
        return True

    def unresolved_in(self, entry: dict) -> str | None:
        """The first relation of a raw entry whose key finds no row, described."""
        if not self.known_model(entry) or not isinstance(entry["fields"], dict):
            return None
        model = apps.get_model(entry["model"])
        for name, value in entry["fields"].items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.remote_field is None:
                continue
            for item in value if field.many_to_many and isinstance(value, list) else [value]:
                problem = unknown_reference(model, field, item, self.using)
                if problem:
                    return problem
        return None
