"""Writes to the evidence library and its links. Views, commands and importers call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from assessments.models import Appraisal, Instance, Organisation
from assessments.revision import begin_write
from assessments.services import _practice_fields
from evidence import files
from evidence.models import EvidenceItem, EvidenceLink
from models_catalog.models import GenericPractice, ProcessArea, SpecificPractice

TITLE_TAKEN = "The library already holds an {kind} called {title!r}."
OTHER_ORGANISATION = "The item belongs to another organisation."
INSTANCE_NOT_IN_APPRAISAL = "The instance belongs to another appraisal."
INSTANCE_DOES_NOT_COVER = "{instance} does not cover {acronym}."
PII_ONLY_FOR_ARTIFACTS = "Only an artifact link may say direct or indirect."
ALREADY_LINKED = "{title!r} is already linked to {acronym} {code} for {instance}."
LINKED_TO_FINAL = "{title!r} is linked to the final appraisal {appraisal}: reopen it first."
NOTHING_CHOSEN = "Choose at least one practice and one instance."
FILE_ONLY_FOR_ARTIFACTS = "Only an artifact may carry a file."

Practice = SpecificPractice | GenericPractice


def _clean_and_save(item: EvidenceItem, user) -> EvidenceItem:
    if not item.is_artifact:
        item.artifact_kind = ""
    else:
        item.affirmation_kind = ""
    taken = EvidenceItem.objects.filter(
        organisation_id=item.organisation_id, kind=item.kind, title=item.title
    ).exclude(pk=item.pk)
    if taken.exists():
        raise ValidationError({"title": TITLE_TAKEN.format(kind=item.kind, title=item.title)})
    item.full_clean()
    item._history_user = user
    item.save()
    return item


def item_create(
    *, organisation: Organisation, kind: str, title: str, user, upload=None, **fields
) -> EvidenceItem:
    """Add an item to the organisation's library; a title may appear once per kind.

    `upload` (an uploaded file) is checked and stored with it (`_store_file`); the item's
    `same_bytes` then lists the organisation's other items holding the same bytes.
    """
    item = EvidenceItem(
        organisation=organisation, kind=kind, title=title.strip(), created_by=user, **fields
    )
    item.same_bytes = []
    if upload is None:
        return _clean_and_save(item, user)
    return _store_file(item, upload, user)


@transaction.atomic
def item_update(*, item: EvidenceItem, user, upload=None, **fields) -> EvidenceItem:
    """Change an item's description fields (and its file); the forms keep its kind and
    organisation. A kind changed here changes the coverage of every cell it is linked to, so it
    raises the revision of each appraisal linked (refused when one is final)."""
    if "kind" in fields and fields["kind"] != item.kind:
        _raise_linked_revisions(item)
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.same_bytes = []
    if upload is None:
        return _clean_and_save(item, user)
    return _store_file(item, upload, user)


def _store_file(item: EvidenceItem, upload, user) -> EvidenceItem:
    """Check the upload (size, sniffed type, name, sha256), store it and save the item.

    The stored file is deleted again if saving fails; a replaced file is deleted once the
    transaction commits.
    """
    if not item.is_artifact:
        raise ValidationError({"upload": FILE_ONLY_FOR_ARTIFACTS})
    try:
        checked = files.check(upload)
    except ValueError as error:
        raise ValidationError({"upload": str(error)}) from None
    old = item.file.name if item.file else ""
    storage = item.file.storage
    item.file.save(checked.name, upload, save=False)
    stored = item.file.name
    item.file_name, item.file_size = checked.name, checked.size
    item.file_sha256, item.content_type = checked.sha256, checked.content_type
    try:
        with transaction.atomic():
            _clean_and_save(item, user)
    except Exception:
        storage.delete(stored)
        raise
    if old and old != stored:
        transaction.on_commit(lambda: storage.delete(old))
    item.same_bytes = list(
        EvidenceItem.objects.filter(
            organisation_id=item.organisation_id, file_sha256=checked.sha256
        )
        .exclude(pk=item.pk)
        .order_by("title")
    )
    return item


def item_for_title(
    *, organisation: Organisation, kind: str, title: str, user, **fields
) -> tuple[EvidenceItem, bool]:
    """The library's item of that kind and title, created with `fields` when there is none."""
    item = EvidenceItem.objects.filter(organisation=organisation, kind=kind, title=title).first()
    if item is not None:
        return item, False
    return item_create(organisation=organisation, kind=kind, title=title, user=user, **fields), True


@transaction.atomic
def item_delete(*, item: EvidenceItem, user) -> None:
    """Delete an item and its links; refused while it is linked to a final appraisal.

    Each appraisal it is linked to gets a new revision (its coverage changes).
    """
    _raise_linked_revisions(item)
    for link in item.links.all():
        link._history_user = user
        link.delete()
    stored = item.file.name if item.file else ""
    item._history_user = user
    item.delete()
    if stored:
        storage = item.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


