"""``loaddata`` (our override) on broken fixtures: a clear error, and the database left untouched.

Every broken fixture starts with valid entries that are new to the database (a small catalog of
its own, and on a loaded database also a changed title of an existing practice), so the test
proves that what was written before the failure is rolled back, both on an empty database and on
one holding the shipped catalog. The ``transaction=True`` variants run without the test's
surrounding transaction, so ``loaddata``'s own atomic block is the real, outermost transaction.
"""

from __future__ import annotations

import gzip
import io
import json
import sys

import pytest
from django.core.management.base import CommandError

from models_catalog.models import ProcessArea, SpecificPractice

from .conftest import FIXTURE, SLUG, load, mini_catalog, row_counts, snapshot, write_fixture

# A change to an existing row, placed before the bad entry when the catalog is loaded.
RETITLE_REQM_SP_1_1 = {
    "model": "models_catalog.specificpractice",
    "fields": {"goal": [SLUG, "REQM", 1], "number": 1, "title": "Changed by a bad fixture"},
}


def practice(goal: list, number: int, title: str = "A practice") -> dict:
    return {
        "model": "models_catalog.specificpractice",
        "fields": {"goal": goal, "number": number, "title": title},
    }


def valid_prefix(loaded: bool) -> list[dict]:
    """Valid entries, new to the database; on a loaded database also one that changes a row."""
    return mini_catalog("new") + ([RETITLE_REQM_SP_1_1] if loaded else [])


# name -> (bad entries appended to the valid prefix, expected text of the error)
BROKEN = {
    "practice_of_unknown_pa": (
        [practice(["new", "XYZ", 1], 1)],
        "models_catalog.specificpractice refers to unknown goal ['new', 'XYZ', 1]",
    ),
    "goal_of_unknown_pa": (
        [
            {
                "model": "models_catalog.specificgoal",
                "fields": {"process_area": [SLUG, "XYZ"], "number": 1, "title": "G"},
            }
        ],
        f"models_catalog.specificgoal refers to unknown process_area ['{SLUG}', 'XYZ']",
    ),
    "duplicate_practice": (
        [practice(["new", "ABC", 1], 1, "The same practice again")],
        "models_catalog.specificpractice ('new', 'ABC', 1, 1) appears twice (entries 7 and ",
    ),
    "pa_of_unknown_category": (
        [
            {
                "model": "models_catalog.processarea",
                "fields": {
                    "constellation": ["new"],
                    "acronym": "DEF",
                    "name": "Delta",
                    "category": ["new", "No such category"],
                    "maturity_level": ["new", 2],
                },
            }
        ],
        "(models_catalog.processarea ('new', 'DEF')): models_catalog.processarea refers to "
        "unknown category ['new', 'No such category']",
    ),
    "itsm_process_of_unknown_pa": (
        [
            {
                "model": "models_catalog.itsmprocess",
                "fields": {
                    "constellation": ["new"],
                    "name": "Incident Management",
                    "standard": "BS 15000-1:2002",
                    "process_areas": [["new", "ABC"], ["new", "XYZ"]],
                },
            }
        ],
        "models_catalog.itsmprocess refers to unknown process_areas ['new', 'XYZ']",
    ),
    "unknown_constellation": (
        [
            {
                "model": "models_catalog.maturitylevel",
                "fields": {"constellation": ["nope"], "number": 1, "name": "I"},
            }
        ],
        "models_catalog.maturitylevel refers to unknown constellation ['nope']",
    ),
    "database_constraint": (
        [
            {
                "model": "models_catalog.maturitylevel",
                "fields": {"constellation": ["new"], "number": 6, "name": "?"},
            }
        ],
        "(models_catalog.maturitylevel ('new', 6)): Could not load",
    ),
    "not_applicable_flag_not_a_boolean": (
        [
            {
                "model": "models_catalog.processarea",
                "fields": {
                    "constellation": ["new"],
                    "acronym": "DEF",
                    "name": "Delta",
                    "category": ["new", "Cat"],
                    "maturity_level": ["new", 2],
                    "may_be_not_applicable": "sometimes",
                },
            }
        ],
        "must be either True or False",
    ),
    "unknown_field": (
        [{"model": "models_catalog.category", "fields": {"constellation": ["new"], "nmae": "X"}}],
        "(models_catalog.category): Category has no field named 'nmae'",
    ),
}


def assert_refused(path, expected: str) -> str:
    before_counts, before = row_counts(), snapshot()
    with pytest.raises(CommandError) as error:
        load(path, verbosity=0)
    message = str(error.value)
    assert f"'{path}'" in message
    assert expected in message, message
    assert row_counts() == before_counts
    assert snapshot() == before
    return message


