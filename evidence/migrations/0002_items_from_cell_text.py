"""The cells' free-text `artifacts` and `affirmations` become library items linked to their cell:
one item per line, one item per identical title in an organisation (DESIGN §3, issue 9)."""

from django.db import migrations
from django.utils import timezone

from evidence.text import items_from_lines

REASON = "From the cell's free text"


def forward(apps, schema_editor):
    Characterization = apps.get_model("assessments", "Characterization")
    EvidenceItem = apps.get_model("evidence", "EvidenceItem")
    EvidenceLink = apps.get_model("evidence", "EvidenceLink")
    HistoricalItem = apps.get_model("evidence", "HistoricalEvidenceItem")
    HistoricalLink = apps.get_model("evidence", "HistoricalEvidenceLink")
    items: dict[tuple[int, str, str], object] = {}
    now = timezone.now()
    rows = (
        Characterization.objects.exclude(artifacts="", affirmations="")
        .select_related("appraisal")
        .order_by("pk")
    )
    for row in rows.iterator():
        organisation_id = row.appraisal.organisation_id
        for kind, text in (("artifact", row.artifacts), ("affirmation", row.affirmations)):
            for title, description in items_from_lines(text):
                key = (organisation_id, kind, title)
                item = items.get(key)
                if item is None:
                    item = EvidenceItem.objects.filter(
                        organisation_id=organisation_id, kind=kind, title=title
                    ).first()
                if item is None:
                    item = EvidenceItem.objects.create(
                        organisation_id=organisation_id,
                        kind=kind,
                        title=title,
                        description=description,
                        created_by_id=row.updated_by_id,
                    )
                    _history(HistoricalItem, item, now, EvidenceItem)
                items[key] = item
                link, created = EvidenceLink.objects.get_or_create(
                    item=item,
                    sampled_instance_id=row.sampled_instance_id,
                    process_area_id=row.process_area_id,
                    specific_practice_id=row.specific_practice_id,
                    generic_practice_id=row.generic_practice_id,
                    defaults={"appraisal_id": row.appraisal_id, "created_by_id": row.updated_by_id},
                )
                if created:
                    _history(HistoricalLink, link, now, EvidenceLink)


def _history(historical, obj, now, model) -> None:
    kept = {f.attname for f in historical._meta.concrete_fields}
    values = {
        f.attname: getattr(obj, f.attname)
        for f in model._meta.concrete_fields
        if f.attname in kept
    }
    historical.objects.create(
        **values, history_date=now, history_type="+", history_change_reason=REASON
    )


def backward(apps, schema_editor):
    """Put the titles back into the cells' text fields (cells that exist only)."""
    Characterization = apps.get_model("assessments", "Characterization")
    EvidenceLink = apps.get_model("evidence", "EvidenceLink")
    for link in EvidenceLink.objects.select_related("item").order_by("pk").iterator():
        row = Characterization.objects.filter(
            sampled_instance_id=link.sampled_instance_id,
            process_area_id=link.process_area_id,
            specific_practice_id=link.specific_practice_id,
            generic_practice_id=link.generic_practice_id,
        ).first()
        if row is None:
            continue
        field = "artifacts" if link.item.kind == "artifact" else "affirmations"
        lines = [line for line in getattr(row, field).splitlines() if line]
        if link.item.title not in lines:
            setattr(row, field, "\n".join([*lines, link.item.title]))
            row.save(update_fields=[field])


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_library")]

    operations = [migrations.RunPython(forward, backward)]