def _raise_linked_revisions(item: EvidenceItem) -> None:
    """Raise the revision of every appraisal the item is linked to, in pk order (the order of
    the row locks, so two such writes cannot deadlock); refused when one of them is final."""
    appraisals = Appraisal.objects.filter(evidence_links__item=item).distinct().order_by("pk")
    for appraisal in appraisals:
        if appraisal.is_final:
            raise ValidationError(LINKED_TO_FINAL.format(title=item.title, appraisal=appraisal))
        begin_write(appraisal)


def _check_cell(
    appraisal: Appraisal, item: EvidenceItem, instance: Instance, process_area: ProcessArea
) -> None:
    if item.organisation_id != appraisal.organisation_id:
        raise ValidationError(OTHER_ORGANISATION)
    if instance.appraisal_id != appraisal.pk:
        raise ValidationError(INSTANCE_NOT_IN_APPRAISAL)


def _check_pii(item: EvidenceItem, pii: str) -> None:
    if pii and not item.is_artifact:
        raise ValidationError({"pii": PII_ONLY_FOR_ARTIFACTS})


def link_add(
    *,
    appraisal: Appraisal,
    item: EvidenceItem,
    instance: Instance,
    process_area: ProcessArea,
    practice: Practice,
    pii: str = "",
    user,
) -> EvidenceLink:
    """Link an item to one cell of the appraisal (DESIGN §3); refused on a final appraisal."""
    with transaction.atomic():
        begin_write(appraisal)
        _check_cell(appraisal, item, instance, process_area)
        _check_pii(item, pii)
        if not instance.process_areas.filter(pk=process_area.pk).exists():
            raise ValidationError(
                INSTANCE_DOES_NOT_COVER.format(instance=instance, acronym=process_area.acronym)
            )
        fields = _practice_fields(process_area, practice)
        if EvidenceLink.objects.filter(
            item=item, sampled_instance=instance, process_area=process_area, **fields
        ).exists():
            raise ValidationError(
                ALREADY_LINKED.format(
                    title=item.title,
                    acronym=process_area.acronym,
                    code=practice.code,
                    instance=instance,
                )
            )
        link = EvidenceLink(
            item=item,
            appraisal=appraisal,
            sampled_instance=instance,
            process_area=process_area,
            pii=pii,
            created_by=user,
            **fields,
        )
        link.full_clean()
        link._history_user = user
        link.save()
        return link


def link_delete(*, link: EvidenceLink, user) -> None:
    """Unlink an item from a cell; refused on a final appraisal."""
    with transaction.atomic():
        begin_write(link.appraisal)
        link._history_user = user
        link.delete()


def links_bulk_add(
    *,
    appraisal: Appraisal,
    item: EvidenceItem,
    process_area: ProcessArea,
    practices: Iterable[Practice],
    instances: Iterable[Instance],
    pii: str = "",
    user,
) -> int:
    """Link an item to every chosen practice × instance of one PA; returns how many links are
    new (cells already linked are left as they are). All or nothing."""
    practices, instances = list(practices), list(instances)
    if not practices or not instances:
        raise ValidationError(NOTHING_CHOSEN)
    with transaction.atomic():
        begin_write(appraisal)
        _check_pii(item, pii)
        covering = set(
            Instance.process_areas.through.objects.filter(
                processarea_id=process_area.pk, instance__appraisal=appraisal
            ).values_list("instance_id", flat=True)
        )
        existing = set(
            EvidenceLink.objects.filter(item=item, process_area=process_area).values_list(
                "sampled_instance_id", "specific_practice_id", "generic_practice_id"
            )
        )
        created = 0
        for instance in instances:
            _check_cell(appraisal, item, instance, process_area)
            if instance.pk not in covering:
                raise ValidationError(
                    INSTANCE_DOES_NOT_COVER.format(instance=instance, acronym=process_area.acronym)
                )
            for practice in practices:
                fields = _practice_fields(process_area, practice)
                identity = (
                    instance.pk,
                    getattr(fields["specific_practice"], "pk", None),
                    getattr(fields["generic_practice"], "pk", None),
                )
                if identity in existing:
                    continue
                link = EvidenceLink(
                    item=item,
                    appraisal=appraisal,
                    sampled_instance=instance,
                    process_area=process_area,
                    pii=pii,
                    created_by=user,
                    **fields,
                )
                link._history_user = user
                link.save()
                existing.add(identity)
                created += 1
        return created


def links_seed(*, appraisal: Appraisal, links: list[EvidenceLink], user) -> list[EvidenceLink]:
    """Create many new links of `appraisal` at once, with their history rows (the demo's bulk
    path); one revision raised for all (begin_write)."""
    with transaction.atomic():
        begin_write(appraisal)
        for link in links:
            if link.appraisal_id != appraisal.pk or link.pk is not None:
                raise ValidationError("Only new links of this appraisal can be seeded.")
        return bulk_create_with_history(links, EvidenceLink, default_user=user)