@pytest.fixture(params=["empty", "loaded"])
def state(request, db) -> str:
    if request.param == "loaded":
        load(FIXTURE, verbosity=0)
    return request.param


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_fixture_changes_nothing(state, case, tmp_path):
    bad_entries, expected = BROKEN[case]
    entries = valid_prefix(state == "loaded") + bad_entries
    path = write_fixture(tmp_path / f"cmmi_{case}.json", entries)
    message = assert_refused(path, expected)
    if case != "duplicate_practice":
        assert f"entry {len(entries)}" in message  # the bad entry is the last one


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", ["practice_of_unknown_pa", "duplicate_practice"])
def test_broken_fixture_rolls_back_a_real_transaction(case, tmp_path):
    load(FIXTURE, verbosity=0)
    bad_entries, expected = BROKEN[case]
    path = write_fixture(tmp_path / f"cmmi_{case}.json", valid_prefix(True) + bad_entries)
    assert_refused(path, expected)
    assert (
        SpecificPractice.objects.get(
            goal__process_area__acronym="REQM", goal__number=1, number=1
        ).title
        == "Obtain an Understanding of Requirements"
    )


@pytest.mark.django_db(transaction=True)
def test_broken_fixture_on_an_empty_database_real_transaction(tmp_path):
    path = write_fixture(
        tmp_path / "cmmi_x.json", mini_catalog("new") + [practice(["new", "XYZ", 1], 1)]
    )
    assert_refused(path, "refers to unknown goal ['new', 'XYZ', 1]")
    assert sum(row_counts().values()) == 0


@pytest.mark.django_db
def test_bad_json(state, tmp_path):
    text = json.dumps(valid_prefix(state == "loaded"), indent=1)
    path = tmp_path / "cmmi_x.json"
    path.write_text(text[:-40], encoding="utf-8")  # cut off in the middle of an entry
    assert_refused(path, "not valid JSON: ")


@pytest.mark.django_db
def test_entry_that_is_not_an_object(state, tmp_path):
    path = write_fixture(tmp_path / "cmmi_x.json", [*mini_catalog("new"), "oops"])
    assert_refused(path, "entry 8 is not an object with 'model' and 'fields'")


@pytest.mark.django_db
def test_duplicate_across_the_files_of_one_run(state, tmp_path):
    first = write_fixture(tmp_path / "a.json", mini_catalog("new"))
    second = write_fixture(tmp_path / "b.json", [practice(["new", "ABC", 1], 1, "Again")])
    before = snapshot()
    with pytest.raises(CommandError) as error:
        load(first, second, verbosity=0)
    assert str(error.value) == (
        f"Duplicate entry in fixture '{second}': models_catalog.specificpractice "
        f"('new', 'ABC', 1, 1) appears twice (entry 1; first in '{first}', entry 7)"
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_the_same_fixture_twice_in_one_run_is_refused(db):
    with pytest.raises(
        CommandError, match=r"models_catalog.constellation \('cmmi-svc-draft-2007',\) appears twice"
    ):
        load(FIXTURE, FIXTURE, verbosity=0)
    assert sum(row_counts().values()) == 0


@pytest.mark.django_db
def test_entry_numbers_count_entries_skipped_by_ignorenonexistent(tmp_path):
    entries = [{"model": "models_catalog.gone", "fields": {}}, *mini_catalog("new")]
    entries.append(practice(["new", "XYZ", 1], 1))
    path = write_fixture(tmp_path / "cmmi_x.json", entries)
    with pytest.raises(CommandError, match="entry 9: models_catalog.specificpractice refers"):
        load(path, verbosity=0, ignore=True)


@pytest.mark.django_db
def test_gzipped_fixture_errors_name_the_entry(tmp_path):
    path = tmp_path / "cmmi_x.json.gz"
    entries = [*mini_catalog("new"), practice(["new", "XYZ", 1], 1)]
    path.write_bytes(gzip.compress(json.dumps(entries).encode()))
    assert_refused(path, "entry 8: models_catalog.specificpractice refers to unknown goal")


@pytest.mark.django_db
def test_valid_fixture_with_forward_many_to_many_reference_loads(tmp_path):
    """A many-to-many reference to an entry further down the file is resolved, as in Django."""
    entries = mini_catalog("new")
    itsm = {
        "model": "models_catalog.itsmprocess",
        "fields": {
            "constellation": ["new"],
            "name": "X",
            "standard": "S",
            "process_areas": [["new", "LATE"]],
        },
    }
    late_pa = json.loads(json.dumps(entries[4]))
    late_pa["fields"]["acronym"] = "LATE"
    path = write_fixture(tmp_path / "cmmi_x.json", [*entries, itsm, late_pa])
    load(path, verbosity=0)
    assert ProcessArea.objects.get(acronym="LATE").itsm_processes.get().name == "X"


@pytest.mark.django_db
def test_reading_from_stdin_still_works(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(mini_catalog("new"))))
    load("-", format="json", verbosity=0)
    assert row_counts()["models_catalog.specificpractice"] == 1


@pytest.mark.django_db
def test_errors_on_stdin_name_it(monkeypatch):
    entries = [*mini_catalog("new"), practice(["new", "XYZ", 1], 1)]
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(entries)))
    with pytest.raises(CommandError, match="Problem installing fixture '-'"):
        load("-", format="json", verbosity=0)
    assert sum(row_counts().values()) == 0


@pytest.mark.django_db
def test_a_good_load_after_a_refused_one(tmp_path):
    path = write_fixture(
        tmp_path / "cmmi_x.json", [*mini_catalog("new"), practice(["new", "XYZ", 1], 1)]
    )
    with pytest.raises(CommandError):
        load(path, verbosity=0)
    load(FIXTURE, verbosity=0)
    assert row_counts()["models_catalog.processarea"] == 25
