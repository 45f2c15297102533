"""The demo organisation, its users and a partly rated appraisal (`manage.py seed_demo`)."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments import services
from assessments.engine_input import load_appraisal_state
from assessments.models import Appraisal, Characterization, Organisation, Role, ScopeItem
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceLink
from models_catalog.models import ModelVariant

ORGANISATION = "Acme IT Services"
APPRAISAL = "2026 service self-assessment"
USERS = [
    ("viewer", Role.VIEWER, "Vera Viewer"),
    ("member", Role.TEAM_MEMBER, "Tom Member"),
    ("lead", Role.LEAD_APPRAISER, "Lea Lead"),
    ("orgadmin", Role.ORG_ADMIN, "Ada Admin"),
]
# The demo accounts' published password (README), not a secret.
PASSWORD = "cmmisvc-demo"  # nosec B105
INSTANCES = [
    ("service-desk", "Service desk", "service"),
    ("hosting", "Managed hosting", "service"),
    ("network-ops", "Network operations", "team"),
]
# How mature each ML2 process area of Acme looks: weights of FI, LI, PI, NI.
PROFILES = {"good": (7, 3, 0, 0), "fair": (4, 4, 2, 0), "weak": (1, 2, 4, 3)}
NEIGHBOUR = {"FI": "LI", "LI": "FI", "PI": "NI", "NI": "PI"}
ACROSS = {"FI": "PI", "LI": "PI", "PI": "LI", "NI": "LI"}


@transaction.atomic
def seed_demo(*, variant_slug: str = "cmmi-svc", constellation: str = "cmmi-svc-draft-2007"):
    """Create what is missing; never touch what exists. Returns (organisation, appraisal, users)."""
    User = get_user_model()
    organisation, _ = Organisation.objects.get_or_create(
        slug="acme", defaults={"name": ORGANISATION}
    )
    users = []
    for username, role, full_name in USERS:
        first, last = full_name.split()
        membership = services.member_add(
            organisation=organisation,
            role=role,
            user=User.objects.filter(username=username).first(),
            username=username,
            password=PASSWORD,
            first_name=first,
            last_name=last,
        )
        users.append((membership.user, role))
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    appraisal = organisation.appraisals.filter(name=APPRAISAL).first()
    if appraisal is None:
        appraisal = _demo_appraisal(
            organisation,
            ModelVariant.objects.get(constellation__slug=constellation, slug=variant_slug),
            dict((role, user) for user, role in users),
        )
    return organisation, appraisal, users


def _demo_appraisal(organisation, variant, users) -> Appraisal:
    lead, member = users[Role.LEAD_APPRAISER], users[Role.TEAM_MEMBER]
    appraisal = services.appraisal_create(
        organisation=organisation,
        name=APPRAISAL,
        variant=variant,
        representation=Appraisal.Representation.STAGED,
        target_maturity_level=2,
        start_date=datetime.date(2026, 10, 5),
        end_date=datetime.date(2026, 12, 11),
        team="Lea Lead (lead appraiser)\nTom Member\nVera Viewer (sponsor)",
        status=Appraisal.Status.RATING,
        user=lead,
    )
    sam = appraisal.scope_items.get(process_area__acronym="SAM")
    services.scope_item_update(
        item=sam,
        applicability=ScopeItem.Applicability.NOT_APPLICABLE,
        justification="Acme runs its services without suppliers of service components.",
    )
    state = load_appraisal_state(appraisal)
    in_scope = [state.catalog.process_areas[acr] for acr in state.in_scope]
    for key, name, kind in INSTANCES:
        covered = [pa for pa in in_scope if not (key == "network-ops" and pa.acronym == "REQM")]
        services.instance_save(
            appraisal=appraisal, key=key, name=name, kind=kind, process_areas=covered
        )
    state = load_appraisal_state(appraisal)
    # Repeatable demo ratings, nothing secret.
    rng = random.Random(2007)  # nosec B311
    profiles = {"REQM": "good", "IRM": "good", "CM": "good", "PP": "fair", "PMC": "fair"}
    rows = []
    for acronym in state.in_scope:
        weights = PROFILES[profiles.get(acronym, "weak")]
        pa = state.catalog.process_areas[acronym]
        for code in state.results.process_areas[acronym].practices:
            practice = state.catalog.practice(acronym, code)
            # Instances of one organisation mostly agree: each varies around a common value,
            # and only now and then across the LI/PI line (which leaves a team judgment).
            base = rng.choices(["FI", "LI", "PI", "NI"], weights=weights)[0]
            for instance in state.coverage.get(acronym, []):
                # The weakest areas are still partly unrated: the team is at work on them.
                if acronym in ("MA", "PPQA") and rng.random() < 0.6:
                    continue
                value = base
                roll = rng.random()
                if roll < 0.15:
                    value = NEIGHBOUR[base]
                elif roll < 0.18:
                    value = ACROSS[base]
                rows.append(
                    Characterization(
                        appraisal=appraisal,
                        sampled_instance=instance,
                        process_area=pa,
                        specific_practice=practice if code.startswith("SP") else None,
                        generic_practice=practice if code.startswith("GP") else None,
                        value=value,
                        note="Seen in the demo evidence review." if value in ("PI", "NI") else "",
                        updated_by=member,
                    )
                )
    services.characterizations_seed(appraisal=appraisal, rows=rows, user=member)
    _demo_evidence(organisation, appraisal, rows, member)
    for row in rows[:: max(1, len(rows) // 40)]:
        # A few cells edited later, so the demo shows a history.
        row.refresh_from_db()
        services.characterization_set(
            appraisal=appraisal,
            instance=row.sampled_instance,
            process_area=row.process_area,
            practice=row.specific_practice or row.generic_practice,
            expected_version=row.version,
            user=member,
            value="FI",
            note="Re-rated after the evidence workshop.",
        )
    findings = [
        (
            "IRM",
            "strength",
            "Incidents are logged, prioritised and tracked to closure in one tool.",
        ),
        ("REQM", "strength", "Service level agreements are reviewed with each customer yearly."),
        ("PMC", "weakness", "Service reviews do not compare actual effort with the plan."),
        ("MA", "weakness", "Measures are collected but nobody analyses them."),
    ]
    for acronym, kind, text in findings:
        services.finding_create(
            appraisal=appraisal,
            process_area=state.catalog.process_areas[acronym],
            kind=kind,
            text=text,
            user=lead,
        )
    return appraisal


def _demo_evidence(organisation, appraisal, rows, member) -> None:
    """Per instance, its handbook (a direct artifact) and an interview of its team, linked to the
    cells it rated; the weak areas lack them, so the demo shows uncovered cells."""
    items = {}
    for key, name, _kind in INSTANCES:
        items[key] = (
            evidence_services.item_create(
                organisation=organisation,
                kind=EvidenceItem.Kind.ARTIFACT,
                artifact_kind=EvidenceItem.ArtifactKind.DOCUMENT,
                title=f"{name} handbook",
                version="2026.2",
                owner=f"{name} manager",
                user=member,
            ),
            evidence_services.item_create(
                organisation=organisation,
                kind=EvidenceItem.Kind.AFFIRMATION,
                affirmation_kind=EvidenceItem.AffirmationKind.INTERVIEW,
                title=f"Interview: {name} team",
                date=datetime.date(2026, 10, 20),
                roles_heard="Service manager, two engineers",
                speaks_for=name,
                user=member,
            ),
        )
    links = []
    for row in rows:
        if not row.value or row.process_area.acronym in ("MA", "PPQA"):
            continue
        artifact, affirmation = items[row.sampled_instance.key]
        for item, pii in ((artifact, EvidenceLink.Pii.DIRECT), (affirmation, "")):
            links.append(
                EvidenceLink(
                    item=item,
                    appraisal=appraisal,
                    sampled_instance=row.sampled_instance,
                    process_area=row.process_area,
                    specific_practice=row.specific_practice,
                    generic_practice=row.generic_practice,
                    pii=pii,
                    created_by=member,
                )
            )
    evidence_services.links_seed(appraisal=appraisal, links=links, user=member)
