"""The set-up rules live once (assessments/validators.py): services refuse in words, before the
database's named constraints (which carry the same words) could."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments import services, validators
from assessments.exchange import ExchangeError, import_appraisal
from assessments.exchange.export import export_appraisal
from assessments.models import Appraisal, Characterization, Membership, Role, StatusChange
from models_catalog.models import ProcessArea


def _create(org, variant, lead, **fields):
    return services.appraisal_create(
        organisation=org, name="Set-up", variant=variant, user=lead, **fields
    )


def test_a_staged_appraisal_without_target_is_refused_with_every_problem(org, base_variant, lead):
    with pytest.raises(ValidationError) as caught:
        _create(
            org,
            base_variant,
            lead,
            representation="staged",
            start_date=datetime.date(2027, 3, 1),
            end_date=datetime.date(2027, 1, 1),
        )

    assert caught.value.message_dict == {
        "target_maturity_level": [validators.STAGED_TARGET_MISSING],
        "end_date": [validators.DATE_ORDER],
    }
    assert not Appraisal.objects.exists()


def test_a_continuous_starting_level_becomes_the_profile_of_every_pa(org, base_variant, lead):
    appraisal = _create(
        org, base_variant, lead, representation="continuous", target_capability_level=2
    )

    levels = set(appraisal.scope_items.values_list("target_capability_level", flat=True))
    assert appraisal.scope_items.count() == 22 and levels == {2}


def test_a_continuous_level_above_the_model_is_refused_once(org, base_variant, lead):
    top = base_variant.constellation.max_capability_level

    with pytest.raises(ValidationError) as caught:
        _create(
            org, base_variant, lead, representation="continuous", target_capability_level=top + 1
        )

    assert caught.value.message_dict == {
        "target_capability_level": [
            f"{base_variant.constellation} has capability levels up to {top}."
        ]
    }


def test_an_instance_may_not_cover_a_pa_outside_the_variant(appraisal):
    ssd = ProcessArea.objects.get(constellation=appraisal.variant.constellation, acronym="SSD")

    with pytest.raises(ValidationError) as caught:
        services.instance_save(
            appraisal=appraisal, key="lab", name="Lab", kind="service", process_areas=[ssd]
        )

    assert caught.value.messages == ["SSD is not a process area of CMMI-SVC."]
    assert not appraisal.instances.filter(key="lab").exists()


def test_the_importer_asks_the_same_rule_for_a_staged_target(appraisal):
    data = export_appraisal(appraisal)
    data["appraisal"]["name"] = "Imported"
    data["appraisal"]["target_maturity_level"] = None

    with pytest.raises(ExchangeError) as caught:
        import_appraisal(data, organisation=appraisal.organisation)

    assert (
        "appraisal.target_maturity_level: a staged appraisal needs a target maturity level"
        in caught.value.messages
    )


def test_constraints_carry_words_not_names(appraisal):
    appraisal.start_date, appraisal.end_date = datetime.date(2027, 3, 1), datetime.date(2027, 1, 1)

    with pytest.raises(ValidationError) as caught:
        appraisal.validate_constraints()

    assert caught.value.messages == [validators.DATE_ORDER]


def test_a_status_change_with_an_unknown_status_is_refused_by_the_database(appraisal):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(appraisal=appraisal, from_status="rating", to_status="done")


def test_member_add_creates_the_account_and_the_membership(org, org_admin):
    membership = services.member_add(
        organisation=org,
        role=Role.VIEWER,
        username="newbie",
        password="x-Long-pass-42",
        actor=org_admin,
    )

    assert membership.user.username == "newbie"
    assert membership.user.check_password("x-Long-pass-42")
    assert membership.role == Role.VIEWER


def test_a_refused_membership_leaves_no_account(org, viewer):
    with pytest.raises(ValidationError):
        services.member_add(
            organisation=org, role=Role.VIEWER, username="ghost", password="x", actor=viewer
        )

    assert not Membership.objects.filter(user__username="ghost").exists()
    assert not type(viewer).objects.filter(username="ghost").exists()


def test_seeding_cells_raises_the_revision_once(appraisal, team_member):
    instance = appraisal.instances.get(key="desk")
    pa = instance.process_areas.get(acronym="REQM")
    practices = list(pa.goals.get(number=1).practices.all())
    before = Appraisal.objects.get(pk=appraisal.pk).revision

    services.characterizations_seed(
        appraisal=appraisal,
        rows=[
            Characterization(
                appraisal=appraisal,
                sampled_instance=instance,
                process_area=pa,
                specific_practice=sp,
                value="FI",
            )
            for sp in practices
        ],
        user=team_member,
    )

    after = Appraisal.objects.get(pk=appraisal.pk).revision
    assert after == before + 1
    assert set(Characterization.objects.values_list("revision", flat=True)) == {after}
    assert Characterization.history.count() == len(practices)


def test_seeding_refuses_another_appraisals_cells(appraisal, org, base_variant, lead):
    other = _create(org, base_variant, lead, representation="staged", target_maturity_level=2)
    instance = appraisal.instances.get(key="desk")
    pa = instance.process_areas.get(acronym="REQM")

    with pytest.raises(ValidationError):
        services.characterizations_seed(
            appraisal=other,
            rows=[
                Characterization(
                    appraisal=appraisal,
                    sampled_instance=instance,
                    process_area=pa,
                    specific_practice=pa.goals.get(number=1).practices.first(),
                    value="FI",
                )
            ],
            user=lead,
        )
    assert not Characterization.objects.exists()
